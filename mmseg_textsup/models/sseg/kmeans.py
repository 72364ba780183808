"""Batched K-means on the device (S-Seg's pseudo-mask generator)."""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor


def nearest(x: Tensor, centers: Tensor) -> Tensor:
    """Index (B, N) of the nearest center (B, k, D) of every point (B, N, D):
    argmin of ||c||^2 - 2 x.c (||x||^2 is the same for all centers), one batched matmul."""
    return (centers.pow(2).sum(-1).unsqueeze(1) - 2 * x @ centers.transpose(1, 2)).argmin(dim=-1)


def batched_kmeans(x: Tensor, k: int, iters: int = 10, generator: Optional[torch.Generator] = None
                   ) -> Tuple[Tensor, Tensor]:
    """Cluster every set of points of a batch independently, all sets at once.

    k-means++ initialisation, then ``iters`` Lloyd steps; an empty cluster keeps its center.
    No Python loop runs over images or points (only over the k seeds and the iterations).

    Args:
        x (Tensor): points (B, N, D).
        k (int): clusters per set (at most N).
        iters (int): Lloyd iterations. Defaults to 10.
        generator (torch.Generator, optional): random source of the seeding.

    Returns:
        tuple: labels (B, N) in [0, k) and centers (B, k, D).
    """
    B, N, D = x.shape
    if not 0 < k <= N:
        raise ValueError(f'k must be in [1, {N}], got {k}')
    x = x.float()
    batch = torch.arange(B, device=x.device)
    first = torch.randint(N, (B, ), device=x.device, generator=generator)
    centers = x[batch, first].unsqueeze(1)  # B, 1, D
    d2 = (x - centers).pow(2).sum(-1)  # B, N: squared distance to the nearest chosen center
    for _ in range(1, k):
        nxt = torch.multinomial(d2 + 1e-12, 1, generator=generator).squeeze(1)
        c = x[batch, nxt].unsqueeze(1)
        centers = torch.cat([centers, c], dim=1)
        d2 = torch.minimum(d2, (x - c).pow(2).sum(-1))
    for _ in range(iters):
        labels = nearest(x, centers)
        onehot = F.one_hot(labels, k).to(x.dtype)  # B, N, k
        counts = onehot.sum(dim=1).unsqueeze(-1)  # B, k, 1
        means = onehot.transpose(1, 2) @ x / counts.clamp_min(1)
        centers = torch.where(counts > 0, means, centers)
    return nearest(x, centers), centers
