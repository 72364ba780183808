"""SCLIP (https://arxiv.org/abs/2312.01597, github.com/wangf3014/SCLIP, ``clip/model.py``)."""
from typing import Tuple

from open_clip.transformer import ResidualAttentionBlock
from torch import Tensor

from ..backbones.dense_modes import DENSE_MODES, attend, qkv, self_affinity


@DENSE_MODES.register_module('sclip')
def sclip_tokens(block: ResidualAttentionBlock, x: Tensor, grid: Tuple[int, int]) -> Tensor:
    """Correlative self-attention ``softmax(q q^T s) + softmax(k k^T s)`` of ``ln_1(x)``, with the
    block's residual and FFN (s = head_dim^-0.5)."""
    q, k, v = qkv(block, x, split_heads=True)
    weights = self_affinity(q).softmax(dim=-1) + self_affinity(k).softmax(dim=-1)
    y = x + block.ls_1(attend(block, weights, v))
    return y + block.ls_2(block.mlp(block.ln_2(y)))
