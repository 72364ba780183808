from typing import Optional

import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class ConfidenceGuidedCELoss(nn.Module):
    """CLIP-ES's confidence-guided loss (CGL, eq. 9): cross entropy over the pixels whose
    confidence is at least ``mu``, averaged over them; the other pixels contribute nothing.

    The confidence map arrives as the ``weight`` argument of the loss call: a head built as
    :func:`ConfidenceGuidedHead` passes each sample's ``gt_confidence`` (loaded by
    ``LoadConfidenceMap``). Without it (``weight=None``) this is cross entropy averaged over
    the non-ignored pixels; note that mmseg's ``CrossEntropyLoss`` divides by all pixels
    unless ``avg_non_ignore=True``.

    Args:
        mu (float): confidence threshold. Defaults to 0.95.
        loss_weight (float): Defaults to 1.0.
        loss_name (str): name in the loss dict (mmseg reads it). Defaults to ``'loss_cgl'``.
    """

    def __init__(self, mu: float = 0.95, loss_weight: float = 1.0, loss_name: str = 'loss_cgl'):
        super().__init__()
        self.mu = mu
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    @property
    def loss_name(self) -> str:
        return self._loss_name

    def forward(self, cls_score: Tensor, label: Tensor, weight: Optional[Tensor] = None, ignore_index: int = 255,
                **kwargs) -> Tensor:
        """Args: logits (B, K, H, W), labels (B, H, W), confidence (B, H, W) or None."""
        keep = label != ignore_index
        if weight is not None:
            keep &= weight >= self.mu
        ce = F.cross_entropy(cls_score, label.masked_fill(~keep, 0), reduction='none')
        return self.loss_weight * (ce * keep).sum() / keep.sum().clamp_min(1)
