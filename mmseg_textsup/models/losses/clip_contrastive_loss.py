from typing import Optional

import torch.nn.functional as F
from mmengine.dist import get_dist_info
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from open_clip.loss import ClipLoss
from torch import Tensor

from .learnable_temperature import LearnableTemperature


@MODELS.register_module()
class CLIPContrastiveLoss(BaseModule):
    """Symmetric CLIP InfoNCE with a learnable, clamped temperature and negatives from all ranks.

    open_clip's ``ClipLoss`` computes the loss: every rank gathers the embeddings of all ranks
    with gradients (``gather_with_grad``) and takes the loss of the whole global batch, so
    DDP's gradient averaging equals one process holding the whole batch.

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
        self._clip_loss = ClipLoss(gather_with_grad=True)

    @property
    def loss_name(self) -> str:
        return self._loss_name

    def contrast(self, image_emb: Tensor, text_emb: Tensor) -> Tensor:
        """The weighted loss of (B, D) embeddings as they are (no normalisation)."""
        # the process group exists only once the runner is set up, after this module was built
        self._clip_loss.rank, self._clip_loss.world_size = get_dist_info()
        return self.loss_weight * self._clip_loss(image_emb, text_emb, self.temperature())

    def forward(self, image_emb: Tensor, text_emb: Tensor) -> Tensor:
        """Loss of (B, D) image and text embeddings (normalised here)."""
        return self.contrast(F.normalize(image_emb, dim=-1), F.normalize(text_emb, dim=-1))
