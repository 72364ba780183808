from typing import Optional

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor

from .gather import gather_with_grad
from .learnable_temperature import LearnableTemperature


def symmetric_info_nce(logits: Tensor) -> Tensor:
    """Mean of the image->text and text->image cross-entropies; matching pairs on the diagonal."""
    target = torch.arange(logits.shape[0], device=logits.device)
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target))


@MODELS.register_module()
class ClipContrastiveLoss(BaseModule):
    """Symmetric CLIP InfoNCE with a learnable, clamped temperature and negatives from all ranks.

    Args:
        init_temperature (float): initial temperature. Defaults to 0.07.
        max_scale (float): clamp of the logit scale. Defaults to 100.
        loss_weight (float): weight of the loss. Defaults to 1.0.
        loss_name (str): key in the loss dict. Defaults to ``'loss_contrastive'``.
    """

    def __init__(self,
                 init_temperature: float = 0.07,
                 max_scale: float = 100.0,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_contrastive',
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.temperature = LearnableTemperature(init_temperature, max_scale)
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    @property
    def loss_name(self) -> str:
        return self._loss_name

    def forward(self, image_emb: Tensor, text_emb: Tensor) -> Tensor:
        """Loss of (B, D) image and text embeddings (normalised here)."""
        image_emb = gather_with_grad(F.normalize(image_emb, dim=-1))
        text_emb = gather_with_grad(F.normalize(text_emb, dim=-1))
        logits = self.temperature() * image_emb @ text_emb.t()
        return self.loss_weight * symmetric_info_nce(logits)
