from typing import Optional

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor

from ..clip import load_timm_weights
from .open_clip_vision import resize_pos_embed


@MODELS.register_module()
class TimmViTTokens(BaseModule):
    """A timm ViT returning its last layer's patch tokens as a map (B, C, h, w).

    Used as S-Seg's frozen self-supervised ViT (``'vit_small_patch8_224.dino'``). Any input
    size works (``dynamic_img_size``).

    Args:
        model_name (str): timm model name. Defaults to ``'vit_small_patch8_224.dino'``.
        pretrained (str, optional): a local checkpoint (the official DINO ``.pth`` or a timm
            state dict; converted by timm's checkpoint filter), or ``'timm'`` to download
            timm's weights for ``model_name``. Loaded in ``init_weights``. Defaults to None.
        pos_embed_by_scale_factor (bool): resize the position embeddings as DINO's own
            ``interpolate_pos_encoding`` (bicubic by the scale factors ``(h + 0.1) / h0``,
            :func:`resize_pos_embed`) instead of timm's resampling to the size: DINO loaded
            through ``torch.hub``, as ProxyCLIP's official code does (at a 336 crop the two give
            tokens 1.3e-3 apart). Defaults to False.
        model_kwargs (dict, optional): timm architecture overrides (``embed_dim``, ``depth``,
            ``num_heads``: the tiny DINO of the parity tests). Defaults to None.
        init_cfg (dict, optional): MMEngine init config.
    """

    def __init__(self, model_name: str = 'vit_small_patch8_224.dino', pretrained: Optional[str] = None,
                 pos_embed_by_scale_factor: bool = False, model_kwargs: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        import timm
        self.model_name = model_name
        self.pretrained = pretrained
        self.vit = timm.create_model(model_name, pretrained=False, num_classes=0, dynamic_img_size=True,
                                     **(model_kwargs or {}))
        if pos_embed_by_scale_factor:
            vit = self.vit
            if vit.cls_token is None or vit.reg_token is not None or vit.no_embed_class:
                raise ValueError(f'{model_name}: DINO\'s position resizing needs a class token with its own '
                                 'position and no register tokens')
            vit._pos_embed = self._pos_embed_by_scale_factor  # what timm's forward_features calls
        self.pos_embed_by_scale_factor = pos_embed_by_scale_factor

    def _pos_embed_by_scale_factor(self, x: Tensor) -> Tensor:
        """timm's ``_pos_embed`` with DINO's resizing: patch tokens (B, h, w, C) -> (B, 1 + h*w, C)."""
        vit = self.vit
        B, h, w, C = x.shape
        pos = resize_pos_embed(vit.pos_embed[0], (h, w), vit.patch_embed.grid_size, by_scale_factor=True)
        return vit.pos_drop(torch.cat([vit.cls_token.expand(B, -1, -1), x.reshape(B, -1, C)], dim=1) + pos)

    def init_weights(self):
        super().init_weights()
        if self.pretrained is not None:
            load_timm_weights(self.vit, self.model_name, self.pretrained)

    @property
    def patch_size(self) -> int:
        return self.vit.patch_embed.patch_size[0]

    def _grid(self, x: Tensor):
        ph, pw = self.vit.patch_embed.patch_size
        return x.shape[2] // ph, x.shape[3] // pw

    def forward(self, x: Tensor) -> Tensor:
        tokens = self.vit.forward_features(x)[:, self.vit.num_prefix_tokens:]
        return tokens.transpose(1, 2).reshape(x.shape[0], -1, *self._grid(x))

    def last_keys(self, x: Tensor) -> Tensor:
        """The keys of the last block's attention for the patches, as a map (B, heads * head_dim,
        h, w), channels head by head (CASS reads DINO's last ``qkv``)."""
        vit = self.vit
        tokens = vit.norm_pre(vit.patch_drop(vit._pos_embed(vit.patch_embed(x))))
        for block in vit.blocks[:-1]:
            tokens = block(tokens)
        last = vit.blocks[-1]
        keys = F.linear(last.norm1(tokens), last.attn.qkv.weight, last.attn.qkv.bias).chunk(3, dim=-1)[1]
        keys = keys[:, vit.num_prefix_tokens:]  # (B, N, heads * head_dim), heads major as timm splits them
        return keys.transpose(1, 2).reshape(x.shape[0], -1, *self._grid(x))
