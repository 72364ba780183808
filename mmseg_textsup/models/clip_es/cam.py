"""CLIP-ES maths (https://arxiv.org/abs/2302.09506): Softmax-GradCAM, class-aware
attention-based affinity (CAA) and the pseudo-label confidence."""
from typing import Sequence

import numpy as np
import torch
from scipy import ndimage
from torch import Tensor


def softmax_gradcam(activations: Tensor, probs: Tensor, targets: Sequence[int]) -> Tensor:
    """GradCAM through a softmax (CLIP-ES eq. 4), one map per target class.

    The channel weights are the spatial mean of d s_c / d A (s = ``probs``, the softmax over
    the text set, so every other class in the set suppresses class c); the map is
    ``ReLU(sum_k w_k A_k)``.

    Args:
        activations (Tensor): the target layer's activations (N, C) (one image, N positions),
            part of the graph that produced ``probs``.
        probs (Tensor): softmax scores (T,) over the text set.
        targets (Sequence[int]): positions in the text set of the classes to explain.

    Returns:
        Tensor: CAMs (len(targets), N), detached.
    """
    cams = []
    for i, t in enumerate(targets):
        grad, = torch.autograd.grad(probs[t], activations, retain_graph=i < len(targets) - 1)
        weights = grad.mean(dim=0)  # (C,)
        cams.append(torch.relu(activations.detach() @ weights))
    return torch.stack(cams) if cams else activations.new_zeros(0, activations.shape[0])


def sinkhorn(matrix: Tensor, iterations: int = 3) -> Tensor:
    """Sinkhorn normalisation: alternately divide by column sums then row sums."""
    for _ in range(iterations):
        matrix = matrix / matrix.sum(dim=-2, keepdim=True).clamp_min(1e-12)
        matrix = matrix / matrix.sum(dim=-1, keepdim=True).clamp_min(1e-12)
    return matrix


def caa_affinity(attention: Tensor, iterations: int = 3, power: int = 2) -> Tensor:
    """CAA's affinity A^t (eq. 6, 7) from attention maps (L, N+1, N+1) of the last L blocks.

    The maps are averaged, the class token's row and column dropped, the result made doubly
    stochastic (Sinkhorn) and symmetric, ``(D + D^T) / 2``, and raised to ``power`` (t).
    """
    d = sinkhorn(attention.mean(dim=0)[1:, 1:].float(), iterations)
    return torch.linalg.matrix_power((d + d.t()) / 2, power)


def box_mask(cam: np.ndarray, threshold: float) -> np.ndarray:
    """1 inside the bounding boxes of the connected regions of ``cam >= threshold`` (h, w)."""
    labelled, _ = ndimage.label(cam >= threshold)
    mask = np.zeros(cam.shape, dtype=np.float32)
    for box in ndimage.find_objects(labelled):
        mask[box] = 1.0
    return mask


def normalise_cams(cams: Tensor) -> Tensor:
    """Min-max scale every map of (K, ...) to [0, 1]."""
    flat = cams.flatten(1)
    lo, hi = flat.amin(dim=1, keepdim=True), flat.amax(dim=1, keepdim=True)
    return ((flat - lo) / (hi - lo).clamp_min(1e-12)).reshape(cams.shape)


def caa_refine(cams: Tensor, affinity: Tensor, threshold: float, mask_on: str = 'output') -> Tensor:
    """Refine normalised CAMs (K, h, w) with the affinity (hw, hw): eq. 7.

    ``mask_on='output'`` is the paper's ``B_c * (A^t vec(M_c))``; ``'source'`` masks the
    affinity's columns before the product, as the official code does.
    """
    k, h, w = cams.shape
    boxes = torch.from_numpy(np.stack([box_mask(c, threshold) for c in cams.float().cpu().numpy()])).to(cams)
    flat, boxes = cams.reshape(k, -1), boxes.reshape(k, -1)
    if mask_on == 'output':
        refined = boxes * (flat @ affinity.t())
    elif mask_on == 'source':
        refined = (flat * boxes) @ affinity.t()
    else:
        raise ValueError(f"mask_on must be 'output' or 'source', got {mask_on!r}")
    return normalise_cams(refined.reshape(k, h, w))


def cam_confidence(cams: Tensor) -> Tensor:
    """CLIP-ES eq. 8: ``max(1 - max_c X, max_c X)`` of CAMs (K, H, W) in [0, 1]; 1 without classes."""
    if len(cams) == 0:
        return torch.ones(cams.shape[1:], device=cams.device)
    top = cams.amax(dim=0)
    return torch.maximum(1 - top, top)
