"""Mask-only bipartite matching and the dice / focal terms of S-Seg's mask loss."""
from typing import Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from scipy.optimize import linear_sum_assignment
from torch import Tensor


def dice_loss(logits: Tensor, targets: Tensor) -> Tensor:
    """Dice loss of each mask (M, P) logits against binary targets (M, P); returns (M,)."""
    p = logits.sigmoid()
    return 1 - (2 * (p * targets).sum(-1) + 1) / (p.sum(-1) + targets.sum(-1) + 1)


def pairwise_dice_cost(logits: Tensor, targets: Tensor) -> Tensor:
    """Dice loss of every prediction (..., N, P) against every target (..., K, P): (..., N, K)."""
    p = logits.sigmoid()
    inter = p @ targets.transpose(-1, -2)
    return 1 - (2 * inter + 1) / (p.sum(-1).unsqueeze(-1) + targets.sum(-1).unsqueeze(-2) + 1)


def pairwise_focal_cost(logits: Tensor, targets: Tensor, alpha: float = 0.25, gamma: float = 2.0) -> Tensor:
    """Mean per-pixel sigmoid focal loss of every prediction (..., N, P) against every target (..., K, P)."""
    p = logits.sigmoid()
    pos = alpha * (1 - p).pow(gamma) * F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits),
                                                                          reduction='none')
    neg = (1 - alpha) * p.pow(gamma) * F.binary_cross_entropy_with_logits(logits, torch.zeros_like(logits),
                                                                          reduction='none')
    t = targets.transpose(-1, -2)
    return (pos @ t + neg @ (1 - t)) / logits.shape[-1]


@torch.no_grad()
def match_batch(logits: Tensor, targets: Tensor, present: Optional[Tensor] = None, dice_weight: float = 1.0,
                focal_weight: float = 20.0) -> Tuple[Tensor, Tensor, Tensor]:
    """Hungarian matching of every image's predicted masks (B, N, P) to its targets (B, K, P)
    on the mask cost only; ``present`` (B, K) marks real targets (default: all).

    The costs of the whole batch are computed in one pass on the device; only the small
    (N, K) matrices go to scipy. Returns (image, prediction, target) indices of the pairs.
    """
    logits, targets = logits.float(), targets.float()
    cost = dice_weight * pairwise_dice_cost(logits, targets) + focal_weight * pairwise_focal_cost(logits, targets)
    cost = cost.cpu().numpy()
    present = np.ones(cost.shape[::2], bool) if present is None else present.cpu().numpy()
    images, rows, cols = [], [], []
    for b in range(cost.shape[0]):
        real = np.flatnonzero(present[b])
        r, c = linear_sum_assignment(cost[b][:, real])
        images.append(np.full(len(r), b))
        rows.append(r)
        cols.append(real[c])
    device = logits.device
    return tuple(torch.as_tensor(np.concatenate(a), dtype=torch.long, device=device) for a in (images, rows, cols))
