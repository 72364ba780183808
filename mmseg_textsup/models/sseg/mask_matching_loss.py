from typing import Optional

import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor
from torchvision.ops import sigmoid_focal_loss

from .mask_matching import dice_loss, match_batch


@MODELS.register_module()
class MaskMatchingLoss(BaseModule):
    """S-Seg's mask loss: predicted masks matched to class-agnostic pseudo masks.

    Each image's pseudo label map (cluster ids) becomes K binary masks (empty clusters
    dropped) at the predictions' resolution (nearest). Predictions and pseudo masks are
    matched by the Hungarian algorithm on the mask cost ``dice_weight * dice +
    focal_weight * focal`` (no class term); matched pairs contribute
    ``dice_weight * dice + focal_weight * focal`` (focal: per-pixel mean); unmatched
    predictions are not penalised. The loss is the mean over all matched pairs of the batch.

    Args:
        dice_weight (float): lambda_dice. Defaults to 1.0.
        focal_weight (float): lambda_focal. Defaults to 20.0.
        alpha (float): focal loss alpha. Defaults to 0.25.
        gamma (float): focal loss gamma. Defaults to 2.0.
        loss_weight (float): lambda_mask. Defaults to 1.0.
    """

    def __init__(self,
                 dice_weight: float = 1.0,
                 focal_weight: float = 20.0,
                 alpha: float = 0.25,
                 gamma: float = 2.0,
                 loss_weight: float = 1.0,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.dice_weight = dice_weight
        self.focal_weight = focal_weight
        self.alpha = alpha
        self.gamma = gamma
        self.loss_weight = loss_weight

    @property
    def loss_name(self) -> str:
        return 'loss_mask'

    def forward(self, mask_logits: Tensor, pseudo_labels: Tensor) -> Tensor:
        """Args: mask_logits (B, N, h, w); pseudo_labels (B, H, W) integer cluster ids."""
        h, w = mask_logits.shape[2:]
        labels = F.interpolate(pseudo_labels[:, None].float(), size=(h, w), mode='nearest')[:, 0].long()
        targets = F.one_hot(labels.flatten(1), int(labels.max()) + 1).transpose(1, 2).to(mask_logits.dtype)
        logits = mask_logits.flatten(2)  # B, N, P
        images, rows, cols = match_batch(logits, targets, targets.sum(-1) > 0, self.dice_weight, self.focal_weight)
        preds, targets = logits[images, rows], targets[images, cols]
        dice = dice_loss(preds, targets).mean()
        focal = sigmoid_focal_loss(preds, targets, self.alpha, self.gamma, reduction='none').mean(-1).mean()
        return self.loss_weight * (self.dice_weight * dice + self.focal_weight * focal)
