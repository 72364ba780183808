from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

from ..losses import CLIPContrastiveLoss, LearnableTemperature


def max_response_pool(tokens: Tensor, top_m: Optional[int], mask: Optional[Tensor] = None) -> Tensor:
    """Mean of the selected features of LoDA's maximum response selection (eqs. 2-4).

    Per channel, the ``top_m`` largest responses across tokens are kept (``V``, eq. 3). The
    mean of all dot products between two selected sets (eq. 4) equals the dot product of
    their means, so each set is summarised by its mean: (B, N, D) -> (B, D). As the official
    ``TopKPooling``, a batch whose shortest sequence has fewer than M real tokens keeps that
    many for every sequence (M is lowered to the batch's shortest, not per sequence).

    Args:
        tokens (Tensor): token features (B, N, D).
        top_m (int, optional): M, the responses kept per channel; None keeps every (real) token:
            the dense-alignment baseline.
        mask (Tensor, optional): (B, N) bool, True for real tokens (text padding is False).
    """
    if mask is None:
        mask = torch.ones(tokens.shape[:2], dtype=torch.bool, device=tokens.device)
    if top_m is None:
        return (tokens * mask[..., None]).sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp_min(1)
    top_m = max(1, min(top_m, int(mask.sum(dim=1).min())))
    masked = tokens.masked_fill(~mask[..., None], float('-inf'))  # padding never reaches the top M
    return masked.topk(top_m, dim=1).values.mean(dim=1)


@MODELS.register_module()
class LoDALoss(CLIPContrastiveLoss):
    """Locality-driven alignment (SimSeg, https://arxiv.org/abs/2303.16396), eqs. 2-5, as the
    official code (github.com/muyangyi/SimSeg, ``TopKPooling`` + ``L2norm`` + ``NCE``).

    Image tokens and text tokens go through maximum response selection (per channel, the
    top ``image_top_m`` / ``text_top_m`` responses across tokens, text padding excluded); each
    selected set is summarised by its mean (the mean of all dot products between two sets,
    eq. 4, is the dot product of their means) and L2-normalised: the similarity is a cosine.
    The loss is the symmetric InfoNCE with the temperature tau itself learnt and clamped to
    ``temperature_range``; negatives are gathered from all ranks (with gradients;
    :class:`CLIPContrastiveLoss`). ``select=False`` pools all tokens (their mean): the
    paper's dense-alignment baseline ("w/o LoDA"; the official ``pool: avg``).

    Args:
        image_top_m (int): M^I. Defaults to 5 (official).
        text_top_m (int): M^T. Defaults to 1 (official; 5 / 5 is the paper's ablation best).
        select (bool): maximum response selection on; False = dense alignment. Defaults to True.
        init_temperature (float): initial tau. Defaults to 0.02.
        temperature_range (tuple): clamp of tau. Defaults to (0.001, 0.5) (official).
        loss_weight (float): weight of the loss. Defaults to 1.0.
        loss_name (str): key in the loss dict. Defaults to ``'loss_loda'``.
    """

    def __init__(self,
                 image_top_m: int = 5,
                 text_top_m: int = 1,
                 select: bool = True,
                 init_temperature: float = 0.02,
                 temperature_range: Tuple[float, float] = (0.001, 0.5),
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_loda',
                 init_cfg: Optional[dict] = None):
        super().__init__(init_temperature, 1.0 / temperature_range[0], loss_weight, loss_name, init_cfg)
        self.temperature = LearnableTemperature(init_temperature, 1.0 / temperature_range[0], parameter='tau',
                                                min_scale=1.0 / temperature_range[1])
        self.image_top_m = image_top_m
        self.text_top_m = text_top_m
        self.select = select

    def pool_image(self, tokens: Tensor) -> Tensor:
        """(B, N, D) image tokens -> (B, D) unit vectors: the mean of the selected features."""
        return F.normalize(max_response_pool(tokens, self.image_top_m if self.select else None), dim=-1)

    def pool_text(self, tokens: Tensor, mask: Optional[Tensor] = None, top_m: Optional[int] = None) -> Tensor:
        """(B, L, D) text tokens (+ mask) -> (B, D) unit vectors; ``top_m`` overrides M^T."""
        pooled = max_response_pool(tokens, (top_m or self.text_top_m) if self.select else None, mask)
        return F.normalize(pooled, dim=-1)

    def forward(self, image_tokens: Tensor, text_tokens: Tensor, text_mask: Optional[Tensor] = None) -> Tensor:
        return self.contrast(self.pool_image(image_tokens), self.pool_text(text_tokens, text_mask))
