from typing import Literal, Optional, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor


def patch_superpixel_ids(superpixels: Tensor, grid: Tuple[int, int], rule: str = 'mean_floor') -> Tensor:
    """One superpixel id per patch (B, h*w) from per-pixel ids (B, H, W).

    ``'mean_floor'`` (the paper): the floor of the mean id of the patch's pixels.
    ``'majority'``: the most frequent id (needs H, W divisible by the grid).
    """
    sp = superpixels.float().unsqueeze(1)
    if rule == 'mean_floor':
        return F.adaptive_avg_pool2d(sp, grid).floor().long().flatten(1)
    if rule == 'majority':
        ph, pw = sp.shape[2] // grid[0], sp.shape[3] // grid[1]
        cells = F.unfold(sp, (ph, pw), stride=(ph, pw))  # B, ph*pw, N
        return cells.mode(dim=1).values.long()
    raise ValueError(f"rule must be 'mean_floor' or 'majority', got {rule!r}")


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
    """SegCLIP's superpixel-based KL loss (sec. 2.4, eq. 5-6).

    Every patch takes a superpixel id (see :func:`patch_superpixel_ids`); the patches with
    one id form a super-patch. Each patch's region distribution P_j (its soft row of the
    Gumbel-softmax assignment, ``SemanticGroup``'s ``probs``) is pulled towards the mean
    distribution of its super-patch, ``P_bar_j``, by the symmetric KL
    ``KL(P_j || P_bar_j) + KL(P_bar_j || P_j)``: zero exactly when every patch of a
    super-patch has the same distribution.

    Args:
        patch_rule (str): ``'mean_floor'`` (paper) or ``'majority'``. Defaults to 'mean_floor'.
        reduction (str): ``'sum'`` over the patches of an image (eq. 6), averaged over images;
            or ``'mean'`` over patches as well. Defaults to 'sum'.
        loss_weight (float): weight of the loss. Defaults to 1.0.
        eps (float): floor of the probabilities inside the logarithms. Defaults to 1e-8.
    """

    def __init__(self,
                 patch_rule: Literal['mean_floor', 'majority'] = 'mean_floor',
                 reduction: Literal['sum', 'mean'] = 'sum',
                 loss_weight: float = 1.0,
                 eps: float = 1e-8,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if reduction not in ('sum', 'mean'):
            raise ValueError(f"reduction must be 'sum' or 'mean', got {reduction!r}")
        self.patch_rule = patch_rule
        self.reduction = reduction
        self.loss_weight = loss_weight
        self.eps = eps

    @property
    def loss_name(self) -> str:
        return 'loss_superpixel_kl'

    def forward(self, probs: Tensor, superpixels: Tensor, grid: Tuple[int, int]) -> Tensor:
        """Args: probs (B, N, L) region distributions; superpixels (B, H, W) per-pixel ids;
        grid (h, w) of the patches, h * w = N."""
        ids = patch_superpixel_ids(superpixels.to(probs.device), grid, self.patch_rule)
        mean = super_patch_means(probs, ids)
        log_p, log_m = probs.clamp_min(self.eps).log(), mean.clamp_min(self.eps).log()
        per_patch = ((probs - mean) * (log_p - log_m)).sum(dim=-1)  # KL(P||M) + KL(M||P)
        per_image = per_patch.sum(dim=1) if self.reduction == 'sum' else per_patch.mean(dim=1)
        return self.loss_weight * per_image.mean()
