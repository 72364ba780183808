from typing import Dict, Literal, Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from open_clip.modified_resnet import ModifiedResNet
from open_clip.transformer import ResidualAttentionBlock, VisionTransformer
from torch import Tensor

from ..clip.loading import build_towers, load_tower_weights, uses_quick_gelu

DenseMode = Literal['maskclip', 'value', 'qk']


@MODELS.register_module()
class OpenCLIPVision(BaseModule):
    """The image tower of an open_clip CLIP model, with the dense modes the papers need.

    One forward pass returns a dict holding any of:

    - ``'global'``: the ordinary image embedding (B, D), equal to open_clip's ``encode_image``.
    - ``'dense'``: dense features in the joint embedding space (B, D, h, w).
    - ``'keys'``: keys of the last attention (B, C, h, w), for MaskCLIP key smoothing.
    - ``'attn'``: ``{block: (B, 1+h*w, 1+h*w)}`` head-averaged attention maps (ViT).
    - ``'tokens'``: ``{block: (B, 1+h*w, C)}`` output tokens of chosen blocks (ViT; index -1
      of the ModifiedResNet is its last stage output as (B, C, h, w)).

    Dense modes (MaskCLIP, https://arxiv.org/abs/2112.01071):

    - ``'maskclip'`` (paper and official code): the last attention keeps only its value path,
      ``x + out_proj(v(ln_1(x)))``, followed by the block's FFN with residual, ``ln_post``
      and ``proj``. For the ModifiedResNet, the attention pool's value and output
      projections become two 1x1 convolutions.
    - ``'value'``: the value path alone, ``proj(ln_post(out_proj(v(ln_1(x)))))``, without
      residual or FFN (ClearCLIP's finding; better on the toy world). ResNet: as 'maskclip'.
    - ``'qk'``: the unmodified last block's patch tokens (the paper's "baseline"); for the
      ResNet, every position queries the attention pool.

    Any input size works: position embeddings are interpolated bicubically.

    Args:
        model_name (str): open_clip architecture, e.g. ``'ViT-B-16'``, ``'RN50'`` or a tiny
            test architecture (``'TextSup-Tiny-ViT'``).
        pretrained (str, optional): open_clip tag (``'openai'``) or a local checkpoint file.
            Loaded in :meth:`init_weights`. None keeps random weights. Defaults to None.
        quick_gelu (bool, optional): force QuickGELU on or off. None decides from the
            architecture and tag (OpenAI weights need it). Defaults to None.
        outputs (Sequence[str]): which of ``global``, ``dense``, ``keys`` a plain
            ``forward`` returns. Defaults to ``('dense',)``.
        dense_mode (str): ``'maskclip'``, ``'value'`` or ``'qk'``. Defaults to ``'maskclip'``.
        attn_blocks (Sequence[int]): ViT blocks whose attention maps are returned (negative
            indices count from the end). Defaults to ().
        token_blocks (Sequence[int]): blocks whose output tokens are returned. Defaults to ().
        frozen (bool): keep all parameters frozen (``requires_grad=False``) and the tower
            in eval mode. Defaults to True.
        init_cfg (dict, optional): MMEngine init config. Defaults to None.
    """

    def __init__(self,
                 model_name: str,
                 pretrained: Optional[str] = None,
                 quick_gelu: Optional[bool] = None,
                 outputs: Sequence[str] = ('dense', ),
                 dense_mode: DenseMode = 'maskclip',
                 attn_blocks: Sequence[int] = (),
                 token_blocks: Sequence[int] = (),
                 frozen: bool = True,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        unknown = set(outputs) - {'global', 'dense', 'keys'}
        if unknown:
            raise ValueError(f'Unknown outputs {sorted(unknown)}; choose from global, dense, keys.')
        if dense_mode not in ('maskclip', 'value', 'qk'):
            raise ValueError(f"dense_mode must be 'maskclip', 'value' or 'qk', got {dense_mode!r}")
        self.model_name = model_name
        self.pretrained = pretrained
        self.quick_gelu = uses_quick_gelu(model_name, pretrained, quick_gelu)
        self.outputs = tuple(outputs)
        self.dense_mode = dense_mode
        self.attn_blocks = tuple(attn_blocks)
        self.token_blocks = tuple(token_blocks)
        self.frozen = frozen
        self.visual, _ = build_towers(model_name, vision=True, text=False, quick_gelu=self.quick_gelu)
        if isinstance(self.visual, VisionTransformer):
            self.is_vit = True
            blocks = self.visual.transformer.resblocks
            if not all(isinstance(b, ResidualAttentionBlock) for b in blocks):
                raise NotImplementedError(f'{model_name}: only standard ViT blocks (nn.MultiheadAttention) '
                                          'are supported for dense features.')
            if self.visual.attn_pool is not None or self.visual.pool_type != 'tok':
                raise NotImplementedError(f'{model_name}: only class-token pooling is supported.')
            self.num_blocks = len(blocks)
        elif isinstance(self.visual, ModifiedResNet):
            self.is_vit = False
            self.num_blocks = 4
            if self.attn_blocks:
                raise ValueError('attn_blocks needs a ViT tower; ModifiedResNet has no attention blocks.')
        else:
            raise NotImplementedError(f'{model_name}: unsupported vision tower {type(self.visual).__name__}')
        if frozen:
            self.requires_grad_(False)

    @property
    def embed_dim(self) -> int:
        return self.visual.output_dim

    @property
    def patch_size(self) -> int:
        return self.visual.patch_size[0] if self.is_vit else 32

    def init_weights(self):
        """Load CLIP weights from ``pretrained`` (if any); otherwise keep open_clip's init."""
        if self.pretrained is not None:
            load_tower_weights(self.visual, self.model_name, self.pretrained, 'visual', self.quick_gelu)
        super().init_weights()

    def train(self, mode: bool = True):
        super().train(mode)
        if self.frozen:
            self.visual.eval()
        return self

    def forward(self, x: Tensor) -> Dict[str, Tensor]:
        """Return the outputs chosen at construction; see :meth:`forward_features`."""
        return self.forward_features(x, self.outputs, self.attn_blocks, self.token_blocks)

    def forward_features(self,
                         x: Tensor,
                         outputs: Sequence[str] = ('dense', ),
                         attn_blocks: Sequence[int] = (),
                         token_blocks: Sequence[int] = (),
                         dense_mode: Optional[DenseMode] = None) -> Dict[str, Tensor]:
        """Compute the requested outputs in a single pass over the tower.

        Args:
            x (Tensor): normalised images (B, 3, H, W).
            outputs (Sequence[str]): any of ``global``, ``dense``, ``keys``.
            attn_blocks (Sequence[int]): blocks whose attention maps to return (ViT).
            token_blocks (Sequence[int]): blocks whose output tokens to return.
            dense_mode (str, optional): overrides the constructor's ``dense_mode``.
        """
        mode = dense_mode or self.dense_mode
        if self.is_vit:
            return self._forward_vit(x, outputs, attn_blocks, token_blocks, mode)
        return self._forward_resnet(x, outputs, token_blocks, mode)

    # ----------------------------------------------------------------- ViT
    def _pos_embed(self, gh: int, gw: int) -> Tensor:
        pos = self.visual.positional_embedding
        g0h, g0w = self.visual.grid_size
        if (gh, gw) == (g0h, g0w):
            return pos
        cls_pos, patch_pos = pos[:1], pos[1:]
        patch_pos = patch_pos.reshape(1, g0h, g0w, -1).permute(0, 3, 1, 2)
        patch_pos = F.interpolate(patch_pos, size=(gh, gw), mode='bicubic', align_corners=False)
        return torch.cat([cls_pos, patch_pos.permute(0, 2, 3, 1).reshape(gh * gw, -1)], dim=0)

    def _embed(self, x: Tensor):
        v = self.visual
        x = v.conv1(x)
        gh, gw = x.shape[-2:]
        x = x.flatten(2).transpose(1, 2)
        cls = v.class_embedding.to(x.dtype).expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + self._pos_embed(gh, gw).to(x.dtype)
        x = v.patch_dropout(x)
        return v.ln_pre(x), (gh, gw)

    @staticmethod
    def _block_with_attn(block: ResidualAttentionBlock, x: Tensor):
        """A standard block forward that also returns the head-averaged attention."""
        y = block.ln_1(x)
        out, attn = block.attn(y, y, y, need_weights=True, average_attn_weights=True)
        x = x + block.ls_1(out)
        x = x + block.ls_2(block.mlp(block.ln_2(x)))
        return x, attn

    @staticmethod
    def _qkv(block: ResidualAttentionBlock, x: Tensor):
        """Project ``ln_1(x)`` to (q, k, v), each (B, N, C)."""
        return F.linear(block.ln_1(x), block.attn.in_proj_weight, block.attn.in_proj_bias).chunk(3, dim=-1)

    def _head(self, x: Tensor) -> Tensor:
        """``ln_post`` followed by the projection into the joint space."""
        x = self.visual.ln_post(x)
        return x @ self.visual.proj if self.visual.proj is not None else x

    def _forward_vit(self, x, outputs, attn_blocks, token_blocks, dense_mode):
        n = self.num_blocks
        attn_idx = {b % n for b in attn_blocks}
        token_idx = {b % n for b in token_blocks}
        x, (gh, gw) = self._embed(x)
        B = x.shape[0]
        result: Dict[str, Tensor] = {}
        attns, tokens = {}, {}
        blocks = self.visual.transformer.resblocks
        for i, block in enumerate(blocks[:-1]):
            if i in attn_idx:
                x, attns[i] = self._block_with_attn(block, x)
            else:
                x = block(x)
            if i in token_idx:
                tokens[i] = x
        last = blocks[-1]
        x_in = x
        need_dense = 'dense' in outputs
        if 'global' in outputs or (n - 1) in attn_idx or (n - 1) in token_idx or (
                need_dense and dense_mode == 'qk'):
            if (n - 1) in attn_idx:
                x_out, attns[n - 1] = self._block_with_attn(last, x_in)
            else:
                x_out = last(x_in)
            if (n - 1) in token_idx:
                tokens[n - 1] = x_out
            if 'global' in outputs:
                result['global'] = self._head(x_out[:, 0])
        if need_dense or 'keys' in outputs:
            _, k, v = self._qkv(last, x_in)
            if 'keys' in outputs:
                result['keys'] = k[:, 1:].transpose(1, 2).reshape(B, -1, gh, gw)
            if need_dense:
                if dense_mode == 'qk':
                    dense = x_out[:, 1:]
                elif dense_mode == 'value':
                    dense = last.ls_1(last.attn.out_proj(v[:, 1:]))
                else:
                    y = x_in[:, 1:] + last.ls_1(last.attn.out_proj(v[:, 1:]))
                    dense = y + last.ls_2(last.mlp(last.ln_2(y)))
                result['dense'] = self._head(dense).transpose(1, 2).reshape(B, -1, gh, gw)
        if attn_blocks:
            result['attn'] = attns
        if token_blocks:
            result['tokens'] = tokens
        return result

    # -------------------------------------------------------------- ResNet
    def _forward_resnet(self, x, outputs, token_blocks, dense_mode):
        v = self.visual
        x = v.stem(x.to(v.conv1.weight.dtype))
        x = v.layer4(v.layer3(v.layer2(v.layer1(x))))
        B, C, h, w = x.shape
        pool = v.attnpool
        result: Dict[str, Tensor] = {}
        if token_blocks:
            result['tokens'] = {-1 % self.num_blocks: x}
        flat = x.flatten(2).transpose(1, 2)  # B, hw, C
        if 'dense' in outputs and dense_mode != 'qk':
            dense = pool.c_proj(pool.v_proj(flat))
            result['dense'] = dense.transpose(1, 2).reshape(B, -1, h, w)
        if 'keys' in outputs:
            result['keys'] = pool.k_proj(flat).transpose(1, 2).reshape(B, C, h, w)
        if 'global' in outputs or ('dense' in outputs and dense_mode == 'qk'):
            tokens = torch.cat([flat.mean(dim=1, keepdim=True), flat], dim=1)
            tokens = tokens + self._resnet_pos_embed(h, w).to(tokens.dtype)
            queries = tokens if 'dense' in outputs and dense_mode == 'qk' else tokens[:, :1]
            out = self._attnpool_attention(queries, tokens)
            if 'global' in outputs:
                result['global'] = out[:, 0]
            if 'dense' in outputs and dense_mode == 'qk':
                result['dense'] = out[:, 1:].transpose(1, 2).reshape(B, -1, h, w)
        return result

    def _resnet_pos_embed(self, h: int, w: int) -> Tensor:
        pos = self.visual.attnpool.positional_embedding
        g0 = int(round((pos.shape[0] - 1)**0.5))
        if (h, w) == (g0, g0):
            return pos
        patch_pos = pos[1:].reshape(1, g0, g0, -1).permute(0, 3, 1, 2)
        patch_pos = F.interpolate(patch_pos, size=(h, w), mode='bicubic', align_corners=False)
        return torch.cat([pos[:1], patch_pos.permute(0, 2, 3, 1).reshape(h * w, -1)], dim=0)

    def _attnpool_attention(self, queries: Tensor, tokens: Tensor) -> Tensor:
        """Multi-head attention of the attention pool, batch-first, for any set of queries."""
        pool = self.visual.attnpool
        B, Nq, C = queries.shape
        heads = pool.num_heads

        def split(t):
            return t.reshape(B, t.shape[1], heads, C // heads).transpose(1, 2)

        q, k, val = split(pool.q_proj(queries)), split(pool.k_proj(tokens)), split(pool.v_proj(tokens))
        out = F.scaled_dot_product_attention(q, k, val)
        return pool.c_proj(out.transpose(1, 2).reshape(B, Nq, C))
