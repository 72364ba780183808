"""Pixel-adaptive mask refinement (PAMR; Araslanov & Roth, CVPR 2020), NACLIP's post-processing."""
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor, nn

# the 8 neighbours of a pixel on a 3 x 3 grid, row by row
NEIGHBOURS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


def _neighbours(x: Tensor, dilation: int) -> Tensor:
    """The 8 neighbours at ``dilation`` of every pixel of ``x`` (B, C, H, W), borders
    replicated: (B, C, 8, H, W)."""
    H, W = x.shape[-2:]
    d = dilation
    padded = F.pad(x, [d] * 4, mode='replicate')
    return torch.stack([padded[..., d + dy * d:d + dy * d + H, d + dx * d:d + dx * d + W] for dy, dx in NEIGHBOURS],
                       dim=2)


def pamr(image: Tensor, logits: Tensor, steps: int = 10, dilations: Sequence[int] = (8, 16)) -> Tensor:
    """Refine class scores by ``steps`` rounds of averaging over image-adaptive neighbourhoods.

    The affinity of a pixel to each of its 8 neighbours at every dilation is
    ``-|I_i - I_j| / (0.1 sigma_i)`` averaged over the image channels, where sigma_i is the
    (unbiased) standard deviation of the pixel's 3 x 3 windows at all dilations, its own value
    counted once per dilation; a softmax over the ``8 * len(dilations)`` neighbours makes the
    weights. Each step replaces every score by the weighted mean of its neighbours' scores.
    Scores are averaged linearly, so logits or probabilities can go in. NACLIP's settings:
    10 steps, dilations 8 and 16 (github.com/sinahmr/NACLIP, ``pamr.py``).

    Args:
        image (Tensor): images (B, 3, H, W), normalised as for the network.
        logits (Tensor): class scores (B, K, h, w), resized (bilinear, corners aligned) to H x W.
        steps (int): refinement steps. Defaults to 10.
        dilations (Sequence[int]): neighbourhood dilations in pixels. Defaults to (8, 16).

    Returns:
        Tensor: refined scores (B, K, H, W).
    """
    image = image.to(logits.dtype)
    mask = F.interpolate(logits, size=image.shape[-2:], mode='bilinear', align_corners=True)
    neighbours = torch.cat([_neighbours(image, d) for d in dilations], dim=2)  # B, 3, P, H, W
    centre = image.unsqueeze(2)
    sigma = torch.cat([neighbours, centre.expand(-1, -1, len(dilations), -1, -1)], dim=2).std(dim=2, keepdim=True)
    affinity = (-(centre - neighbours).abs() / (1e-8 + 0.1 * sigma)).mean(dim=1).softmax(dim=1)  # B, P, H, W
    H, W = mask.shape[-2:]
    for _ in range(steps):
        refined = torch.zeros_like(mask)
        for i, d in enumerate(dilations):  # accumulated neighbour by neighbour: no (B, K, P, H, W) stack
            padded = F.pad(mask, [d] * 4, mode='replicate')
            for j, (dy, dx) in enumerate(NEIGHBOURS):
                refined.addcmul_(affinity[:, None, 8 * i + j], padded[..., d + dy * d:d + dy * d + H,
                                                                      d + dx * d:d + dx * d + W])
        mask = refined
    return mask


@MODELS.register_module()
class PAMR(nn.Module):
    """:func:`pamr` as a post-processing step of :class:`OpenVocabEncoderDecoder` (its ``refiner``):
    called as ``refiner(image, logits, text_embeddings)`` at the original image size, before the
    background rule (the text embeddings are not used).

    Args:
        steps (int): refinement steps. Defaults to 10.
        dilations (Sequence[int]): neighbourhood dilations in pixels. Defaults to (8, 16).
    """

    def __init__(self, steps: int = 10, dilations: Sequence[int] = (8, 16)):
        super().__init__()
        self.steps = steps
        self.dilations = tuple(dilations)

    def forward(self, image: Tensor, logits: Tensor, text_embeddings: Optional[Tensor] = None) -> Tensor:
        return pamr(image, logits, self.steps, self.dilations)
