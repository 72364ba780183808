from typing import Optional

from mmseg.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class MaskClipZeroShot(nn.Module):
    """Zero-shot segmentation of a pre-training model by MaskCLIP's dense read-out.

    The image encoder's dense features (``dense_mode``) are compared with the model's class
    embeddings by cosine similarity, scaled by ``logit_scale`` (None: the model's learned
    scale).

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
        dense = model.image_encoder.forward_features(inputs, ('dense', ), dense_mode=self.dense_mode)['dense']
        scores = model.classify(dense)
        scale = self.logit_scale if self.logit_scale is not None else model.logit_scale()
        return scale * scores
