from typing import Optional

import torch
from mmseg.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class SegCLIPZeroShot(nn.Module):
    """SegCLIP zero-shot segmentation through the assignment matrix (sec. 2.5).

    The regions' cosine similarities with the class text embeddings, S (L, T), become patch
    scores ``M S`` (N, T) through the (hard, noise-free) assignment M, times the logit scale;
    the model upsamples them and applies its background threshold to the softmax.

    Args:
        logit_scale (float, optional): temperature of the class softmax. None: the model's
            learned scale. Defaults to None.
    """

    def __init__(self, logit_scale: Optional[float] = None):
        super().__init__()
        self.logit_scale = logit_scale

    @torch.no_grad()
    def forward(self, model, inputs: Tensor) -> Tensor:
        out = model.image_encoder.forward_features(inputs, ('regions', 'assignment'))
        region_scores = model.text_encoder(out['regions'].transpose(1, 2))  # B, T, L
        B, N = out['assignment'].shape[:2]
        gh, gw = inputs.shape[2] // model.image_encoder.patch_size, inputs.shape[3] // model.image_encoder.patch_size
        scores = torch.einsum('bnl,btl->btn', out['assignment'], region_scores).reshape(B, -1, gh, gw)
        scale = self.logit_scale if self.logit_scale is not None else model.logit_scale()
        return scale * scores
