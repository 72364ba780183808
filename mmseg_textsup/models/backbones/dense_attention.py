"""Training-free dense read-outs of CLIP's last block that change its attention (the methods
that followed MaskCLIP). Each maps the last block's input tokens (B, 1+N, C) and the patch grid
to output tokens (B, 1+N, C), before ``ln_post`` and the projection.

- SCLIP (github.com/wangf3014/SCLIP, ``clip/model.py``): correlative self-attention
  ``softmax(q q^T s) + softmax(k k^T s)``, with the block's residual and FFN.
- ClearCLIP (github.com/mc-lan/ClearCLIP, ``open_clip/transformer.py``): ``softmax(q q^T s)``,
  no residual, no FFN.
- NACLIP (github.com/sinahmr/NACLIP, ``clip/model.py``, ``arch='reduced'``):
  ``softmax(k k^T s + G)`` with a Gaussian neighbourhood bias G over the patch grid (the class
  token has none), no residual, no FFN.

s = head_dim^-0.5; every attention reads ``ln_1(x)`` and ends with the block's output projection.
"""
from typing import Tuple

import torch
import torch.nn.functional as F
from open_clip.transformer import ResidualAttentionBlock
from torch import Tensor


def _heads(block: ResidualAttentionBlock, x: Tensor):
    """(q, k, v) of ``ln_1(x)``, each (B, heads, N, head_dim)."""
    B, N, C = x.shape
    h = block.attn.num_heads
    q, k, v = F.linear(block.ln_1(x), block.attn.in_proj_weight, block.attn.in_proj_bias).chunk(3, dim=-1)
    return [t.reshape(B, N, h, C // h).transpose(1, 2) for t in (q, k, v)]


def _attend(block: ResidualAttentionBlock, weights: Tensor, v: Tensor) -> Tensor:
    B, h, N, d = v.shape
    return block.attn.out_proj((weights @ v).transpose(1, 2).reshape(B, N, h * d))


def _self_affinity(t: Tensor) -> Tensor:
    return (t @ t.transpose(-2, -1)) * t.shape[-1]**-0.5


def sclip_tokens(block: ResidualAttentionBlock, x: Tensor, grid: Tuple[int, int]) -> Tensor:
    q, k, v = _heads(block, x)
    weights = _self_affinity(q).softmax(dim=-1) + _self_affinity(k).softmax(dim=-1)
    y = x + block.ls_1(_attend(block, weights, v))
    return y + block.ls_2(block.mlp(block.ln_2(y)))


def clearclip_tokens(block: ResidualAttentionBlock, x: Tensor, grid: Tuple[int, int]) -> Tensor:
    q, _, v = _heads(block, x)
    return _attend(block, _self_affinity(q).softmax(dim=-1), v)


def neighbourhood_bias(grid: Tuple[int, int], std: float = 5.0) -> Tensor:
    """NACLIP's attention bias (1+N, 1+N): ``exp(-|p - p'|^2 / (2 std^2))`` between patch
    positions p, p' of the grid (row-major), zero in the class token's row and column."""
    ys, xs = torch.meshgrid(torch.arange(grid[0]), torch.arange(grid[1]), indexing='ij')
    pos = torch.stack([ys.flatten(), xs.flatten()], dim=1).float()
    bias = torch.exp(-torch.cdist(pos, pos).pow(2) / (2 * std**2))
    return F.pad(bias, (1, 0, 1, 0))


def naclip_tokens(block: ResidualAttentionBlock, x: Tensor, grid: Tuple[int, int], std: float = 5.0) -> Tensor:
    _, k, v = _heads(block, x)
    bias = neighbourhood_bias(grid, std).to(x)
    return _attend(block, (_self_affinity(k) + bias).softmax(dim=-1), v)
