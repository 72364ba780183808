from typing import Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor

from ..backbones.dense_modes import qkv
from .sam_guidance import guidance_weights

CLIP_PIXEL_MEAN = (122.7709383, 116.7460125, 104.09373615)
CLIP_PIXEL_STD = (68.5005327, 66.6321579, 70.32316305)


@MODELS.register_module()
class CLIPGuidance(BaseModule):
    """A CLIP ViT's last attention in SAM's role for Trident (:func:`guidance_weights`): the toy
    world has no SAM, and its own 4-block CLIP stands in (as it stands in for DINO).

    The image goes in at its own size (sides multiples of the patch, as the segmentor gives it),
    normalised with ``mean`` / ``std``; the attention of the last block over all tokens is the
    softmax of ``q k / sqrt(d)`` per head, restricted to the patches (the class token dropped
    as SAM's padding is), with the patches' values.

    Args:
        tower (dict): an :class:`OpenCLIPVision` ViT (weights in its ``init_weights``).
        mean (Sequence[float]): pixel mean (0-255). Defaults to CLIP's.
        std (Sequence[float]): pixel std (0-255). Defaults to CLIP's.
        init_cfg (dict, optional): MMEngine init config.
    """

    def __init__(self, tower: dict, mean: Sequence[float] = CLIP_PIXEL_MEAN, std: Sequence[float] = CLIP_PIXEL_STD,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.tower = MODELS.build(tower)
        self.tower.requires_grad_(False)
        self.register_buffer('_mean', torch.tensor(mean).view(3, 1, 1), persistent=False)
        self.register_buffer('_std', torch.tensor(std).view(3, 1, 1), persistent=False)

    @torch.no_grad()
    def forward(self, image: np.ndarray, cos_fac: float, refine_neg_cos: bool = True) -> Tuple[Tensor, Tuple[int, int]]:
        """Aggregation weights (n, n) over the patches of ``image`` (RGB uint8, H x W x 3) and their grid."""
        x = (torch.as_tensor(image, device=self._mean.device).permute(2, 0, 1).float() - self._mean) / self._std
        tower = self.tower
        tokens, grid = tower.embed(x[None])
        q, k, v = (t[0] for t in qkv(tower.blocks[-1], tower.run_blocks(tokens, 0, tower.num_blocks - 1)[0],
                                     split_heads=True))  # (heads, 1 + n, d)
        scale = q.shape[-1]**-0.5

        def head_attention(h: int) -> Tensor:  # the softmax runs over the class token too
            return ((q[h, 1:] @ k[h].T) * scale).softmax(dim=-1)[:, 1:]

        return guidance_weights(head_attention, v[:, 1:], cos_fac, refine_neg_cos), grid
