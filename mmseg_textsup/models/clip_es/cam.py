"""CLIP-ES maths (https://arxiv.org/abs/2302.09506): Softmax-GradCAM, class-aware attention-based
affinity (CAA), the box masks and the pseudo-label confidence, as the official code computes them."""
from typing import Sequence

import cv2
import numpy as np
import torch
from torch import Tensor


def softmax_gradcam(activations: Tensor, probs: Tensor, targets: Sequence[int]) -> Tensor:
    """GradCAM through a softmax (CLIP-ES eq. 4), one map per target class.

    The channel weights are the mean over the patch tokens of d s_c / d A (s = ``probs``, the
    softmax over the text set, so every other class in the set suppresses class c); the map is
    ``ReLU(sum_k w_k A_k)`` over the patch tokens. The class token (the first row) takes no part,
    as in the official GradCAM, whose reshape drops it from activations and gradients.

    Args:
        activations (Tensor): the target layer's activations (1 + N, C) (one image: the class
            token and N patches), part of the graph that produced ``probs``.
        probs (Tensor): softmax scores (T,) over the text set.
        targets (Sequence[int]): positions in the text set of the classes to explain.

    Returns:
        Tensor: CAMs (len(targets), N), detached.
    """
    cams = []
    patches = activations.detach()[1:]
    for i, t in enumerate(targets):
        grad, = torch.autograd.grad(probs[t], activations, retain_graph=i < len(targets) - 1)
        cams.append(torch.relu(patches @ grad[1:].mean(dim=0)))
    return torch.stack(cams) if cams else patches.new_zeros(0, patches.shape[0])


def normalise_cams(cams: Tensor) -> Tensor:
    """Min-max scale every map of (K, ...) to [0, 1]: ``(x - min) / (1e-7 + max(x - min))``, the
    official ``scale_cam_image``."""
    flat = cams.flatten(1)
    flat = flat - flat.amin(dim=1, keepdim=True)
    return (flat / (1e-7 + flat.amax(dim=1, keepdim=True))).reshape(cams.shape)


def scale_gradcam(cams: Tensor) -> Tensor:
    """The official GradCAM's output scaling: :func:`normalise_cams` twice, as its
    ``compute_cam_per_layer`` scales each layer's map and ``aggregate_multi_layers`` scales their
    mean again. After one pass a map's maximum is ``m / (m + 1e-7)`` (m the raw range), which the
    second pass moves closer to 1: the two differ where m is small (4.5e-4 at m = 1e-4)."""
    return normalise_cams(normalise_cams(cams))


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
    """1 inside the bounding boxes of the regions of a normalised CAM (h, w) above ``threshold``
    of its maximum, as the official ``scoremap2bbox``: the map as uint8 (``x * 255``, truncated),
    pixels ``> int(threshold * max)``, OpenCV contours (8-connected, nested ones too) and their
    bounding rectangles, whose right / bottom ends are clipped to ``w - 1`` / ``h - 1`` (exclusive
    ends: the last column and row stay outside). No region: an empty mask."""
    h, w = cam.shape
    image = (cam * 255).astype(np.uint8)
    _, binary = cv2.threshold(image, int(threshold * image.max()), 255, cv2.THRESH_BINARY)
    contours = cv2.findContours(binary, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)[-2]
    mask = np.zeros((h, w), dtype=np.float32)
    for contour in contours:
        x, y, bw, bh = cv2.boundingRect(contour)
        mask[y:min(y + bh, h - 1), x:min(x + bw, w - 1)] = 1.0
    return mask


def caa_refine(cams: Tensor, affinity: Tensor, threshold: float) -> Tensor:
    """Refine normalised CAMs (K, h, w) with the affinity (hw, hw), eq. 7: the box masks of
    each class select the affinity's columns (the sources a position may draw from, "these
    boxes mask the affinity weight A"), ``refined = (A^t * B_c) vec(M_c)``, then min-max scaled."""
    k, h, w = cams.shape
    boxes = torch.from_numpy(np.stack([box_mask(c, threshold) for c in cams.float().cpu().numpy()])).to(cams)
    refined = (cams.reshape(k, -1) * boxes.reshape(k, -1)) @ affinity.t()
    return normalise_cams(refined.reshape(k, h, w))


def cam_confidence(cams: Tensor) -> Tensor:
    """CLIP-ES eq. 8 as the paper writes it: ``max(1 - max_c X, max_c X)`` of CAMs (K, H, W) in
    [0, 1]; 1 without classes. (The official code uses the CRF's probability instead.)"""
    if len(cams) == 0:
        return torch.ones(cams.shape[1:], device=cams.device)
    top = cams.amax(dim=0)
    return torch.maximum(1 - top, top)
