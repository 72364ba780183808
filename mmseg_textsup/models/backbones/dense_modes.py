"""Dense modes: how a ViT's last block turns its input tokens into dense output tokens.

A dense mode is a function ``mode(block, x, grid, **options) -> tokens``: ``block`` is open_clip's
last :class:`ResidualAttentionBlock`, ``x`` its input tokens (B, 1+N, C), ``grid`` the patch grid
(h, w); the output tokens (B, 1+N, C) go through ``ln_post`` and the projection. Modes register
in :data:`DENSE_MODES` by name; a config selects one as a name or as
``dict(type=name, **options)`` (NACLIP: ``dict(type='naclip', std=5.0)``).

MaskCLIP's three read-outs (https://arxiv.org/abs/2112.01071) are here, beside the tower that
also gives them for ModifiedResNet; the later training-free methods are in
``models/training_free/``.
"""
import functools
import inspect
from typing import Callable, Tuple, Union

import torch.nn.functional as F
from mmengine.registry import Registry
from open_clip.transformer import ResidualAttentionBlock
from torch import Tensor

DENSE_MODES = Registry('dense mode', scope='mmseg_textsup')

DenseModeLike = Union[str, dict]


def qkv(block: ResidualAttentionBlock, x: Tensor, split_heads: bool = False) -> Tuple[Tensor, Tensor, Tensor]:
    """(q, k, v) of ``ln_1(x)`` for tokens (B, N, C): each (B, N, C), or (B, heads, N, head_dim)
    with ``split_heads``."""
    q, k, v = F.linear(block.ln_1(x), block.attn.in_proj_weight, block.attn.in_proj_bias).chunk(3, dim=-1)
    if not split_heads:
        return q, k, v
    B, N, C = x.shape
    h = block.attn.num_heads
    return tuple(t.reshape(B, N, h, C // h).transpose(1, 2) for t in (q, k, v))


def attend(block: ResidualAttentionBlock, weights: Tensor, v: Tensor) -> Tensor:
    """``out_proj`` of per-head attention ``weights`` (B, heads, N, N) applied to ``v`` (B, heads, N, d)."""
    B, h, N, d = v.shape
    return block.attn.out_proj((weights @ v).transpose(1, 2).reshape(B, N, h * d))


def self_affinity(t: Tensor) -> Tensor:
    """``t t^T`` scaled by ``head_dim^-0.5`` (per head)."""
    return (t @ t.transpose(-2, -1)) * t.shape[-1]**-0.5


def dense_mode_name(mode: DenseModeLike) -> str:
    return mode['type'] if isinstance(mode, dict) else mode


def build_dense_mode(mode: DenseModeLike) -> Callable[[ResidualAttentionBlock, Tensor, Tuple[int, int]], Tensor]:
    """The function of a registered mode with its options bound.

    Args:
        mode (str | dict): a registered name, or ``dict(type=name, **options)``.

    Raises:
        ValueError: an unknown name, or an option the mode does not take.
    """
    options = dict(mode) if isinstance(mode, dict) else {}
    name = options.pop('type', mode if isinstance(mode, str) else None)
    fn = DENSE_MODES.get(name) if isinstance(name, str) else None
    if fn is None:
        raise ValueError(f'dense_mode must be one of {sorted(DENSE_MODES.module_dict)}, got {mode!r}')
    accepted = list(inspect.signature(fn).parameters)[3:]
    unknown = set(options) - set(accepted)
    if unknown:
        raise ValueError(f'dense mode {name!r} takes the options {accepted}, not {sorted(unknown)}')
    return functools.partial(fn, **options) if options else fn


@DENSE_MODES.register_module('qk')
def qk_tokens(block: ResidualAttentionBlock, x: Tensor, grid: Tuple[int, int]) -> Tensor:
    """The unmodified last block (MaskCLIP's "baseline")."""
    return block(x)


@DENSE_MODES.register_module('value')
def value_tokens(block: ResidualAttentionBlock, x: Tensor, grid: Tuple[int, int]) -> Tensor:
    """The value path alone, ``out_proj(v(ln_1(x)))``: no residual, no FFN."""
    return block.ls_1(block.attn.out_proj(qkv(block, x)[2]))


@DENSE_MODES.register_module('maskclip')
def maskclip_tokens(block: ResidualAttentionBlock, x: Tensor, grid: Tuple[int, int]) -> Tensor:
    """MaskCLIP (paper and official code): the value path with the residual, then the block's FFN."""
    y = x + value_tokens(block, x, grid)
    return y + block.ls_2(block.mlp(block.ln_2(y)))
