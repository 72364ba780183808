"""ClearCLIP (https://arxiv.org/abs/2407.12442, github.com/mc-lan/ClearCLIP,
``open_clip/transformer.py``)."""
from typing import Tuple

from open_clip.transformer import ResidualAttentionBlock
from torch import Tensor

from ..backbones.dense_modes import DENSE_MODES, attend, qkv, self_affinity


@DENSE_MODES.register_module('clearclip')
def clearclip_tokens(block: ResidualAttentionBlock, x: Tensor, grid: Tuple[int, int]) -> Tensor:
    """``out_proj(softmax(q q^T s) v)`` of ``ln_1(x)``: no residual, no FFN (s = head_dim^-0.5)."""
    q, _, v = qkv(block, x, split_heads=True)
    return attend(block, self_affinity(q).softmax(dim=-1), v)
