from typing import Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from timm.layers import build_sincos2d_pos_embed
from torch import Tensor, nn
from torchvision.ops import MLP


@MODELS.register_module()
class SSegMaskFormerHead(BaseModule):
    """MaskFormer's pixel decoder and transformer decoder without the class head (S-Seg).

    - Pixel decoder: an FPN over the backbone levels (1x1 lateral + 3x3 output convolutions,
      GroupNorm), top-down to stride 4, then a 3x3 convolution to the per-pixel embeddings.
    - Transformer decoder: ``num_queries`` learnable queries attend (post-norm DETR layers,
      ``torch.nn.TransformerDecoder``) to the lowest-resolution backbone level projected to
      ``channels`` plus fixed 2-D sin-cos positions.
    - Each query gives a mask (a 3-layer MLP mask embedding dotted with the per-pixel
      embeddings) and a mask feature (the query's decoder output); there is no class head.

    Args:
        in_channels (Sequence[int]): channels of the backbone levels, highest resolution first.
        channels (int): hidden size of both decoders. Defaults to 256.
        num_queries (int): N. Defaults to 64.
        num_layers (int): transformer decoder layers. Defaults to 6.
        num_heads (int): attention heads. Defaults to 8.
        ffn_channels (int): feed-forward width. Defaults to 2048.
        dropout (float): decoder dropout. Defaults to 0.0.
        norm_cfg (dict): norm of the pixel decoder. Defaults to GroupNorm with 32 groups.
        init_cfg (dict, optional): MMEngine init config.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 channels: int = 256,
                 num_queries: int = 64,
                 num_layers: int = 6,
                 num_heads: int = 8,
                 ffn_channels: int = 2048,
                 dropout: float = 0.0,
                 norm_cfg: dict = dict(type='GN', num_groups=32),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.channels = channels
        self.lateral_convs = nn.ModuleList(
            [ConvModule(c, channels, 1, norm_cfg=norm_cfg, act_cfg=None) for c in in_channels[:-1]])
        self.output_convs = nn.ModuleList(
            [ConvModule(channels, channels, 3, padding=1, norm_cfg=norm_cfg) for _ in in_channels[:-1]])
        self.top_conv = ConvModule(in_channels[-1], channels, 3, padding=1, norm_cfg=norm_cfg)
        self.mask_features = nn.Conv2d(channels, channels, 3, padding=1)
        self.input_proj = nn.Conv2d(in_channels[-1], channels, 1)
        self.query_embed = nn.Embedding(num_queries, channels)
        layer = nn.TransformerDecoderLayer(channels, num_heads, ffn_channels, dropout, batch_first=True)
        self.decoder = nn.TransformerDecoder(layer, num_layers, norm=nn.LayerNorm(channels))
        self.mask_embed = MLP(channels, [channels] * 3)  # 3 linear layers, ReLU between

    @property
    def num_queries(self) -> int:
        return self.query_embed.num_embeddings

    def pixel_decoder(self, feats: List[Tensor]) -> Tensor:
        y = self.top_conv(feats[-1])
        for i in range(len(feats) - 2, -1, -1):
            lateral = self.lateral_convs[i](feats[i])
            y = self.output_convs[i](lateral + F.interpolate(y, size=lateral.shape[-2:], mode='nearest'))
        return self.mask_features(y)

    def forward(self, feats: Sequence[Tensor]) -> Dict[str, Tensor]:
        """Backbone levels -> ``masks`` (B, N, H/4, W/4) logits and ``queries`` (B, N, C)."""
        feats = list(feats)
        pixels = self.pixel_decoder(feats)
        memory = self.input_proj(feats[-1])
        B, C, h, w = memory.shape
        memory = memory.flatten(2).transpose(1, 2) + build_sincos2d_pos_embed((h, w), C).to(memory)
        queries = self.decoder(self.query_embed.weight.expand(B, -1, -1), memory)
        masks = torch.einsum('bnc,bchw->bnhw', self.mask_embed(queries), pixels)
        return dict(masks=masks, queries=queries)
