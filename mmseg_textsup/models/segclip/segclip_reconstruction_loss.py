from functools import partial
from typing import Optional

import torch
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from open_clip.transformer import QuickGELU, ResidualAttentionBlock
from timm.layers import build_sincos2d_pos_embed
from timm.models.vision_transformer import Block
from torch import Tensor, nn

from .semantic_group import LinearInit, init_linear_layers

quick_gelu = QuickGELU()


def patchify(images: Tensor, patch_size: int) -> Tensor:
    """(B, C, H, W) -> (B, N, p*p*C), patches in row-major order, pixels (p, p, C) per patch."""
    B, C, H, W = images.shape
    p = patch_size
    x = images.reshape(B, C, H // p, p, W // p, p)
    return x.permute(0, 2, 4, 3, 5, 1).reshape(B, (H // p) * (W // p), p * p * C)


def random_keep(batch: int, num_patches: int, mask_ratio: float, device=None) -> tuple:
    """Per-image random split of the patches as the official ``random_masking(keep_cls=True)``
    on the class token + patches: ``int((N + 1) * (1 - mask_ratio))`` tokens are kept, the class
    token among them. Returns (kept patch indices (B, n), masked patches (B, N) bool)."""
    num_keep = max(1, int((num_patches + 1) * (1 - mask_ratio)) - 1)
    order = torch.rand(batch, num_patches, device=device).argsort(dim=1)
    keep = order[:, :num_keep].sort(dim=1).values
    masked = torch.ones(batch, num_patches, dtype=torch.bool, device=device)
    masked.scatter_(1, keep, False)
    return keep, masked


@MODELS.register_module()
class SegCLIPReconstructionLoss(BaseModule):
    """SegCLIP's MAE reconstruction loss over region tokens (sec. 2.3, eq. 4), as the official
    ``use_vision_mae_recon`` branch (``modules/module_seg_vit.py``, ``modules/module_mae.py``).

    ``mask_ratio`` of the tokens are dropped; the image encoder's stages 1-2 run on the visible
    patches only, giving regions H^(m) and the assignment M^(m) (n, L). Patch tokens come back
    as ``QuickGELU(Linear_L(M^(m)) H^(m))`` (``ReconstructLayer``: a linear map over the centers
    axis), pass ``num_extra_layers`` CLIP blocks (QuickGELU; ``layers_mae2``), get their mean
    as a class token and go into MAE's decoder: a linear embedding, mask tokens at the masked
    positions, fixed 2-D sin-cos positions (a zero row for the class token), ``decoder_depth``
    ViT blocks (LayerNorm eps 1e-6), a norm and a linear pixel head. The loss is the MSE
    between predicted and true (normalised input) pixels of the masked patches.

    The layers are built for the encoder's width, patch size and number of centers, which the
    pre-training model passes in (``width``, ``patch_size``, ``num_centers``).

    Args:
        width (int): width of the image encoder's tokens.
        patch_size (int): patch size of the image encoder.
        num_centers (int): centers of the image encoder's group module.
        mask_ratio (float): fraction of masked tokens. Defaults to 0.75.
        num_extra_layers (int): CLIP blocks after the reconstruction layer (official: as many as
            stage 3). Defaults to 2.
        decoder_width (int, optional): MAE decoder width. Defaults to None: ``width // 2``
            (official).
        decoder_depth (int): MAE decoder layers. Defaults to 3.
        decoder_heads (int): MAE decoder heads. Defaults to 8.
        in_channels (int): image channels. Defaults to 3.
        loss_weight (float): weight of the loss. Defaults to 1.0.
        linear_init (str | float): ``'official'`` (every linear layer N(0, 0.02), zero bias: the
            official model's last initialisation overrides MAE's xavier one), ``'pytorch'`` or a std; see
            :func:`~mmseg_textsup.models.segclip.semantic_group.init_linear_layers`. Defaults to
            ``'official'``.
    """

    def __init__(self,
                 width: int,
                 patch_size: int,
                 num_centers: int,
                 mask_ratio: float = 0.75,
                 num_extra_layers: int = 2,
                 decoder_width: Optional[int] = None,
                 decoder_depth: int = 3,
                 decoder_heads: int = 8,
                 in_channels: int = 3,
                 loss_weight: float = 1.0,
                 linear_init: LinearInit = 'official',
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if not 0 < mask_ratio < 1:
            raise ValueError(f'mask_ratio must be in (0, 1), got {mask_ratio}')
        self.patch_size = patch_size
        self.mask_ratio = mask_ratio
        self.loss_weight = loss_weight
        decoder_width = decoder_width or width // 2
        self.restore = nn.Linear(num_centers, num_centers)
        self.extra_layers = nn.ModuleList([
            ResidualAttentionBlock(width, max(1, width // 64), act_layer=QuickGELU) for _ in range(num_extra_layers)
        ])
        self.decoder_embed = nn.Linear(width, decoder_width)
        self.mask_token = nn.Parameter(torch.zeros(decoder_width))
        nn.init.normal_(self.mask_token, std=0.02)
        norm = partial(nn.LayerNorm, eps=1e-6)
        self.decoder = nn.ModuleList(
            [Block(decoder_width, decoder_heads, qkv_bias=True, norm_layer=norm) for _ in range(decoder_depth)])
        self.decoder_norm = norm(decoder_width)
        self.pixel_head = nn.Linear(decoder_width, patch_size * patch_size * in_channels)
        init_linear_layers(self, linear_init)

    @property
    def loss_name(self) -> str:
        return 'loss_reconstruction'

    def reconstruct(self, backbone, images: Tensor, keep: Tensor) -> Tensor:
        """Predicted pixels (B, N, p*p*C) of every patch from the visible ones (``keep``)."""
        group = backbone.group_patches(images, keep)
        tokens = quick_gelu(self.restore(group['assignment']) @ group['regions'])  # B, n, C
        for layer in self.extra_layers:
            tokens = layer(tokens)
        tokens = self.decoder_embed(torch.cat([tokens.mean(dim=1, keepdim=True), tokens], dim=1))
        gh, gw = group['grid']
        B, _, D = tokens.shape
        full = self.mask_token.to(tokens.dtype).expand(B, 1 + gh * gw, D).clone()
        full[:, 0] = tokens[:, 0]
        full.scatter_(1, 1 + keep.unsqueeze(-1).expand(-1, -1, D), tokens[:, 1:])
        pos = build_sincos2d_pos_embed((gh, gw), D, interleave_sin_cos=True).to(full)  # (sin, cos) of h, of w
        pos = torch.cat([pos[:, D // 2:], pos[:, :D // 2]], dim=1)  # MAE's order: the w half first
        full = full + torch.cat([pos.new_zeros(1, D), pos])  # and a zero row for the class token
        for layer in self.decoder:
            full = layer(full)
        return self.pixel_head(self.decoder_norm(full))[:, 1:]

    def forward(self, backbone, images: Tensor, keep: Optional[Tensor] = None,
                masked: Optional[Tensor] = None) -> Tensor:
        """The loss for normalised images (B, C, H, W); a random mask unless given."""
        p = self.patch_size
        num_patches = (images.shape[2] // p) * (images.shape[3] // p)
        if keep is None:
            keep, masked = random_keep(images.shape[0], num_patches, self.mask_ratio, images.device)
        per_patch = (self.reconstruct(backbone, images, keep) - patchify(images, p)).pow(2).mean(dim=-1)
        return self.loss_weight * (per_patch * masked).sum() / masked.sum().clamp_min(1)
