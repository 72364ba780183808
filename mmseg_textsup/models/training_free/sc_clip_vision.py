from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from open_clip.transformer import ResidualAttentionBlock
from torch import Tensor

from ..backbones.dense_modes import attend, qkv, self_affinity
from ..backbones.open_clip_vision import OpenCLIPVision


def lof_outliers(x: Tensor, n_neighbors: int = 30, contamination: float = 0.05) -> Tensor:
    """Indices of the tokens (N, C) whose local outlier factor is above its ``1 - contamination``
    quantile (SC-CLIP's ``lof_pytorch``: squared Euclidean distances; a token's reachability
    distances use its own k-distance)."""
    distances = torch.norm(x[:, None] - x[None, :], dim=2, p=2)**2
    knn_distances, knn_indices = torch.topk(distances, k=n_neighbors + 1, largest=False)
    knn_distances, knn_indices = knn_distances[:, 1:], knn_indices[:, 1:]
    reach = torch.max(knn_distances, knn_distances[:, -1:].expand_as(knn_distances))
    lrd = n_neighbors / torch.nan_to_num(reach.mean(dim=1), nan=1e-6)
    lof = (lrd[knn_indices] / lrd[:, None]).mean(dim=1)
    return torch.where(lof > torch.quantile(lof.float(), 1 - contamination))[0]


def fill_outliers(tokens: Tensor, outliers: Tensor, grid: Tuple[int, int]) -> Tensor:
    """Patch tokens (B, N, C) on ``grid`` with each outlier replaced by the mean of its 3 x 3
    neighbours that are not outliers (kept where it has none); SC-CLIP's ``mean_interpolation``."""
    B, N, C = tokens.shape
    fmap = tokens.transpose(1, 2).reshape(B, C, *grid)
    keep = torch.ones(grid, dtype=tokens.dtype, device=tokens.device).flatten()
    keep[outliers] = 0
    keep = keep.view(1, 1, *grid)
    kernel = torch.ones(1, 1, 3, 3, dtype=tokens.dtype, device=tokens.device)
    kernel[..., 1, 1] = 0
    neighbour_sum = F.conv2d(F.pad(fmap * keep, (1, 1, 1, 1)).flatten(0, 1)[:, None], kernel).view(B, C, *grid)
    count = F.conv2d(F.pad(keep, (1, 1, 1, 1)), kernel)
    update = (1 - keep) * (count > 0).to(tokens.dtype)
    fmap = fmap * (1 - update) + neighbour_sum / count.clamp(min=1) * update
    return fmap.flatten(2).transpose(1, 2)


def aggregate(tokens: Tensor, correlation: Tensor) -> Tensor:
    """Tokens (B, N, C) averaged with the row-normalised weights ``correlation`` (B, N, N)."""
    return (correlation / (correlation.sum(dim=-1, keepdim=True) + 1e-6)) @ tokens


def _cosine(tokens: Tensor) -> Tensor:
    unit = F.normalize(tokens, dim=-1)
    return unit @ unit.transpose(1, 2)


@MODELS.register_module()
class SCCLIPVision(OpenCLIPVision):
    """SC-CLIP's dense read-out (https://arxiv.org/abs/2411.15869, github.com/SuleBai/SC-CLIP,
    ``clip/model.py`` ``VisionTransformer.forward``), on open_clip's ViT through its per-block API.

    Per image, on the patch tokens (the class token is set aside after the second-to-last block):

    1. the tokens entering the last block whose local outlier factor is in the top
       ``lof_contamination`` (:func:`lof_outliers`) are replaced by their neighbours' mean
       (:func:`fill_outliers`);
    2. the cosines S of block ``pre_adjust_idx``'s patch tokens (outliers filled alike) drive the
       last block: the tokens are first averaged by S cut below ``beta`` (:func:`aggregate`), then
       the last attention is ``(softmax(3 (S - mean S)) + softmax(k k^T s)) / 2`` (negative entries
       of the first term -inf), no residual, no FFN, plus ``res_cls`` times the class token;
    3. the result is averaged by the cosines of block ``post_adjust_idx`` cut below ``beta``;
    4. the sum of blocks ``multi_start_idx .. multi_end_idx - 1``'s tokens goes through the same last
       attention (+ ``res_cls`` times its class token) and averaging, and is added.

    ``dense`` is ``proj(ln_post(.))`` of the patch tokens. Block indices count the blocks from 0
    (the official ``feats_list``). The official code runs one 224 x 224 window at a time; at a
    non-square grid its outlier positions (``divmod`` by the row count) are out of range, here they
    are taken row-major.

    Args:
        model_name (str): open_clip ViT architecture.
        pretrained (str, optional): open_clip tag or local checkpoint. Defaults to None.
        pre_adjust_idx (int): the block whose cosines drive the last block. Defaults to 8.
        post_adjust_idx (int): the block whose cosines refine its output. Defaults to 3.
        multi_start_idx (int): first block of the multi-level sum. Defaults to 3.
        multi_end_idx (int): the block after its last one. Defaults to 10.
        res_cls (float): weight of the class token added to the last block's output. Defaults to 0.3.
        beta (float): cosines below it do not average. Defaults to 0.4.
        lof_neighbors (int): neighbours of the local outlier factor. Defaults to 30.
        lof_contamination (float): share of tokens taken as outliers. Defaults to 0.05.
        **kwargs: :class:`OpenCLIPVision` arguments.
    """

    dense_only = True

    def __init__(self,
                 model_name: str,
                 pretrained: Optional[str] = None,
                 pre_adjust_idx: int = 8,
                 post_adjust_idx: int = 3,
                 multi_start_idx: int = 3,
                 multi_end_idx: int = 10,
                 res_cls: float = 0.3,
                 beta: float = 0.4,
                 lof_neighbors: int = 30,
                 lof_contamination: float = 0.05,
                 **kwargs):
        super().__init__(model_name, pretrained, **kwargs)
        if not self.is_vit:
            raise ValueError(f'SC-CLIP needs a ViT tower; {model_name} is not one.')
        last = self.num_blocks - 2  # the blocks before the last one, counted from 0
        for name, index in (('pre_adjust_idx', pre_adjust_idx), ('post_adjust_idx', post_adjust_idx),
                            ('multi_start_idx', multi_start_idx)):
            if not 0 <= index <= last:
                raise ValueError(f'{name} must be in [0, {last}] for {model_name}, got {index}')
        if not multi_start_idx < multi_end_idx <= last + 1:
            raise ValueError(f'multi_end_idx must be in [{multi_start_idx + 1}, {last + 1}], got {multi_end_idx}')
        self.pre_adjust_idx, self.post_adjust_idx = pre_adjust_idx, post_adjust_idx
        self.multi_start_idx, self.multi_end_idx = multi_start_idx, multi_end_idx
        self.res_cls, self.beta = res_cls, beta
        self.lof_neighbors, self.lof_contamination = lof_neighbors, lof_contamination

    def last_attention(self, block: ResidualAttentionBlock, x: Tensor, similarity: Tensor) -> Tensor:
        """The last block's attention of SC-CLIP on tokens (B, N, C), without residual or FFN."""
        q, k, v = qkv(block, x, split_heads=True)
        s = (similarity - similarity.mean(dim=(1, 2), keepdim=True)) * 3.0
        proxy = s.masked_fill(s < 0, float('-inf')).softmax(dim=-1)[:, None]  # one for every head
        return attend(block, (proxy + self_affinity(k).softmax(dim=-1)) / 2, v)

    def refine(self, last_in: Tensor, blocks: Dict[int, Tensor], grid: Tuple[int, int]) -> Tensor:
        """Patch tokens (1, N, C) of one image from the last block's input and the earlier blocks'
        outputs (``{index: (1, 1 + N, C)}``), steps 1-4 of the class docstring."""
        block = self.blocks[-1]
        n = min(self.lof_neighbors, last_in.shape[1] - 2)  # a small grid has fewer neighbours
        outliers = lof_outliers(last_in[0, 1:], n, self.lof_contamination)
        x = fill_outliers(last_in[:, 1:], outliers, grid)
        similarity = _cosine(fill_outliers(blocks[self.pre_adjust_idx][:, 1:], outliers, grid))
        x = aggregate(x, similarity.masked_fill(similarity < self.beta, 0))
        x = self.last_attention(block, x, similarity) + self.res_cls * last_in[:, :1]
        after = _cosine(blocks[self.post_adjust_idx][:, 1:])
        after = after.masked_fill(after < self.beta, 0)
        x = aggregate(x, after)
        multi = sum(blocks[i] for i in range(self.multi_start_idx, self.multi_end_idx))
        levels = self.last_attention(block, multi[:, 1:], similarity) + self.res_cls * multi[:, :1]
        return x + aggregate(levels, after)

    def dense_features(self, x: Tensor) -> Tensor:
        """The dense features (B, D, h, w)."""
        tokens, grid = self.embed(x)
        n = self.num_blocks
        last_in, _, blocks = self.run_blocks(tokens, 0, n - 1, token_blocks=range(n - 1))
        patches = torch.cat([
            self.refine(last_in[b:b + 1], {i: t[b:b + 1] for i, t in blocks.items()}, grid)
            for b in range(x.shape[0])
        ])
        return self.head(patches).transpose(1, 2).reshape(x.shape[0], -1, *grid)
