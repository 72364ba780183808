from typing import Optional

from mmseg.registry import MODELS
from torch import Tensor, nn

from .maskclip_head import maskclip_logits


@MODELS.register_module()
class MaskCLIPZeroShot(nn.Module):
    """Zero-shot segmentation of a pre-training model by MaskCLIP's dense read-out.

    The image encoder's dense features (``dense_mode``) are compared with the model's class
    embeddings by cosine similarity (its ``text_encoder``) and scaled by ``logit_scale``
    (None: the model's learned scale), as :class:`MaskCLIPHead` does.

    Args:
        dense_mode (str): ``'value'``, ``'maskclip'`` or ``'qk'`` (see OpenCLIPVision).
            Defaults to ``'value'``.
        logit_scale (float, optional): temperature of the class softmax. Defaults to None.
    """

    def __init__(self, dense_mode: str = 'value', logit_scale: Optional[float] = None):
        super().__init__()
        self.dense_mode = dense_mode
        self.logit_scale = logit_scale

    def forward(self, model, inputs: Tensor) -> Tensor:
        dense = model.backbone.forward_features(inputs, ('dense', ), dense_mode=self.dense_mode)['dense']
        scale = self.logit_scale if self.logit_scale is not None else model.logit_scale()
        return maskclip_logits(model.text_encoder(dense), scale)
