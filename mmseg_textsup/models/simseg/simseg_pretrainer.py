from functools import partial
from typing import Dict

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from mmseg.utils import OptSampleList, SampleList
from torch import Tensor

from ..segmentors.image_text_pretrainer import ImageTextPretrainer


@MODELS.register_module()
class SimSegPretrainer(ImageTextPretrainer):
    """SimSeg: CLIP towers pre-trained with locality-driven alignment (LoDA), validated by
    SimSeg zero-shot segmentation. Paper: https://arxiv.org/abs/2303.16396.

    Call graph::

        loss(): backbone.forward_features(dense, 'qk') -> patch tokens (B, N, D)
                text_encoder(return_tokens=True) -> word tokens (B, L, D) + mask
                -> LoDALoss (maximum response selection, eq. 4 similarity, InfoNCE)
        predict(): as ImageTextPretrainer, with SimSegZeroShot
                   -> text_encoder.embeddings() (u^T of every prompt, M^T = 1, prompt ensemble)
                   -> postprocess_result(): nearest resize to the original image

    Args:
        loss (dict): defaults to ``LoDALoss`` (``select=False``: the dense-alignment baseline).
        zero_shot (dict): defaults to ``SimSegZeroShot``.
        **kwargs: :class:`ImageTextPretrainer` arguments.
    """

    def __init__(self,
                 loss: dict = dict(type='LoDALoss'),
                 zero_shot: dict = dict(type='SimSegZeroShot'),
                 **kwargs):
        super().__init__(loss=loss, zero_shot=zero_shot, **kwargs)

    def postprocess_result(self, seg_logits: Tensor, data_samples: OptSampleList = None) -> SampleList:
        """Label maps are resized to each original image by OpenCV's nearest neighbour, as the
        official ``cv2.resize(..., INTER_NEAREST)`` (mmseg resizes bilinearly; torch's nearest
        rounds some positions the other way)."""
        if data_samples is None:
            return super().postprocess_result(seg_logits, data_samples)
        results = []
        for logits, sample in zip(seg_logits, data_samples):
            h, w = sample.ori_shape
            label = logits.argmax(dim=0).cpu().numpy().astype(np.uint16)
            label = torch.from_numpy(cv2.resize(label, (w, h), interpolation=cv2.INTER_NEAREST).astype(np.int64))
            one_hot = F.one_hot(label.to(logits.device), logits.shape[0]).permute(2, 0, 1)[None].to(logits)
            results += super().postprocess_result(one_hot, [sample])
        return results

    def classifier_options(self) -> dict:
        """Class embeddings are u^T: LoDA's text pooling with M^T = 1 (inference)."""
        return dict(pool_tokens=partial(self.loss_module.pool_text, top_m=1))

    def loss(self, inputs: Tensor, data_samples: SampleList) -> Dict[str, Tensor]:
        dense = self.backbone.forward_features(inputs, ('dense', ), dense_mode='qk')['dense']
        image_tokens = dense.flatten(2).transpose(1, 2)
        text = self.encode_captions(data_samples, return_tokens=True)
        loss = self.loss_module(image_tokens, text['tokens'], text['mask'])
        return {self.loss_module.loss_name: loss, 'logit_scale': self.logit_scale().detach()}
