"""Helpers for tests and parity fixtures: reproducible random weights for any module.

A parity fixture holds the inputs and outputs of an official implementation run with some
weights; the test then puts the *same* weights into this package's module. Saving the
weights would make the fixtures large (a CLIP text tower's token embedding alone has 1.6 M
numbers), so both sides fill their parameters with :func:`seeded_weights` instead: every
floating-point tensor of the state dict gets its own seeded normal draw (CPU generator, the
same on every machine), scaled so that activations stay in a useful range.
"""
from typing import Dict

import torch
from torch import Tensor, nn


def seeded_tensor(shape, seed: int, kind: str = 'weight') -> Tensor:
    """A reproducible random tensor: ``'weight'`` ~ N(0, 1/fan_in), ``'norm'`` ~ 1 + N(0, 0.1),
    ``'bias'`` ~ N(0, 0.05), ``'embedding'`` ~ N(0, 0.5) (float32, CPU)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(tuple(shape), generator=g)
    if kind == 'norm':
        return 1 + 0.1 * x
    if kind == 'bias':
        return 0.05 * x
    if kind == 'embedding':
        return 0.5 * x
    fan_in = int(torch.tensor(shape[1:]).prod().item()) if len(shape) > 1 else 1
    return x / fan_in**0.5


def _kind(name: str, value: Tensor) -> str:
    leaf = name.rsplit('.', 1)[-1]
    if 'embedding' in name or leaf in ('pos_embed', 'cls_token'):
        return 'embedding'
    if leaf == 'running_var' or (value.dim() == 1 and leaf == 'weight'):  # scales of norm layers
        return 'norm'
    if value.dim() <= 1:
        return 'bias'
    return 'weight'


def seeded_weights(module: nn.Module, seed: int = 0) -> Dict[str, Tensor]:
    """Fill every floating-point tensor of ``module``'s state dict reproducibly (see module
    docstring); the i-th tensor in sorted key order uses seed ``seed + i``. Returns the state dict."""
    state = module.state_dict()
    for i, name in enumerate(sorted(state)):
        value = state[name]
        if value.is_floating_point():
            value.copy_(seeded_tensor(value.shape, seed + i, _kind(name, value)).to(value.dtype))
    return state
