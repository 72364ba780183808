from typing import Dict

import torch
from mmseg.registry import MODELS
from mmseg.utils import SampleList
from torch import Tensor

from ..text_encoders.prompt_ensemble import prompt_ensemble
from .image_text_pretrainer import ImageTextPretrainer


@MODELS.register_module()
class SimSegPretrainer(ImageTextPretrainer):
    """SimSeg: CLIP towers pre-trained with locality-driven alignment (LoDA), validated by
    SimSeg zero-shot segmentation. Paper: https://arxiv.org/abs/2303.16396.

    Call graph::

        loss(): image_encoder.forward_features(dense, 'qk') -> patch tokens (B, N, D)
                text_encoder(return_tokens=True) -> word tokens (B, L, D) + mask
                -> LoDALoss (maximum response selection, eq. 4 similarity, InfoNCE)
        predict(): as ImageTextPretrainer, with SimSegZeroShot
                   -> class_queries() (u^T of every prompt, M^T = 1, prompt ensemble)

    Args:
        loss (dict): defaults to ``LoDALoss`` (``select=False``: the dense-alignment baseline).
        zero_shot (dict): defaults to ``SimSegZeroShot``.
        **kwargs: :class:`ImageTextPretrainer` arguments.
    """

    def __init__(self,
                 loss: dict = dict(type='LoDALoss'),
                 zero_shot: dict = dict(type='SimSegZeroShot'),
                 **kwargs):
        self._query_cache = None
        super().__init__(loss=loss, zero_shot=zero_shot, **kwargs)

    def _invalidate(self) -> None:
        super()._invalidate()
        self._query_cache = None

    @torch.no_grad()
    def _encode_queries(self, prompts) -> Tensor:
        out = self.text_encoder(self.text_encoder.tokenize(prompts), return_tokens=True)
        return self.loss_module.pool_text(out['tokens'], out['mask'], top_m=1)

    def class_queries(self):
        """(u^T rows (E, D), class of every row), cached until the text tower changes."""
        if self._query_cache is None:
            self._query_cache = prompt_ensemble(self._encode_queries, self.vocabulary, self.templates,
                                                self.synonym_fusion)
        return self._query_cache

    def loss(self, inputs: Tensor, data_samples: SampleList) -> Dict[str, Tensor]:
        self._invalidate()  # the towers are about to change
        dense = self.image_encoder.forward_features(inputs, ('dense', ), dense_mode='qk')['dense']
        image_tokens = dense.flatten(2).transpose(1, 2)
        text = self.text_encoder(self.text_tokens(data_samples).to(inputs.device), return_tokens=True)
        loss = self.loss_module(image_tokens, text['tokens'], text['mask'])
        return {self.loss_module.loss_name: loss, 'logit_scale': self.logit_scale().detach()}
