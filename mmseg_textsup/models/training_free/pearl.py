"""PEARL's attention (github.com/PGSmall/PEARL, ``pearl/attn.py`` ``pa_attn`` with the last block in
its ``'reduced'`` architecture): Procrustes-aligned keys."""
from typing import Tuple

import torch
from open_clip.transformer import ResidualAttentionBlock
from torch import Tensor

from ..backbones.dense_modes import DENSE_MODES, attend, qkv

POLAR_ITERATIONS = 5  # the official ``polar_iters``


def polar_rotation(m: Tensor, iterations: int = POLAR_ITERATIONS, eps: float = 1e-6) -> Tensor:
    """The orthogonal polar factor ``M (M^T M)^-1/2`` of matrices (B, d, d), the inverse square root
    by ``iterations`` coupled Newton-Schulz steps on ``M^T M`` scaled by its Frobenius norm (PEARL's
    ``_polar_unitary_newton_schulz``)."""
    eye = torch.eye(m.shape[-1], dtype=m.dtype, device=m.device).expand_as(m)
    a = m.transpose(1, 2) @ m
    norm = a.detach().flatten(1).norm(dim=1).clamp_min(eps).view(-1, 1, 1)
    y, z = a / norm + eps * eye, eye.clone()
    for _ in range(iterations):
        t = 0.5 * (3.0 * eye - z @ y)
        y, z = y @ t, t @ z
    return m @ (z / norm.sqrt())


def procrustes_attention(q: Tensor, k: Tensor, alpha_kk: float = 0.08) -> Tensor:
    """Attention weights (B, heads, N, N) of per-head queries and keys (B, heads, N, d) with the keys
    rotated onto the queries: the rotation is the polar factor of ``k_c^T q_c``, both centred by
    their mean weighted with the query norms (the class token, first, weighs nothing);
    ``softmax(s q (k R)^T + alpha_kk s k_c k_c^T)``, s = d^-0.5."""
    B, h, N, d = q.shape
    q, k = q.float().flatten(0, 1), k.float().flatten(0, 1)
    w = q.norm(dim=2, keepdim=True)
    w[:, 0] = 0.0
    w = w / (w.sum(dim=1, keepdim=True) + 1e-6)
    q_c = q - (w * q).sum(dim=1, keepdim=True)
    k_c = k - (w * k).sum(dim=1, keepdim=True)
    rotation = polar_rotation(k_c.transpose(1, 2) @ q_c)
    scale = d**-0.5
    logits = (q * scale) @ (k @ rotation).transpose(1, 2) + alpha_kk * (k_c @ k_c.transpose(1, 2)) * scale
    return logits.softmax(dim=-1).view(B, h, N, N)


@DENSE_MODES.register_module('pearl')
def pearl_tokens(block: ResidualAttentionBlock, x: Tensor, grid: Tuple[int, int], alpha_kk: float = 0.08) -> Tensor:
    """``out_proj`` of :func:`procrustes_attention` applied to the values of ``ln_1(x)``: no residual,
    no FFN.

    Args:
        alpha_kk (float): weight of the centred key-key logits (official ``alpha_kk``; its ADE20K
            and Cityscapes configs: 0.3). Defaults to 0.08.
    """
    q, k, v = qkv(block, x, split_heads=True)
    return attend(block, procrustes_attention(q, k, alpha_kk).to(v.dtype), v)
