from typing import Optional

import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor, nn


def combine_masks(mask_logits: Tensor, class_probs: Tensor) -> Tensor:
    """MaskFormer's semantic inference: per-pixel class scores (B, K, H, W) =
    sum over masks of class probability (B, N, K) x mask probability sigmoid(logits) (B, N, H, W)."""
    return torch.einsum('bnk,bnhw->bkhw', class_probs, mask_logits.sigmoid())


def winning_mask_classes(mask_logits: Tensor, class_probs: Tensor) -> Tensor:
    """Per-pixel class scores (B, K, H, W): the class probabilities (B, N, K) of the mask with
    the highest logit (B, N, H, W) at that pixel; the other masks do not vote."""
    winner = mask_logits.argmax(dim=1)  # B, H, W
    B, H, W = winner.shape
    index = winner.flatten(1)[:, :, None].expand(-1, -1, class_probs.shape[2])
    return class_probs.gather(1, index).transpose(1, 2).reshape(B, -1, H, W)


@MODELS.register_module()
class SSegZeroShot(nn.Module):
    """S-Seg zero-shot segmentation (sec. 3.3): every mask's embedding is classified by the
    class text embeddings (cosine x learnable scale, softmax over classes), and the N
    mask-class pairs are combined as in MaskFormer (``combine='sum'``, :func:`combine_masks`)
    or, not in the paper, each pixel takes the classes of its most likely mask (``'winner'``,
    :func:`winning_mask_classes`: without MaskFormer's no-object class, masks no pseudo mask
    was matched to would otherwise vote everywhere).

    Returns log scores normalised over classes, so that the model's softmax gives each
    pixel's class distribution and its ``bg_threshold`` on the maximum probability gives
    background (GroupViT's rule, as the paper).

    Args:
        logit_scale (float, optional): None: the model's learned scale. Defaults to None.
        combine (str): ``'sum'`` or ``'winner'``. Defaults to 'sum'.
    """

    def __init__(self, logit_scale: Optional[float] = None, combine: str = 'sum'):
        super().__init__()
        if combine not in ('sum', 'winner'):
            raise ValueError(f"combine must be 'sum' or 'winner', got {combine!r}")
        self.logit_scale = logit_scale
        self.combine = combine

    @torch.no_grad()
    def forward(self, model, inputs: Tensor) -> Tensor:
        out = model.backbone.forward_features(inputs, ('masks', 'mask_embeddings'))
        scale = self.logit_scale if self.logit_scale is not None else model.logit_scale()
        class_probs = (scale * model.text_encoder(out['mask_embeddings'].transpose(1, 2))).softmax(dim=1)  # B, K, N
        masks = F.interpolate(out['masks'], size=inputs.shape[2:], mode='bilinear', align_corners=False)
        combine = combine_masks if self.combine == 'sum' else winning_mask_classes
        scores = combine(masks, class_probs.transpose(1, 2))
        return (scores / scores.sum(dim=1, keepdim=True).clamp_min(1e-12)).clamp_min(1e-12).log()
