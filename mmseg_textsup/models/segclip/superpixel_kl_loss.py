from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor


def patch_superpixel_ids(superpixels: Tensor, grid: Tuple[int, int]) -> Tensor:
    """One superpixel id per patch (B, h*w) from per-pixel ids (B, H, W): the floor of the mean
    id of the patch's pixels (the paper and the official ``get_felzenszwalb_from_cache``)."""
    return F.adaptive_avg_pool2d(superpixels.float().unsqueeze(1), grid).floor().long().flatten(1)


def super_patch_means(probs: Tensor, ids: Tensor) -> Tensor:
    """Mean of ``probs`` (B, N, L) over the patches sharing an id (B, N), per image."""
    B, N, L = probs.shape
    _, group = torch.unique(ids + ids.new_tensor(range(B)).unsqueeze(1) * (int(ids.max()) + 1),
                            return_inverse=True)
    group = group.flatten()
    sums = probs.new_zeros(int(group.max()) + 1, L).index_add_(0, group, probs.reshape(B * N, L))
    counts = torch.bincount(group).to(probs.dtype).unsqueeze(1)
    return (sums / counts)[group].reshape(B, N, L)


@MODELS.register_module()
class SuperpixelKLLoss(BaseModule):
    """SegCLIP's superpixel-based KL loss (sec. 2.4, eqs. 5-6), as the official code
    (``modules/modeling.py``, ``use_seglabel``).

    Every patch takes a superpixel id (see :func:`patch_superpixel_ids`); the patches with one
    id form a super-patch. With M the (straight-through one-hot) assignment (B, N, L) and
    M_bar its mean over each super-patch, P = softmax(M) ("the row of M after softmax") and
    P_bar = softmax(M_bar); the loss is ``(KL(P_bar || P) + KL(P || P_bar)) / 2`` summed over
    patches and centers and divided by B * N * L. Gradients reach the assignment logits
    through the straight-through estimator.

    Args:
        loss_weight (float): weight of the loss. Defaults to 1.0.
    """

    def __init__(self, loss_weight: float = 1.0, init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.loss_weight = loss_weight

    @property
    def loss_name(self) -> str:
        return 'loss_superpixel_kl'

    def forward(self, assignment: Tensor, superpixels: Tensor, grid: Tuple[int, int]) -> Tensor:
        """Args: assignment (B, N, L) one-hot rows; superpixels (B, H, W) per-pixel ids;
        grid (h, w) of the patches, h * w = N."""
        ids = patch_superpixel_ids(superpixels.to(assignment.device), grid)
        log_p = assignment.log_softmax(dim=-1)
        log_m = super_patch_means(assignment, ids).log_softmax(dim=-1)
        symmetric = ((log_p.exp() - log_m.exp()) * (log_p - log_m)).sum()  # KL(P||M) + KL(M||P)
        return self.loss_weight * symmetric / (2 * assignment.numel())
