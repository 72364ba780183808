from typing import Dict, Literal, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.models.backbones.vit import VisionTransformer as MMSegViT
from mmseg.registry import MODELS
from open_clip.modified_resnet import ModifiedResNet
from open_clip.timm_model import TimmModel
from open_clip.transformer import ResidualAttentionBlock, VisionTransformer
from torch import Tensor

from ..clip import build_towers, get_clip_config, load_timm_weights, load_tower_weights, uses_quick_gelu
from .dense_modes import DenseModeLike, build_dense_mode, dense_mode_name, qkv

#: The dense modes a ModifiedResNet tower has (its attention pool's read-outs).
RESNET_DENSE_MODES = ('maskclip', 'value', 'qk')


def resize_pos_embed(pos: Tensor, grid: Tuple[int, int], old_grid: Tuple[int, int], mode: str = 'bicubic',
                     by_scale_factor: bool = False) -> Tensor:
    """Position embeddings (1 + h0*w0, C) with a leading class position, resized to ``grid``
    (mmseg's ViT resizing: the class position is kept, the patch grid interpolated).
    ``by_scale_factor``: interpolate by the scale factors ``(h + 0.1) / h0``, ``(w + 0.1) / w0``
    instead of to the size (DINO's resizing, kept by SCLIP, ClearCLIP and NACLIP: other sample
    positions)."""
    if tuple(grid) == tuple(old_grid):
        return pos
    if not by_scale_factor:
        return MMSegViT.resize_pos_embed(pos[None], grid, old_grid, mode)[0]
    patches = pos[1:].reshape(1, *old_grid, -1).permute(0, 3, 1, 2)
    scale = ((grid[0] + 0.1) / old_grid[0], (grid[1] + 0.1) / old_grid[1])
    patches = F.interpolate(patches, scale_factor=scale, mode=mode)
    return torch.cat([pos[:1], patches.permute(0, 2, 3, 1).reshape(-1, pos.shape[-1])])


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

    Dense modes (``dense_modes.py``; registered in :data:`DENSE_MODES`, selected by name or as
    ``dict(type=name, **options)``):

    - ``'maskclip'`` (MaskCLIP, https://arxiv.org/abs/2112.01071, paper and official code): the
      last attention keeps only its value path, ``x + out_proj(v(ln_1(x)))``, followed by the
      block's FFN with residual, ``ln_post`` and ``proj``. For the ModifiedResNet, the attention
      pool's value and output projections become two 1x1 convolutions.
    - ``'value'``: the value path alone, ``proj(ln_post(out_proj(v(ln_1(x)))))``, without
      residual or FFN (ClearCLIP's finding). ResNet: as 'maskclip'.
    - ``'qk'``: the unmodified last block's patch tokens (the paper's "baseline"); for the
      ResNet, every position queries the attention pool.
    - the training-free methods' last attentions (ViT only; ``models/training_free/``):
      ``'sclip'``, ``'clearclip'``, ``'naclip'`` (option ``std``).

    ViT towers also expose their blocks one at a time (:meth:`embed`, :meth:`forward_block`,
    :meth:`run_blocks`, :meth:`head`) for methods that change the forward pass (CLIP-ES).
    Any input size works: position embeddings are resized with mmseg's ViT resizing
    (``pos_embed_mode``); an image whose size is not a multiple of the patch is padded with
    zeros at the bottom and right (``pad_to_patch``, mmseg's ``PatchEmbed(padding='corner')``
    as in the official MaskCLIP) or its last partial patch row and column are dropped.

    Args:
        model_name (str): open_clip architecture, e.g. ``'ViT-B-16'``, ``'RN50'`` or a tiny
            test architecture (``'TextSup-Tiny-ViT'``).
        pretrained (str, optional): open_clip tag (``'openai'``) or a local checkpoint file.
            Loaded in :meth:`init_weights`. None keeps random weights. Defaults to None.
        quick_gelu (bool, optional): force QuickGELU on or off. None decides from the
            architecture and tag (OpenAI weights were trained with it; the official MaskCLIP
            configs run them with exact GELU). Defaults to None.
        norm_eps (float, optional): LayerNorm epsilon (official MaskCLIP: mmcv's 1e-6).
            None keeps open_clip's 1e-5 (CLIP's own). Defaults to None.
        outputs (Sequence[str]): which of ``global``, ``dense``, ``keys`` a plain
            ``forward`` returns. Defaults to ``('dense',)``.
        dense_mode (str | dict): a registered dense mode, as a name or ``dict(type=name,
            **options)``. Defaults to ``'maskclip'``.
        attn_blocks (Sequence[int]): ViT blocks whose attention maps are returned (negative
            indices count from the end). Defaults to ().
        token_blocks (Sequence[int]): blocks whose output tokens are returned. Defaults to ().
        key_projection (str): ``'out_proj'``: the ``keys`` output is the last attention's
            keys passed through its output projection (official MaskCLIP, mmseg's ViT with
            ``return_qkv``); ``'in_proj'``: the keys of the attention itself (the paper's
            "key features"). Defaults to ``'out_proj'``.
        pos_embed_mode (str): interpolation of resized position embeddings. Defaults to
            ``'bicubic'``.
        pos_embed_by_scale_factor (bool): resize them by scale factor, as DINO, SCLIP, ClearCLIP
            and NACLIP do (see :func:`resize_pos_embed`). Defaults to False.
        pos_embed_dtype (str, optional): round the (resized) position embeddings to this
            dtype, at every size: ``'float16'`` as the official CLIP-ES, which stores them in
            half precision. Defaults to None (kept as they are).
        pad_to_patch (bool): pad the image to a multiple of the patch size (see above).
            Defaults to True.
        frozen (bool): keep all parameters frozen (``requires_grad=False``) and the tower
            in eval mode. Defaults to True.
        init_cfg (dict, optional): MMEngine init config. Defaults to None.
    """

    #: Whether the segmentor hands ``forward`` its classifier's embeddings (``text_embeddings=``).
    text_guided = False
    #: A tower whose read-out gives the ``dense`` output only (ProxyCLIP, SC-CLIP, ResCLIP): its
    #: :meth:`dense_features` computes it.
    dense_only = False

    def __init__(self,
                 model_name: str,
                 pretrained: Optional[str] = None,
                 quick_gelu: Optional[bool] = None,
                 outputs: Sequence[str] = ('dense', ),
                 dense_mode: DenseModeLike = 'maskclip',
                 attn_blocks: Sequence[int] = (),
                 token_blocks: Sequence[int] = (),
                 norm_eps: Optional[float] = None,
                 key_projection: Literal['out_proj', 'in_proj'] = 'out_proj',
                 pos_embed_mode: str = 'bicubic',
                 pos_embed_by_scale_factor: bool = False,
                 pos_embed_dtype: Optional[str] = None,
                 pad_to_patch: bool = True,
                 frozen: bool = True,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        unknown = set(outputs) - {'global', 'dense', 'keys'}
        if self.dense_only and tuple(outputs) != ('dense', ):
            raise ValueError(f"{type(self).__name__} gives the 'dense' output only, not {outputs}")
        if unknown:
            raise ValueError(f'Unknown outputs {sorted(unknown)}; choose from global, dense, keys.')
        self.dense_mode = dense_mode
        self._dense_fn = build_dense_mode(dense_mode)
        self.model_name = model_name
        self.pretrained = pretrained
        if key_projection not in ('out_proj', 'in_proj'):
            raise ValueError(f"key_projection must be 'out_proj' or 'in_proj', got {key_projection!r}")
        self.quick_gelu_setting = quick_gelu
        self.quick_gelu = uses_quick_gelu(model_name, pretrained, quick_gelu)
        self.outputs = tuple(outputs)
        self.attn_blocks = tuple(attn_blocks)
        self.token_blocks = tuple(token_blocks)
        self.key_projection = key_projection
        self.pos_embed_mode = pos_embed_mode
        self.pos_embed_by_scale_factor = pos_embed_by_scale_factor
        self.pos_embed_dtype = getattr(torch, pos_embed_dtype) if pos_embed_dtype else None
        self.pad_to_patch = pad_to_patch
        self.frozen = frozen
        self.visual, _ = build_towers(model_name, vision=True, text=False, quick_gelu=self.quick_gelu,
                                      norm_eps=norm_eps)
        if isinstance(self.visual, VisionTransformer):
            self.is_vit = True
            if not all(isinstance(b, ResidualAttentionBlock) for b in self.blocks):
                raise NotImplementedError(f'{model_name}: only standard ViT blocks (nn.MultiheadAttention) '
                                          'are supported for dense features.')
            if self.visual.attn_pool is not None or self.visual.pool_type != 'tok':
                raise NotImplementedError(f'{model_name}: only class-token pooling is supported.')
            self.num_blocks = len(self.blocks)
        elif isinstance(self.visual, ModifiedResNet):
            self.is_vit = False
            self.num_blocks = 4
            if self.attn_blocks:
                raise ValueError('attn_blocks needs a ViT tower; ModifiedResNet has no attention blocks.')
            if dense_mode_name(dense_mode) not in RESNET_DENSE_MODES:
                raise ValueError(f'dense_mode {dense_mode!r} needs a ViT tower; ModifiedResNet has '
                                 f'{RESNET_DENSE_MODES}.')
        elif isinstance(self.visual, TimmModel):  # e.g. SimSeg's ImageNet-21k ViT
            self.is_vit = False
            self.num_blocks = len(self.visual.trunk.blocks)
            if dense_mode_name(dense_mode) != 'qk' or attn_blocks or token_blocks or 'keys' in outputs:
                raise ValueError(f"{model_name}: a timm tower gives 'global' and 'dense' outputs with "
                                 "dense_mode='qk' only.")
        else:
            raise NotImplementedError(f'{model_name}: unsupported vision tower {type(self.visual).__name__}')
        if frozen:
            self.requires_grad_(False)

    @property
    def embed_dim(self) -> int:
        return self.visual.output_dim

    @property
    def is_timm(self) -> bool:
        return isinstance(self.visual, TimmModel)

    @property
    def patch_size(self) -> int:
        if self.is_timm:
            return self.visual.trunk.patch_embed.patch_size[0]
        return self.visual.patch_size[0] if self.is_vit else 32

    @property
    def blocks(self):
        """The ViT's residual attention blocks."""
        return self.visual.transformer.resblocks

    def init_weights(self):
        """Load CLIP weights from ``pretrained`` (if any); otherwise keep open_clip's init."""
        if self.pretrained is not None and self.is_timm:
            load_timm_weights(self.visual.trunk, get_clip_config(self.model_name)['vision_cfg']['timm_model_name'],
                              self.pretrained)
        elif self.pretrained is not None:
            load_tower_weights(self.visual, self.model_name, self.pretrained, 'visual', self.quick_gelu_setting)
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
                         dense_mode: Optional[DenseModeLike] = None,
                         **dense_kwargs) -> Dict[str, Tensor]:
        """Compute the requested outputs in a single pass over the tower.

        Args:
            x (Tensor): normalised images (B, 3, H, W).
            outputs (Sequence[str]): any of ``global``, ``dense``, ``keys``.
            attn_blocks (Sequence[int]): blocks whose attention maps to return (ViT).
            token_blocks (Sequence[int]): blocks whose output tokens to return.
            dense_mode (str | dict, optional): overrides the constructor's ``dense_mode``.
            **dense_kwargs: arguments of a ``dense_only`` tower's :meth:`dense_features`.
        """
        if self.dense_only:
            if set(outputs) != {'dense'} or attn_blocks or token_blocks or dense_mode:
                raise ValueError(f"{type(self).__name__} gives the 'dense' output only.")
            return {'dense': self.dense_features(x, **dense_kwargs)}
        mode = self.dense_mode if dense_mode is None else dense_mode
        fn = self._dense_fn if dense_mode is None else build_dense_mode(dense_mode)
        if self.is_vit:
            return self._forward_vit(x, outputs, attn_blocks, token_blocks, dense_mode_name(mode), fn)
        if self.is_timm:
            return self._forward_timm(x, outputs)
        return self._forward_resnet(x, outputs, token_blocks, dense_mode_name(mode))

    def dense_features(self, x: Tensor, **kwargs) -> Tensor:
        """The dense features (B, D, h, w) of a ``dense_only`` tower."""
        raise NotImplementedError(f'{type(self).__name__} is not a dense_only tower')

    # --------------------------------------------------------- ViT blocks
    def embed(self, x: Tensor) -> Tuple[Tensor, Tuple[int, int]]:
        """Patch embedding, class token and resized position embeddings, then ``ln_pre``.

        Returns:
            tuple: tokens (B, 1 + h*w, C) and the patch grid (h, w).
        """
        v = self.visual
        if self.pad_to_patch:
            p = self.patch_size
            x = F.pad(x, (0, -x.shape[-1] % p, 0, -x.shape[-2] % p))
        x = v.conv1(x)
        grid = tuple(x.shape[-2:])
        x = x.flatten(2).transpose(1, 2)
        cls = v.class_embedding.to(x.dtype).expand(x.shape[0], 1, -1)
        pos = resize_pos_embed(v.positional_embedding, grid, v.grid_size, self.pos_embed_mode,
                               self.pos_embed_by_scale_factor)
        pos = pos if self.pos_embed_dtype is None else pos.to(self.pos_embed_dtype)
        x = torch.cat([cls, x], dim=1) + pos.to(x.dtype)
        return v.ln_pre(v.patch_dropout(x)), grid

    def forward_block(self, index: int, x: Tensor, need_attn: bool = False, normed: Optional[Tensor] = None):
        """Block ``index`` on tokens (B, N, C).

        Args:
            index (int): block number (negative counts from the end).
            x (Tensor): the block's input.
            need_attn (bool): also return the head-averaged attention (B, N, N).
            normed (Tensor, optional): ``ln_1(x)`` computed by the caller, e.g. to take
                gradients with respect to it (CLIP-ES's GradCAM layer).

        Returns:
            Tensor or tuple: the output tokens, and the attention when ``need_attn``.
        """
        block = self.blocks[index]
        if not need_attn and normed is None:
            return block(x)
        y = block.ln_1(x) if normed is None else normed
        out, attn = block.attn(y, y, y, need_weights=need_attn, average_attn_weights=True)
        x = x + block.ls_1(out)
        x = x + block.ls_2(block.mlp(block.ln_2(x)))
        return (x, attn) if need_attn else x

    def run_blocks(self, x: Tensor, start: int = 0, end: Optional[int] = None, attn_blocks: Sequence[int] = (),
                   token_blocks: Sequence[int] = ()) -> Tuple[Tensor, Dict[int, Tensor], Dict[int, Tensor]]:
        """Blocks ``start .. end - 1`` on tokens (B, N, C).

        Returns:
            tuple: output tokens, ``{block: attention}`` of ``attn_blocks`` and
            ``{block: output tokens}`` of ``token_blocks`` (indices from the start).
        """
        n = self.num_blocks
        attn_idx, token_idx = {b % n for b in attn_blocks}, {b % n for b in token_blocks}
        attns, tokens = {}, {}
        for i in range(start, n if end is None else end):
            if i in attn_idx:
                x, attns[i] = self.forward_block(i, x, need_attn=True)
            else:
                x = self.forward_block(i, x)
            if i in token_idx:
                tokens[i] = x
        return x, attns, tokens

    def last_keys(self, x: Tensor) -> Tensor:
        """The keys of the last block's attention for the patches (B, C, h, w), channels head by head
        (no projection; the toy's stand-in for DINO's keys in CASS)."""
        tokens, grid = self.embed(x)
        k = qkv(self.blocks[-1], self.run_blocks(tokens, 0, self.num_blocks - 1)[0])[1][:, 1:]
        return k.transpose(1, 2).reshape(x.shape[0], -1, *grid)

    def head(self, x: Tensor) -> Tensor:
        """``ln_post`` followed by the projection into the joint space."""
        x = self.visual.ln_post(x)
        return x @ self.visual.proj if self.visual.proj is not None else x

    def _forward_vit(self, x, outputs, attn_blocks, token_blocks, dense_mode, dense_fn):
        n = self.num_blocks
        x, (gh, gw) = self.embed(x)
        B = x.shape[0]
        x_in, attns, tokens = self.run_blocks(x, 0, n - 1, attn_blocks, token_blocks)
        attn_idx, token_idx = {b % n for b in attn_blocks}, {b % n for b in token_blocks}
        result: Dict[str, Tensor] = {}
        x_out = None
        if 'global' in outputs or (n - 1) in attn_idx or (n - 1) in token_idx:
            x_out, last_attn, last_tokens = self.run_blocks(x_in, n - 1, n, attn_blocks, token_blocks)
            attns.update(last_attn)
            tokens.update(last_tokens)
            if 'global' in outputs:
                result['global'] = self.head(x_out[:, 0])
        if 'keys' in outputs:
            last = self.blocks[-1]
            k = qkv(last, x_in)[1][:, 1:]
            k = last.attn.out_proj(k) if self.key_projection == 'out_proj' else k
            result['keys'] = k.transpose(1, 2).reshape(B, -1, gh, gw)
        if 'dense' in outputs:
            reuse = dense_mode == 'qk' and x_out is not None  # the plain last block already ran
            dense = (x_out if reuse else dense_fn(self.blocks[-1], x_in, (gh, gw)))[:, 1:]
            result['dense'] = self.head(dense).transpose(1, 2).reshape(B, -1, gh, gw)
        if attn_blocks:
            result['attn'] = attns
        if token_blocks:
            result['tokens'] = tokens
        return result

    # ---------------------------------------------------------------- timm
    def _forward_timm(self, x, outputs):
        """timm ViT: its patch tokens after the final norm, each through the projection
        (SimSeg's image tokens); 'global' pools as the architecture says."""
        v = self.visual
        if self.pad_to_patch:
            p = self.patch_size
            x = F.pad(x, (0, -x.shape[-1] % p, 0, -x.shape[-2] % p))
        tokens = v.trunk.forward_features(x)
        result: Dict[str, Tensor] = {}
        if 'global' in outputs:
            result['global'] = v.head(v.trunk.forward_head(tokens))
        if 'dense' in outputs:
            h, w = x.shape[-2] // self.patch_size, x.shape[-1] // self.patch_size
            dense = v.head(tokens[:, v.trunk.num_prefix_tokens:])
            result['dense'] = dense.transpose(1, 2).reshape(x.shape[0], -1, h, w)
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
            pos = pool.positional_embedding
            g0 = int(round((pos.shape[0] - 1)**0.5))
            tokens = tokens + resize_pos_embed(pos, (h, w), (g0, g0), self.pos_embed_mode).to(tokens.dtype)
            queries = tokens if 'dense' in outputs and dense_mode == 'qk' else tokens[:, :1]
            out = self._attnpool_attention(queries, tokens)
            if 'global' in outputs:
                result['global'] = out[:, 0]
            if 'dense' in outputs and dense_mode == 'qk':
                result['dense'] = out[:, 1:].transpose(1, 2).reshape(B, -1, h, w)
        return result

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
