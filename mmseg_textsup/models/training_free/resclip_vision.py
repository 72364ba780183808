from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from open_clip.transformer import ResidualAttentionBlock
from torch import Tensor

from ..backbones.dense_modes import attend, qkv, self_affinity
from ..backbones.open_clip_vision import OpenCLIPVision
from .naclip import neighbourhood_bias
from .pamr import pamr

NEIGHBOURHOOD_STD = 5.0  # the official gaussian_std, in patches


def same_entity_paths(labels: Tensor) -> Tuple[Tensor, Tensor]:
    """For every pair (i, j) of patches of a label grid (h, w): whether the samples of the straight
    line from i towards j keep i's label, and their Chebyshev distance (P, P) each.

    As ResCLIP's ``check_path``: every line is sampled at ``t = k / D``, D the largest distance of
    any pair, for ``k`` up to its own distance (so a line shorter than D is followed only part of
    the way), each sample rounded to the nearest patch.
    """
    h, w = labels.shape
    index = torch.arange(h * w, device=labels.device)
    coords = torch.stack([index // w, index % w], dim=-1)
    start = coords[:, None].expand(-1, h * w, -1).reshape(-1, 2)
    end = coords[None].expand(h * w, -1, -1).reshape(-1, 2)
    steps = (end - start).abs().amax(dim=1)
    longest = int(steps.max())
    t = torch.linspace(0, 1, steps=longest + 1, device=labels.device)[None, :, None]
    samples = (start[:, None] * (1 - t) + end[:, None] * t).round().long()
    inside = torch.arange(longest + 1, device=labels.device)[None] <= steps[:, None]
    kept = labels[samples[..., 0], samples[..., 1]] == labels[start[:, 0], start[:, 1]][:, None]
    return (kept | ~inside).all(dim=1).view(h * w, h * w), steps.view(h * w, h * w)


def semantic_feedback(labels: Tensor, std: float = NEIGHBOURHOOD_STD) -> Tensor:
    """ResCLIP's semantic feedback attention (1 + P, 1 + P) of a patch label grid (h, w)
    (``generate_attention_sfr`` with ``delete_same_entity=True``): 1 between patches of one label,
    decayed by ``exp(-d / D)`` where the line between them leaves the label (``same_entity_paths``),
    each row smoothed by a 1-D Gaussian over the flattened patch index (std ``std``, zero padding),
    rectified and normalised to sum 1; the class token's row and column are 0."""
    flat = labels.flatten()
    n = flat.numel()
    affinity = (flat[:, None] == flat[None]).float()
    affinity.fill_diagonal_(1)
    valid, steps = same_entity_paths(labels)
    affinity = torch.where(valid, affinity, affinity * torch.exp(-steps / steps.max()))
    size = min(n, int(6 * std + 1))
    size = size if size % 2 == 1 else size + 1
    x = torch.arange(size, device=labels.device) - size // 2
    kernel = torch.exp(-x**2 / (2 * std**2))
    blurred = F.relu(F.conv1d(affinity[:, None], (kernel / kernel.sum()).view(1, 1, -1), padding=size // 2)[:, 0])
    return F.pad(blurred / (blurred.sum(dim=1, keepdim=True) + 1e-8), (1, 0, 1, 0))


def patch_labels(probs: Tensor, patch: int, grid: Tuple[int, int], threshold: float) -> Tensor:
    """The most frequent pixel label of each patch (h, w) of class probabilities (Q, H, W), pixels
    whose maximum probability is below ``threshold`` labelled 0 (ResCLIP's ``create_patch_matrix``)."""
    labels = probs.argmax(0)
    labels[probs.amax(0) < threshold] = 0
    patches = labels.unfold(0, patch, patch).unfold(1, patch, patch).reshape(*grid, -1)
    return torch.mode(patches, dim=-1)[0]


@MODELS.register_module()
class ResCLIPVision(OpenCLIPVision):
    """ResCLIP's dense read-out (https://arxiv.org/abs/2411.15851, github.com/yvhangyang/ResCLIP,
    ``clip/model.py`` ``VisionTransformer.forward``), on open_clip's ViT through its per-block API.
    Text-guided: the segmentor hands it its classifier's embeddings (``text_guided``).

    - RCS: the per-head attention maps of blocks ``rcs_blocks`` (counted from 0: the official
      blocks 6-9 of 12), averaged.
    - The last block is NACLIP's (``softmax(k k^T s + G)``, Gaussian neighbourhood G of std 5
      patches, no residual, no FFN) with its weights mixed as ``tau ((1 - lambda) A + lambda RCS)``
      (``rcs_weights`` = (tau, lambda)).
    - SFR: a first pass of that block segments the image (cosines with the text embeddings,
      resized to the input, PAMR with 10 steps and dilations 8 / 16, softmax at ``logit_scale``);
      each patch takes its most frequent label (pixels below ``temp_thd`` labelled 0), and
      :func:`semantic_feedback` of those labels, divided by its maximum and rounded to float16 as
      the official code does, is mixed into the logits of the second pass:
      ``tau ((1 - lambda) k k^T s + lambda SFR) + G`` (``sfr_weights`` = (tau, lambda)).

    ``dense`` is ``proj(ln_post(.))`` of the second pass's patch tokens. Each image of a batch is
    handled on its own (the official code takes one window at a time).

    Args:
        model_name (str): open_clip ViT architecture.
        pretrained (str, optional): open_clip tag or local checkpoint. Defaults to None.
        rcs_blocks (Sequence[int]): the blocks whose attention RCS averages. Defaults to (5, 6, 7, 8).
        rcs_weights (Sequence[float]): (tau, lambda) of RCS. Defaults to (2.0, 0.3).
        sfr_weights (Sequence[float]): (tau, lambda) of SFR. Defaults to (2.2, 0.7).
        temp_thd (float): probability below which a pixel of the first pass is labelled 0.
            Defaults to 0.5.
        logit_scale (float): the logit scale of the first pass's softmax (the segmentor's).
            Defaults to 40.0.
        **kwargs: :class:`OpenCLIPVision` arguments.
    """

    text_guided = True
    dense_only = True

    def __init__(self,
                 model_name: str,
                 pretrained: Optional[str] = None,
                 rcs_blocks: Sequence[int] = (5, 6, 7, 8),
                 rcs_weights: Sequence[float] = (2.0, 0.3),
                 sfr_weights: Sequence[float] = (2.2, 0.7),
                 temp_thd: float = 0.5,
                 logit_scale: float = 40.0,
                 **kwargs):
        super().__init__(model_name, pretrained, **kwargs)
        if not self.is_vit:
            raise ValueError(f'ResCLIP needs a ViT tower; {model_name} is not one.')
        if not all(0 <= b < self.num_blocks - 1 for b in rcs_blocks):
            raise ValueError(f'rcs_blocks must be blocks before the last of {model_name} (0 .. '
                             f'{self.num_blocks - 2}), got {tuple(rcs_blocks)}')
        self.rcs_blocks = tuple(rcs_blocks)
        self.rcs_weights, self.sfr_weights = tuple(rcs_weights), tuple(sfr_weights)
        self.temp_thd, self.logit_scale = temp_thd, logit_scale

    def forward(self, x: Tensor, text_embeddings: Optional[Tensor] = None) -> Dict[str, Tensor]:
        return self.forward_features(x, text_embeddings=text_embeddings)

    def last_block(self, block: ResidualAttentionBlock, x: Tensor, rcs: Tensor, neighbourhood: Tensor,
                   feedback: Optional[Tensor] = None) -> Tensor:
        """The last block on tokens (1, 1+N, C) with RCS (1, heads, 1+N, 1+N), the neighbourhood bias
        G (1+N, 1+N) and, in the second pass, the semantic feedback (1+N, 1+N)."""
        _, k, v = qkv(block, x, split_heads=True)
        logits = self_affinity(k)
        if feedback is not None:
            tau, lam = self.sfr_weights
            logits = tau * ((1 - lam) * logits + lam * (feedback / feedback.max()).to(torch.float16))
        weights = (logits + neighbourhood).softmax(dim=-1)
        tau, lam = self.rcs_weights
        return attend(block, tau * ((1 - lam) * weights + lam * rcs), v)

    def first_pass_labels(self, image: Tensor, tokens: Tensor, text: Tensor, grid: Tuple[int, int]) -> Tensor:
        """The patch labels (h, w) of the first pass's segmentation of one image (1, 3, H, W)."""
        patches = F.normalize(self.head(tokens[:, 1:]), dim=-1)
        logits = (patches @ text.t()).transpose(1, 2).reshape(1, -1, *grid)
        logits = F.interpolate(logits, size=image.shape[-2:], mode='bilinear', align_corners=False)
        probs = (pamr(image, logits, steps=10, dilations=(8, 16))[0] * self.logit_scale).softmax(dim=0)
        return patch_labels(probs, self.patch_size, grid, self.temp_thd)

    def dense_features(self, x: Tensor, text_embeddings: Optional[Tensor] = None) -> Tensor:
        """The dense features (B, D, h, w) for the class embeddings ``text_embeddings`` (Q, D)."""
        if text_embeddings is None:
            raise ValueError('ResCLIPVision needs the text embeddings (its first pass segments the image)')
        text = F.normalize(text_embeddings.to(x.dtype), dim=-1)
        tokens, grid = self.embed(x)
        rcs = 0
        for i in range(self.num_blocks - 1):
            block = self.blocks[i]
            if i in self.rcs_blocks:
                y = block.ln_1(tokens)
                out, attn = block.attn(y, y, y, need_weights=True, average_attn_weights=False)
                tokens = tokens + block.ls_1(out)
                tokens = tokens + block.ls_2(block.mlp(block.ln_2(tokens)))
                rcs = rcs + attn / len(self.rcs_blocks)
            else:
                tokens = block(tokens)
        last = self.blocks[-1]
        neighbourhood = neighbourhood_bias(grid, NEIGHBOURHOOD_STD).to(tokens)  # once for every image and pass
        dense = []
        for b in range(x.shape[0]):
            x_in, rcs_b = tokens[b:b + 1], rcs[b:b + 1]
            first = self.last_block(last, x_in, rcs_b, neighbourhood)
            labels = self.first_pass_labels(x[b:b + 1], first, text, grid)
            dense.append(self.last_block(last, x_in, rcs_b, neighbourhood, semantic_feedback(labels)))
        patches = self.head(torch.cat(dense)[:, 1:])
        return patches.transpose(1, 2).reshape(x.shape[0], -1, *grid)
