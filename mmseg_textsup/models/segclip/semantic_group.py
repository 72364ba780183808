"""SegCLIP's semantic group module (https://arxiv.org/abs/2211.14813, sec. 2.2), as the official
``SemanticLearnerModule`` (github.com/ArrowLuo/SegCLIP, ``modules/module_seg_vit.py``)."""
from typing import Dict, Literal, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.model import normal_init
from mmseg.registry import MODELS
from open_clip.transformer import LayerNorm, QuickGELU, ResidualAttentionBlock
from timm.layers import Mlp
from torch import Tensor, nn


def gumbel_assignment(logits: Tensor, tau: float, training: bool) -> Tuple[Tensor, Tensor]:
    """Hard assignment of every row of ``logits`` (..., K) and its soft distribution.

    Training: Gumbel-softmax with temperature ``tau``: ``soft = softmax((logits + g) / tau)``
    with Gumbel noise g, and the one-hot argmax of ``soft`` whose gradient is that of
    ``soft`` (straight-through). Evaluation: no noise and no temperature,
    ``soft = softmax(logits)`` (as the official ``gumbel_softmax(is_training=False)``).

    Returns:
        tuple: (one-hot assignment, soft distribution), both shaped like ``logits``.
    """
    if training:
        noise = -torch.empty_like(logits).exponential_().log()
        soft = ((logits + noise) / tau).softmax(dim=-1)
    else:
        soft = logits.softmax(dim=-1)
    hard = F.one_hot(soft.argmax(dim=-1), logits.shape[-1]).to(soft.dtype)
    return hard - soft.detach() + soft, soft


LinearInit = Union[Literal['official', 'pytorch'], float]


def init_linear_layers(module: nn.Module, linear_init: LinearInit) -> None:
    """Initialise the ``nn.Linear`` layers of a part CLIP does not provide.

    ``'official'``: as the official code, whose ``SegCLIP.__init__`` ends with
    ``PreTrainedModel.init_weights`` (``modules/util_module.py``) over the whole model: every
    ``nn.Linear`` (attention output projections and the MAE decoder's layers included) N(0, 0.02)
    with zero bias; attention input projections (xavier), the 1x1 convolutions (PyTorch's
    default) and the LayerNorms (1, 0) keep theirs. A float: the same with that standard
    deviation (the toy configs' 0.049: N(0, s) gives a layer the gain s x sqrt(fan-in), so 0.02 on
    the toy's 128 channels starts weaker than on ViT-B's 768). ``'pytorch'``: the layers keep
    PyTorch's and timm's defaults (the toy rows that compare initialisations).
    """
    if linear_init == 'pytorch':
        return
    std = 0.02 if linear_init == 'official' else linear_init
    if isinstance(std, bool) or not isinstance(std, (int, float)) or std <= 0:
        raise ValueError(f"linear_init must be 'official', 'pytorch' or a positive std, got {linear_init!r}")
    for m in module.modules():
        if isinstance(m, nn.Linear):
            normal_init(m, std=float(std), bias=0)


@MODELS.register_module()
class SemanticGroup(nn.Module):
    """Learnable centers that gather patch tokens into region tokens.

    As the official module: the centers (L, C) pass ``num_cross_layers`` cross-attention
    blocks whose keys and values are ``[centers, patches]`` (pre-norm, QuickGELU MLP), then a
    LayerNorm, giving H_c. The official ``CrossAttentionBlock`` hands its batch-first keys to a
    sequence-first ``nn.MultiheadAttention``; torch 1.x reshaped them with ``view(-1, ...)``, so
    with a batch of B images the keys of image b are the tokens ``s * B + b`` of the batch's
    flattened ``[centers, patches]`` sequences (mostly other images' tokens; exactly its own when
    B = 1, as in the official evaluation). ``cross_context='official'`` reproduces that
    (the published models were trained so); ``'per_image'`` is the paper's reading, each
    image's centers attending to its own tokens. Keys and values of the patches are grouped 1x1 projections of
    ``LN(patches)`` (one group per head; keys with a LayerNorm). Every patch is assigned to
    one center, ``M = GumbelSoftmax(K H_c^T)`` (eq. 2, unscaled, tau 0.9, straight-through),
    and the regions are ``QuickGELU(MLP(LN(H_c + MEAN(M^T V))))`` (eq. 3).

    Args:
        width (int): token width C.
        num_heads (int): heads of the cross-attention layers and groups of the projections.
        num_centers (int): L. Defaults to 8.
        num_cross_layers (int): cross-attention layers. Defaults to 2.
        tau (float): Gumbel-softmax temperature. Defaults to 0.9.
        cross_context (str): ``'official'`` or ``'per_image'`` (see above). Defaults to
            ``'official'``.
        linear_init (str | float): see :func:`init_linear_layers`. Defaults to ``'official'``.
    """

    def __init__(self, width: int, num_heads: int, num_centers: int = 8, num_cross_layers: int = 2,
                 tau: float = 0.9, cross_context: Literal['official', 'per_image'] = 'official',
                 linear_init: LinearInit = 'official'):
        super().__init__()
        if cross_context not in ('official', 'per_image'):
            raise ValueError(f"cross_context must be 'official' or 'per_image', got {cross_context!r}")
        self.tau = tau
        self.cross_context = cross_context
        self.centers = nn.Parameter(nn.init.trunc_normal_(torch.empty(num_centers, width), std=0.02))
        self.cross_layers = nn.ModuleList([
            ResidualAttentionBlock(width, num_heads, act_layer=QuickGELU, is_cross_attention=True)
            for _ in range(num_cross_layers)
        ])
        self.norm = LayerNorm(width)
        self.norm_centers = LayerNorm(width)
        self.key_proj = nn.Conv1d(width, width, 1, groups=num_heads, bias=False)
        self.norm_keys = LayerNorm(width)
        self.value_proj = nn.Conv1d(width, width, 1, groups=num_heads, bias=False)
        self.region_mlp = nn.Sequential(LayerNorm(width), Mlp(width, 4 * width, width), QuickGELU())
        init_linear_layers(self, linear_init)

    @property
    def num_centers(self) -> int:
        return self.centers.shape[0]

    def forward(self, patches: Tensor) -> Dict[str, Tensor]:
        """Group patch tokens (B, N, C).

        Returns:
            dict: ``regions`` (B, L, C); ``assignment`` M (B, N, L), one-hot rows (straight-
            through); ``logits`` (B, N, L); ``probs`` (B, N, L), the soft rows (the official
            ``soft_attn`` in evaluation, the Gumbel-softmax in training).
        """
        centers = self.centers.to(patches.dtype).expand(patches.shape[0], -1, -1)
        for layer in self.cross_layers:
            context = torch.cat([centers, patches], dim=1)  # B, S, C
            if self.cross_context == 'official':  # torch 1.x's view of (B, S, C) keys as (S, B, C)
                context = context.reshape(context.shape[1], context.shape[0], -1).transpose(0, 1)
            centers = layer(centers, context, context)
        centers = self.norm_centers(centers)
        normed = self.norm(patches).transpose(1, 2)  # B, C, N
        keys = self.norm_keys(self.key_proj(normed).transpose(1, 2))
        values = self.value_proj(normed).transpose(1, 2)
        logits = keys @ centers.transpose(1, 2)  # B, N, L
        assignment, probs = gumbel_assignment(logits, self.tau, self.training)
        counts = assignment.sum(dim=1).unsqueeze(-1)  # B, L, 1
        means = assignment.transpose(1, 2) @ values / counts.clamp_min(1.0)
        regions = self.region_mlp(centers + means)
        return dict(regions=regions, assignment=assignment, logits=logits, probs=probs)
