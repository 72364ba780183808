from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F
import torchvision.transforms.functional as TF
from mmseg.registry import MODELS
from PIL import Image
from scipy.optimize import linear_sum_assignment
from torch import Tensor

from ..backbones.dense_modes import attend, qkv, self_affinity
from ..backbones.open_clip_vision import OpenCLIPVision
from .naclip import neighbourhood_bias
from .proxy_clip_vision import DINO_VIT_B8, IMAGENET_MEAN, IMAGENET_STD, init_naming_the_vfm_file

#: The statistics the official code un-normalises CLIP's input with before DINO sees it
#: (``cass_segmentor.py`` ``inv_normalize``: ImageNet's, with 0.255 as the blue channel's std).
OFFICIAL_INVERSE_STD = (0.229, 0.224, 0.255)


def official_dino_image(x: Tensor, side: int, patch: int) -> Tensor:
    """The image DINO sees in the official code, from one CLIP-normalised image (3, H, W): the
    tensor un-normalised with ImageNet's mean and :data:`OFFICIAL_INVERSE_STD`, scaled to 0-255 and
    truncated to uint8, resized by PIL (bicubic) to ``side`` x ``side``, normalised with ImageNet's
    statistics and cropped to a multiple of ``patch``. Returns (1, 3, s, s)."""
    inv = TF.normalize(x.detach().float().cpu(), [-m / s for m, s in zip(IMAGENET_MEAN, OFFICIAL_INVERSE_STD)],
                       [1 / s for s in OFFICIAL_INVERSE_STD])
    pixels = (inv.permute(1, 2, 0).numpy() * 255).astype('uint8')
    image = Image.fromarray(pixels).resize((side, side))
    out = TF.normalize(TF.to_tensor(image), IMAGENET_MEAN, IMAGENET_STD)
    s = side - side % patch
    return out[None, :, :s, :s].to(x.device)


def range_like(source: Tensor, target: Tensor) -> Tensor:
    """``source`` min-max rescaled to the value range of ``target``."""
    return (source - source.min()) / (source.max() - source.min()) * (target.max() - target.min()) + target.min()


def spectra(affinity: Tensor, k: int) -> Tensor:
    """The ``k`` largest eigenvalues (descending) of each symmetric matrix (heads, N, N), in float64."""
    return torch.linalg.eigvalsh(affinity.double()).flip(-1)[:, :k]


def head_matching_cost(dino_affinity: Tensor, clip_affinity: Tensor, k: int = 20) -> Tensor:
    """CASS's cost (heads, heads) between DINO head i and CLIP head j: 1 minus the distance of
    their ``k`` top eigenvalues (each set L2- then L1-normalised, sorted, absolute differences
    summed), as float32 (the official ``cost_matrix``)."""
    d = F.normalize(F.normalize(spectra(dino_affinity, k), dim=1), p=1, dim=1).sort(dim=1)[0]
    c = F.normalize(F.normalize(spectra(clip_affinity, k), dim=1), p=1, dim=1).sort(dim=1)[0]
    return (1 - (d[:, None] - c[None]).abs().sum(-1)).float()


def rescale_singular_values(s: Tensor) -> Tensor:
    """The official ``_scale_singular_values``: ``s`` mapped linearly from [min, max] to
    [0.5 min, 1.5 max]."""
    lo, hi = s.min(), s.max()
    return (s - lo) / (hi - lo) * (1.5 * hi - 0.5 * lo) + 0.5 * lo


def spectral_attention_logits(clip_keys: Tensor, dino_keys: Tensor, rank: int = 10, k_eigen: int = 20,
                              scale_factor: float = 10.0, rescale: bool = True) -> Tensor:
    """CASS's attention logits (heads, N, N) of one image: its spectral object-level context
    distillation (``custom_attn`` with ``attn_strategy='spectral'``).

    The key affinities ``k k^T / sqrt(d)`` of CLIP and of DINO are matched head to head by the
    Hungarian algorithm on :func:`head_matching_cost`. For the pair (i, j) of the assignment, DINO
    head ``j``'s affinity (the official code takes the other index of the pair than the cost does)
    is approximated by ``torch.svd_lowrank`` at ``rank`` (random: the global generator), its singular
    values rescaled (:func:`rescale_singular_values`, off for VOC20 and Cityscapes), its diagonal
    zeroed, its range mapped onto CLIP head i's, and mixed into CLIP head i's affinity with weight
    ``w = 1 - cost`` as ``(10 w D + C) / (10 w + 1)``.

    The official search for the rank starts at 10 and stops at once (its energy test holds for the
    last singular value whatever the threshold), so ``rank`` is 10.

    Args:
        clip_keys (Tensor): CLIP's last-block keys of the patches (heads, N, d).
        dino_keys (Tensor): DINO's keys on CLIP's grid (heads, N, d), rescaled to CLIP's key range.
    """
    clip = self_affinity(clip_keys)
    dino = self_affinity(dino_keys)
    cost = head_matching_cost(dino, clip, k_eigen)
    rows, cols = linear_sum_assignment(cost.cpu().numpy())
    mixed = torch.zeros_like(clip)
    for i, j in zip(map(int, rows), map(int, cols)):
        w = 1 - cost[i, j]
        u, s, v = torch.svd_lowrank(dino[j].double(), q=rank)
        approx = u @ torch.diag(rescale_singular_values(s) if rescale else s) @ v.T
        approx.fill_diagonal_(0)
        mixed[i] = (w * scale_factor * range_like(approx, clip[i]) + clip[i]) / (w * scale_factor + 1)
    return mixed


@MODELS.register_module()
class CASSVision(OpenCLIPVision):
    """CASS's image tower (https://arxiv.org/abs/2411.17150, github.com/MICV-yonsei/CASS,
    ``clip/model.py`` ``VisionTransformer.forward`` and ``custom_attn``): CLIP's last block with
    DINO's object-level context distilled into its attention.

    DINO (ViT-B/8 by default) sees the image as the official code prepares it
    (:func:`official_dino_image`: a square of the shorter side); the keys of its last block, rounded
    to float16 as in the official code, are bilinearly resized to CLIP's patch grid, split into
    CLIP's heads and rescaled to the range of CLIP's keys. :func:`spectral_attention_logits` plus
    NACLIP's Gaussian neighbourhood (std 5 patches), softmax, CLIP's values of the patches,
    ``out_proj``; no residual, no FFN; ``ln_post`` and the projection. The class token takes no
    part in the last attention.

    ``forward`` returns ``dense`` (B, D, h, w) and ``global`` (B, D): the class token of the full
    last block (the object-presence prior of :class:`CASSHead`); ``forward_features(x, ('dense', ))``
    the first alone.

    Args:
        model_name (str): open_clip ViT architecture.
        pretrained (str, optional): open_clip tag or local checkpoint. Defaults to None.
        vfm (dict): DINO: a module with ``last_keys`` and ``patch_size`` (:class:`TimmViTTokens`,
            weights in its ``init_weights``; the toy: an :class:`OpenCLIPVision`), with as many key
            channels as CLIP's tower. Defaults to DINO ViT-B/8 with DINO's position resizing.
        vfm_input (str): ``'official'``: DINO sees :func:`official_dino_image`; ``'same'``: the
            input as CLIP gets it, resized to the square of its shorter side (bilinear; the toy,
            whose images are not normalised with CLIP's statistics). Defaults to ``'official'``.
        rescale_singular_values (bool): :func:`rescale_singular_values` (the official code: on
            except for VOC20 and Cityscapes). Defaults to True.
        neighbourhood_std (float): std of the Gaussian neighbourhood in patches. Defaults to 5.0.
        **kwargs: :class:`OpenCLIPVision` arguments.
    """

    dense_only = True

    def __init__(self,
                 model_name: str,
                 pretrained: Optional[str] = None,
                 vfm: dict = DINO_VIT_B8,
                 vfm_input: str = 'official',
                 rescale_singular_values: bool = True,
                 neighbourhood_std: float = 5.0,
                 **kwargs):
        super().__init__(model_name, pretrained, **kwargs)
        if not self.is_vit:
            raise ValueError(f'CASS needs a ViT tower; {model_name} is not one.')
        if vfm_input not in ('official', 'same'):
            raise ValueError(f"vfm_input must be 'official' or 'same', got {vfm_input!r}")
        self.vfm = MODELS.build(vfm)
        self.vfm.requires_grad_(False)
        self.vfm_input = vfm_input
        self.rescale = rescale_singular_values
        self.neighbourhood_std = neighbourhood_std

    def init_weights(self):
        init_naming_the_vfm_file(super().init_weights, self.vfm)

    def dino_keys(self, x: Tensor, grid: Tuple[int, int]) -> Tensor:
        """DINO's last-block keys of one image (3, H, W) on CLIP's grid (heads, h*w, d), float16."""
        side, patch = min(x.shape[-2:]), self.vfm.patch_size
        if self.vfm_input == 'official':
            image = official_dino_image(x, side, patch)
        else:
            image = F.interpolate(x[None], size=(side - side % patch, ) * 2, mode='bilinear', align_corners=False)
        keys = self.vfm.last_keys(image).half()
        if keys.shape[1] != self.visual.conv1.out_channels:
            raise ValueError(f'CASS splits the keys of its DINO into CLIP\'s heads: DINO gives {keys.shape[1]} '
                             f'channels, CLIP {self.model_name} has {self.visual.conv1.out_channels}')
        keys = keys.reshape(self.blocks[-1].attn.num_heads, -1, *keys.shape[-2:])
        keys = F.interpolate(keys, size=grid, mode='bilinear', align_corners=False)
        return keys.flatten(2).transpose(1, 2)

    def global_features(self, x: Tensor) -> Tensor:
        """The class token of the full last block, projected (B, D)."""
        tokens, _ = self.embed(x)
        return self.head(self.run_blocks(tokens)[0][:, 0])

    def forward(self, x: Tensor) -> Dict[str, Tensor]:
        """``dense`` (B, D, h, w) and ``global`` (B, D) in one pass."""
        dense, cls = self._dense_and_global(x)
        return {'dense': dense, 'global': cls}

    def dense_features(self, x: Tensor) -> Tensor:
        return self._dense_and_global(x)[0]

    def _dense_and_global(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        tokens, grid = self.embed(x)
        x_in = self.run_blocks(tokens, 0, self.num_blocks - 1)[0]
        last = self.blocks[-1]
        _, k, v = qkv(last, x_in, split_heads=True)
        k, v = k[:, :, 1:], v[:, :, 1:]
        neighbourhood = neighbourhood_bias(grid, self.neighbourhood_std)[1:, 1:].to(k)
        weights = []
        for b in range(x.shape[0]):
            dino = range_like(self.dino_keys(x[b], grid), k[b])
            logits = spectral_attention_logits(k[b], dino, rescale=self.rescale)
            weights.append((logits + neighbourhood).softmax(dim=-1))
        dense = self.head(attend(last, torch.stack(weights), v))
        return dense.transpose(1, 2).reshape(x.shape[0], -1, *grid), self.head(last(x_in)[:, 0])
