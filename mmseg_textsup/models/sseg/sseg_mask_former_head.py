from typing import Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmcv.cnn.bricks.transformer import BaseTransformerLayer
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
    - Transformer decoder (DETR's, as MaskFormer): post-norm layers (mmcv's
      ``BaseTransformerLayer``) whose target starts at zero; the ``num_queries`` learnable query
      embeddings are positions added to queries and keys in every layer, the memory's fixed
      2-D sin-cos positions to its keys only. The memory is backbone level ``memory_level``
      (MaskFormer: the last, lowest-resolution one) projected to ``channels``.
    - Each query gives a mask (a 3-layer MLP mask embedding dotted with the per-pixel
      embeddings) and a mask feature; there is no class head. In training every layer's output
      (after the shared final LayerNorm) gives masks: ``aux_masks`` holds the earlier layers'
      for MaskFormer's deep supervision.
    - ``query_feature``: the mask feature is the query's decoder output (``'decoder'``, the
      paper's) or the average of the per-pixel embeddings weighted by the query's (detached)
      mask probability (``'mask_pooled'``, not in the paper: it ties a mask's feature to the
      content under its mask).

    Args:
        in_channels (Sequence[int]): channels of the backbone levels, highest resolution first.
        channels (int): hidden size of both decoders. Defaults to 256.
        num_queries (int): N. Defaults to 64.
        num_layers (int): transformer decoder layers. Defaults to 6.
        num_heads (int): attention heads. Defaults to 8.
        ffn_channels (int): feed-forward width. Defaults to 2048.
        dropout (float): decoder dropout. Defaults to 0.0.
        memory_level (int): backbone level the transformer decoder reads. Defaults to -1.
        query_feature (str): ``'decoder'`` or ``'mask_pooled'``. Defaults to 'decoder'.
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
                 memory_level: int = -1,
                 query_feature: str = 'decoder',
                 norm_cfg: dict = dict(type='GN', num_groups=32),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if query_feature not in ('decoder', 'mask_pooled'):
            raise ValueError(f"query_feature must be 'decoder' or 'mask_pooled', got {query_feature!r}")
        self.channels = channels
        self.memory_level = memory_level
        self.query_feature = query_feature
        self.lateral_convs = nn.ModuleList(
            [ConvModule(c, channels, 1, norm_cfg=norm_cfg, act_cfg=None) for c in in_channels[:-1]])
        self.output_convs = nn.ModuleList(
            [ConvModule(channels, channels, 3, padding=1, norm_cfg=norm_cfg) for _ in in_channels[:-1]])
        self.top_conv = ConvModule(in_channels[-1], channels, 3, padding=1, norm_cfg=norm_cfg)
        self.mask_features = nn.Conv2d(channels, channels, 3, padding=1)
        self.input_proj = nn.Conv2d(in_channels[memory_level], channels, 1)
        self.query_embed = nn.Embedding(num_queries, channels)
        self.layers = nn.ModuleList([
            BaseTransformerLayer(
                attn_cfgs=dict(
                    type='MultiheadAttention', embed_dims=channels, num_heads=num_heads, attn_drop=dropout,
                    proj_drop=dropout, batch_first=True),
                ffn_cfgs=dict(type='FFN', embed_dims=channels, feedforward_channels=ffn_channels, ffn_drop=dropout),
                operation_order=('self_attn', 'norm', 'cross_attn', 'norm', 'ffn', 'norm'),
                batch_first=True) for _ in range(num_layers)
        ])
        self.decoder_norm = nn.LayerNorm(channels)
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

    def transformer_decoder(self, memory: Tensor) -> List[Tensor]:
        """Memory (B, C, h, w) -> every layer's normed query outputs, each (B, N, C)."""
        B, C, h, w = memory.shape
        memory = memory.flatten(2).transpose(1, 2)
        memory_pos = build_sincos2d_pos_embed((h, w), C).to(memory).expand(B, -1, -1)
        query_pos = self.query_embed.weight.expand(B, -1, -1)
        x, outputs = torch.zeros_like(query_pos), []
        for layer in self.layers:
            x = layer(x, key=memory, value=memory, query_pos=query_pos, key_pos=memory_pos)
            outputs.append(self.decoder_norm(x))
        return outputs

    def forward(self, feats: Sequence[Tensor]) -> Dict[str, Tensor]:
        """Backbone levels -> ``masks`` (B, N, H/4, W/4) logits, ``queries`` (B, N, C) mask
        features and ``aux_masks`` (the earlier layers' masks, a list)."""
        feats = list(feats)
        pixels = self.pixel_decoder(feats)
        layers = self.transformer_decoder(self.input_proj(feats[self.memory_level]))
        supervised = layers if self.training else layers[-1:]  # earlier layers: deep supervision only
        masks = [torch.einsum('bnc,bchw->bnhw', self.mask_embed(q), pixels) for q in supervised]
        queries = layers[-1]
        if self.query_feature == 'mask_pooled':
            weights = masks[-1].detach().sigmoid()
            queries = torch.einsum('bnhw,bchw->bnc', weights, pixels) / weights.sum((2, 3))[..., None].clamp_min(1e-6)
        return dict(masks=masks[-1], queries=queries, aux_masks=masks[:-1])
