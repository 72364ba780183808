from functools import partial
from typing import Dict

from mmseg.registry import MODELS
from mmseg.utils import SampleList
from torch import Tensor

from ..segmentors.image_text_pretrainer import ImageTextPretrainer


@MODELS.register_module()
class SimSegPretrainer(ImageTextPretrainer):
    """SimSeg: CLIP towers pre-trained with locality-driven alignment (LoDA), validated by
    SimSeg zero-shot segmentation. Paper: https://arxiv.org/abs/2303.16396.

    Call graph::

        loss(): image_encoder.forward_features(dense, 'qk') -> patch tokens (B, N, D)
                text_encoder(return_tokens=True) -> word tokens (B, L, D) + mask
                -> LoDALoss (maximum response selection, eq. 4 similarity, InfoNCE)
        predict(): as ImageTextPretrainer, with SimSegZeroShot
                   -> text_encoder.embeddings() (u^T of every prompt, M^T = 1, prompt ensemble)

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

    def classifier_options(self) -> dict:
        """Class embeddings are u^T: LoDA's text pooling with M^T = 1 (inference)."""
        return dict(pool_tokens=partial(self.loss_module.pool_text, top_m=1))

    def loss(self, inputs: Tensor, data_samples: SampleList) -> Dict[str, Tensor]:
        dense = self.image_encoder.forward_features(inputs, ('dense', ), dense_mode='qk')['dense']
        image_tokens = dense.flatten(2).transpose(1, 2)
        text = self.encode_captions(data_samples, return_tokens=True)
        loss = self.loss_module(image_tokens, text['tokens'], text['mask'])
        return {self.loss_module.loss_name: loss, 'logit_scale': self.logit_scale().detach()}
