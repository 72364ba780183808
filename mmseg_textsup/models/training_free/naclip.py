"""NACLIP (https://arxiv.org/abs/2404.08181, github.com/sinahmr/NACLIP, ``clip/model.py`` with
``arch='reduced'``, ``attn_strategy='naclip'``, ``gaussian_std=5``)."""
from typing import Tuple

import torch
import torch.nn.functional as F
from open_clip.transformer import ResidualAttentionBlock
from torch import Tensor

from ..backbones.dense_modes import DENSE_MODES, attend, qkv, self_affinity


def neighbourhood_bias(grid: Tuple[int, int], std: float = 5.0) -> Tensor:
    """NACLIP's attention bias (1+N, 1+N): ``exp(-|p - p'|^2 / (2 std^2))`` between patch
    positions p, p' of the grid (row-major), zero in the class token's row and column."""
    ys, xs = torch.meshgrid(torch.arange(grid[0]), torch.arange(grid[1]), indexing='ij')
    pos = torch.stack([ys.flatten(), xs.flatten()], dim=1).float()
    bias = torch.exp(-torch.cdist(pos, pos).pow(2) / (2 * std**2))
    return F.pad(bias, (1, 0, 1, 0))


@DENSE_MODES.register_module('naclip')
def naclip_tokens(block: ResidualAttentionBlock, x: Tensor, grid: Tuple[int, int], std: float = 5.0) -> Tensor:
    """``out_proj(softmax(k k^T s + G) v)`` of ``ln_1(x)`` with the Gaussian neighbourhood bias G
    of standard deviation ``std`` patches (:func:`neighbourhood_bias`): no residual, no FFN.

    Args:
        std (float): the Gaussian's standard deviation in patches (official ``gaussian_std``).
            Defaults to 5.0.
    """
    _, k, v = qkv(block, x, split_heads=True)
    bias = neighbourhood_bias(grid, std).to(x)
    return attend(block, (self_affinity(k) + bias).softmax(dim=-1), v)
