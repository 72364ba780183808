from typing import Dict, Literal, Optional, Sequence

from mmseg.registry import MODELS
from torch import Tensor

from ..backbones.open_clip_vision import OpenCLIPVision
from .semantic_group import LinearInit, SemanticGroup

SEGCLIP_OUTPUTS = ('global', 'dense', 'regions', 'assignment', 'probs', 'logits')


@MODELS.register_module()
class SegCLIPVision(OpenCLIPVision):
    """SegCLIP's image encoder: an open_clip ViT with the semantic group module plugged in
    after block ``group_after`` (https://arxiv.org/abs/2211.14813, sec. 2.2).

    As the official ``SegViT``: the class token is split off after ``ln_pre``; stage 1 runs the
    first ``group_after`` CLIP blocks on the patch tokens alone; stage 2
    (:class:`SemanticGroup`) gathers them into L region tokens with a hard assignment; stage 3
    runs the remaining CLIP blocks on the region tokens. The image embedding is the max-pool
    of the stage-3 regions followed by CLIP's ``ln_post`` and projection; each region goes
    through ``ln_post`` and the projection too. CLIP weights (``pretrained``) fill the ViT;
    the group module is randomly initialised.

    ``region_attention='self'`` (not in the paper; the toy world's option) runs stage 3 on each
    region alone, so that its blocks' attention cannot average an image's regions into one
    vector: on the toy CLIP trained at lr 1e-3 the joint stage 3 turned regions of cosine 0.68 into 0.99.

    ``forward_features`` returns any of ``SEGCLIP_OUTPUTS``: ``global`` (B, D), ``regions``
    (B, L, D), ``assignment`` M (B, N, L, one-hot rows), ``logits`` / ``probs`` (B, N, L, the
    soft region distribution of every patch), ``dense`` (B, D, h, w) = M @ regions.

    Args:
        model_name (str): open_clip ViT architecture, e.g. ``'ViT-B-16'``.
        pretrained (str, optional): open_clip tag or local checkpoint. Defaults to None.
        group_after (int): number of CLIP blocks before the group module. Defaults to 10.
        num_centers (int): learnable centers L. Defaults to 8.
        num_cross_layers (int): cross-attention layers of the group module. Defaults to 2.
        gumbel_tau (float): Gumbel-softmax temperature. Defaults to 0.9.
        cross_context (str): see :class:`SemanticGroup` (``'official'`` or the paper's
            ``'per_image'``). Defaults to 'official'.
        region_attention (str): ``'joint'`` (the paper: stage 3 attends over an image's
            regions) or ``'self'`` (each region attends to itself only). Defaults to 'joint'.
        linear_init (str | float): initialisation of the group module's linear layers,
            ``'official'``, ``'pytorch'`` or a std (see :class:`SemanticGroup`). Defaults to 'official'.
        quick_gelu (bool, optional): see :class:`OpenCLIPVision`.
        init_cfg (dict, optional): MMEngine init config.
    """

    def __init__(self,
                 model_name: str,
                 pretrained: Optional[str] = None,
                 group_after: int = 10,
                 num_centers: int = 8,
                 num_cross_layers: int = 2,
                 gumbel_tau: float = 0.9,
                 cross_context: str = 'official',
                 region_attention: Literal['joint', 'self'] = 'joint',
                 linear_init: LinearInit = 'official',
                 quick_gelu: Optional[bool] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(model_name, pretrained, quick_gelu, outputs=('global', ), dense_mode='qk', frozen=False,
                         init_cfg=init_cfg)
        if not self.is_vit:
            raise ValueError(f'SegCLIP needs a ViT tower; {model_name} is not one.')
        if not 0 < group_after < self.num_blocks:
            raise ValueError(f'group_after must be in [1, {self.num_blocks - 1}] for {model_name}, got {group_after}')
        if region_attention not in ('joint', 'self'):
            raise ValueError(f"region_attention must be 'joint' or 'self', got {region_attention!r}")
        self.group_after = group_after
        self.region_attention = region_attention
        self.group = SemanticGroup(self.width, self.blocks[0].attn.num_heads, num_centers, num_cross_layers, gumbel_tau,
                                   cross_context, linear_init)

    @property
    def width(self) -> int:
        return self.visual.transformer.width

    def group_patches(self, x: Tensor, keep: Optional[Tensor] = None) -> Dict[str, Tensor]:
        """Stages 1 and 2: the semantic group module's output for images (B, 3, H, W).

        Args:
            x (Tensor): normalised images.
            keep (Tensor, optional): indices (B, n) of the patches to keep (MAE's visible
                patches); the others never enter the encoder. Defaults to all patches.

        Returns:
            dict: :class:`SemanticGroup` outputs plus ``grid`` (h, w) of the full image.
        """
        tokens, grid = self.embed(x)
        patches = tokens[:, 1:]  # the class token takes no part
        if keep is not None:
            patches = patches.gather(1, keep.unsqueeze(-1).expand(-1, -1, tokens.shape[-1]))
        out = self.group(self.run_blocks(patches, 0, self.group_after)[0])
        out['grid'] = grid
        return out

    def forward_features(self,
                         x: Tensor,
                         outputs: Sequence[str] = ('global', ),
                         attn_blocks: Sequence[int] = (),
                         token_blocks: Sequence[int] = (),
                         dense_mode: Optional[str] = None) -> Dict[str, Tensor]:
        """All three stages in one pass; returns the requested ``SEGCLIP_OUTPUTS``."""
        unknown = set(outputs) - set(SEGCLIP_OUTPUTS)
        if unknown or attn_blocks or token_blocks:
            raise ValueError(f'SegCLIPVision returns only {SEGCLIP_OUTPUTS}; asked for {sorted(unknown)}'
                             f'{" and attention / token blocks" if attn_blocks or token_blocks else ""}.')
        group = self.group_patches(x)
        regions = group['regions']
        if self.region_attention == 'self':  # one sequence per region: its attention is its own value
            stage3 = self.run_blocks(regions.flatten(0, 1)[:, None], self.group_after)[0].view_as(regions)
        else:
            stage3 = self.run_blocks(regions, self.group_after)[0]
        result = {k: group[k] for k in ('assignment', 'probs', 'logits') if k in outputs}
        if 'global' in outputs:
            result['global'] = self.head(stage3.amax(dim=1))
        if 'regions' in outputs or 'dense' in outputs:
            regions = self.head(stage3)  # B, L, D
        if 'regions' in outputs:
            result['regions'] = regions
        if 'dense' in outputs:
            gh, gw = group['grid']
            dense = group['assignment'] @ regions  # B, N, D
            result['dense'] = dense.transpose(1, 2).reshape(x.shape[0], -1, gh, gw)
        return result
