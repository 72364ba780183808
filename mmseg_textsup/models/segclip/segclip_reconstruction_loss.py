from typing import Optional

import torch
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from open_clip.transformer import LayerNorm, ResidualAttentionBlock
from timm.layers import build_sincos2d_pos_embed
from torch import Tensor, nn

from .semantic_group import QuickGELU

quick_gelu = QuickGELU()


def patchify(images: Tensor, patch_size: int) -> Tensor:
    """(B, C, H, W) -> (B, N, p*p*C), patches in row-major order, pixels (p, p, C) per patch."""
    B, C, H, W = images.shape
    p = patch_size
    x = images.reshape(B, C, H // p, p, W // p, p)
    return x.permute(0, 2, 4, 3, 5, 1).reshape(B, (H // p) * (W // p), p * p * C)


def random_keep(batch: int, num_patches: int, mask_ratio: float, device=None) -> tuple:
    """Per-image random split of the patches: (kept indices (B, n), masked (B, N) bool)."""
    num_keep = max(1, int(round(num_patches * (1 - mask_ratio))))
    order = torch.rand(batch, num_patches, device=device).argsort(dim=1)
    keep = order[:, :num_keep].sort(dim=1).values
    masked = torch.ones(batch, num_patches, dtype=torch.bool, device=device)
    masked.scatter_(1, keep, False)
    return keep, masked


@MODELS.register_module()
class SegCLIPReconstructionLoss(BaseModule):
    """SegCLIP's MAE reconstruction loss over region tokens (sec. 2.3, eq. 4).

    ``mask_ratio`` of the patches are dropped; the image encoder's stages 1-2 run on the
    visible patches only, giving regions H_p^(m) and the assignment M^(m) (n, L). Patch
    tokens come back as ``QuickGELU(Linear_L(M^(m)) H_p^(m))`` (the official
    ``ReconstructLayer``: a linear map over the centers axis of the assignment), pass ``num_extra_layers``
    transformer layers, then an MAE decoder (mask tokens at the masked positions, fixed 2-D
    sin-cos positions, ``decoder_depth`` layers, a linear pixel head). The loss is the MSE
    between predicted and true pixels of the **masked** patches only.

    The layers are built for the encoder's width, patch size and number of centers, which the
    pre-training model passes in (``width``, ``patch_size``, ``num_centers``).

    Args:
        width (int): width of the image encoder's tokens.
        patch_size (int): patch size of the image encoder.
        num_centers (int): centers of the image encoder's group module.
        mask_ratio (float): fraction of masked patches. Defaults to 0.75.
        num_extra_layers (int): transformer layers after the reconstruction layer (the paper:
            "similar to the third stage"). Defaults to 2.
        decoder_width (int): MAE decoder width. Defaults to 512.
        decoder_depth (int): MAE decoder layers. Defaults to 3.
        decoder_heads (int): MAE decoder heads. Defaults to 16.
        norm_pix (bool): targets normalised per patch (MAE's option). Defaults to False:
            the (already mean/std normalised) input pixels.
        in_channels (int): image channels. Defaults to 3.
        loss_weight (float): weight of the loss. Defaults to 1.0.
    """

    def __init__(self,
                 width: int,
                 patch_size: int,
                 num_centers: int,
                 mask_ratio: float = 0.75,
                 num_extra_layers: int = 2,
                 decoder_width: int = 512,
                 decoder_depth: int = 3,
                 decoder_heads: int = 16,
                 norm_pix: bool = False,
                 in_channels: int = 3,
                 loss_weight: float = 1.0,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if not 0 < mask_ratio < 1:
            raise ValueError(f'mask_ratio must be in (0, 1), got {mask_ratio}')
        self.patch_size = patch_size
        self.mask_ratio = mask_ratio
        self.norm_pix = norm_pix
        self.loss_weight = loss_weight
        heads = max(1, width // 64)
        self.restore = nn.Linear(num_centers, num_centers)
        self.extra_layers = nn.ModuleList([ResidualAttentionBlock(width, heads) for _ in range(num_extra_layers)])
        self.decoder_embed = nn.Linear(width, decoder_width)
        self.mask_token = nn.Parameter(torch.zeros(decoder_width))
        nn.init.normal_(self.mask_token, std=0.02)
        self.decoder = nn.ModuleList(
            [ResidualAttentionBlock(decoder_width, decoder_heads) for _ in range(decoder_depth)])
        self.decoder_norm = LayerNorm(decoder_width)
        self.pixel_head = nn.Linear(decoder_width, patch_size * patch_size * in_channels)

    @property
    def loss_name(self) -> str:
        return 'loss_reconstruction'

    def reconstruct(self, image_encoder, images: Tensor, keep: Tensor) -> Tensor:
        """Predicted pixels (B, N, p*p*C) of every patch from the visible ones (``keep``)."""
        group = image_encoder.group_patches(images, keep)
        tokens = quick_gelu(self.restore(group['assignment']) @ group['regions'])  # B, n, C
        for layer in self.extra_layers:
            tokens = layer(tokens)
        tokens = self.decoder_embed(tokens)
        gh, gw = group['grid']
        B, n, D = tokens.shape
        full = self.mask_token.to(tokens.dtype).expand(B, gh * gw, D).clone()
        full.scatter_(1, keep.unsqueeze(-1).expand(-1, -1, D), tokens)
        full = full + build_sincos2d_pos_embed((gh, gw), D).to(full)
        for layer in self.decoder:
            full = layer(full)
        return self.pixel_head(self.decoder_norm(full))

    def forward(self, image_encoder, images: Tensor, keep: Optional[Tensor] = None,
                masked: Optional[Tensor] = None) -> Tensor:
        """The loss for normalised images (B, C, H, W); a random mask unless given."""
        p = self.patch_size
        num_patches = (images.shape[2] // p) * (images.shape[3] // p)
        if keep is None:
            keep, masked = random_keep(images.shape[0], num_patches, self.mask_ratio, images.device)
        target = patchify(images, p)
        if self.norm_pix:
            target = (target - target.mean(-1, keepdim=True)) / (target.var(-1, keepdim=True) + 1e-6).sqrt()
        pred = self.reconstruct(image_encoder, images, keep)
        per_patch = (pred - target).pow(2).mean(dim=-1)
        return self.loss_weight * (per_patch * masked).sum() / masked.sum().clamp_min(1)
