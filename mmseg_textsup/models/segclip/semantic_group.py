"""SegCLIP's semantic group module (https://arxiv.org/abs/2211.14813, sec. 2.2)."""
import math
from typing import Dict, Tuple

import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from open_clip.transformer import LayerNorm, ResidualAttentionBlock
from torch import Tensor, nn


def gumbel_assignment(logits: Tensor, tau: float, training: bool) -> Tuple[Tensor, Tensor]:
    """Hard assignment of every row of ``logits`` (..., K) and its soft distribution.

    Training: Gumbel-softmax with temperature ``tau``: ``soft = softmax((logits + g) / tau)``
    with Gumbel noise g, and the one-hot argmax of ``soft`` whose gradient is that of
    ``soft`` (straight-through). Evaluation: no noise, ``soft = softmax(logits / tau)``.

    Returns:
        tuple: (one-hot assignment, soft distribution), both shaped like ``logits``.
    """
    if training:
        noise = -torch.empty_like(logits).exponential_().log()
        soft = ((logits + noise) / tau).softmax(dim=-1)
    else:
        soft = (logits / tau).softmax(dim=-1)
    hard = F.one_hot(soft.argmax(dim=-1), logits.shape[-1]).to(soft.dtype)
    return hard - soft.detach() + soft, soft


@MODELS.register_module()
class SemanticGroup(nn.Module):
    """Learnable centers that gather patch tokens into region tokens.

    ``centers`` (L, C) attend to the patches through ``num_cross_layers`` cross-attention
    blocks (queries: centers; keys and values: patches), giving contextual centers H_c.
    Every patch is assigned to one center, ``M = GumbelSoftmax(LN(H_b) LN(H_c)^T)`` (eq. 2, the
    paper's plain product; the layer norms keep it on a fixed scale, as in the official
    code), and the regions are ``MLP(MEAN(M^T H_b) + H_c)`` (eq. 3, two linear layers with a
    GELU). The unscaled product is large (up to C), so the Gumbel noise rarely changes the
    argmax; ``scaled_logits=True`` divides it by sqrt(C) like an attention score, which
    leaves the assignment to the noise at initialisation (the toy world's near-uniform
    groupings, configs/segclip/README.md).

    Args:
        width (int): token width C.
        num_heads (int): heads of the cross-attention layers.
        num_centers (int): L. Defaults to 8.
        num_cross_layers (int): cross-attention layers. Defaults to 2.
        tau (float): Gumbel-softmax temperature. Defaults to 0.9.
        mlp_ratio (float): hidden width of the region MLP over C. Defaults to 4.
        scaled_logits (bool): divide the assignment logits by sqrt(C). Defaults to False.
    """

    def __init__(self,
                 width: int,
                 num_heads: int,
                 num_centers: int = 8,
                 num_cross_layers: int = 2,
                 tau: float = 0.9,
                 mlp_ratio: float = 4.0,
                 scaled_logits: bool = False):
        super().__init__()
        self.tau = tau
        self.scaled_logits = scaled_logits
        self.centers = nn.Parameter(torch.randn(num_centers, width) * 0.02)
        self.cross_layers = nn.ModuleList(
            [ResidualAttentionBlock(width, num_heads, is_cross_attention=True) for _ in range(num_cross_layers)])
        self.norm_patches = LayerNorm(width)
        self.norm_centers = LayerNorm(width)
        hidden = int(width * mlp_ratio)
        self.region_mlp = nn.Sequential(nn.Linear(width, hidden), nn.GELU(), nn.Linear(hidden, width))

    @property
    def num_centers(self) -> int:
        return self.centers.shape[0]

    def forward(self, patches: Tensor) -> Dict[str, Tensor]:
        """Group patch tokens (B, N, C).

        Returns:
            dict: ``regions`` (B, L, C); ``assignment`` M (B, N, L), one-hot rows;
            ``logits`` (B, N, L); ``probs`` (B, N, L), the soft (Gumbel-)softmax rows of M,
            the patches' region distributions used by the superpixel KL loss.
        """
        centers = self.centers.to(patches.dtype).expand(patches.shape[0], -1, -1)
        for layer in self.cross_layers:
            centers = layer(centers, patches, patches)
        logits = self.norm_patches(patches) @ self.norm_centers(centers).transpose(1, 2)
        if self.scaled_logits:
            logits = logits / math.sqrt(patches.shape[-1])
        assignment, probs = gumbel_assignment(logits, self.tau, self.training)
        counts = assignment.sum(dim=1).unsqueeze(-1)  # B, L, 1
        means = assignment.transpose(1, 2) @ patches / counts.clamp_min(1.0)
        regions = self.region_mlp(means + centers)
        return dict(regions=regions, assignment=assignment, logits=logits, probs=probs)
