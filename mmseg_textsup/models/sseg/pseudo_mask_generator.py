from typing import Optional

import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor, nn

from .kmeans import batched_kmeans


@MODELS.register_module()
class PseudoMaskGenerator(nn.Module):
    """S-Seg's class-agnostic pseudo masks: a frozen ViT's patch tokens clustered per image.

    The backbone (DINO ViT-S/8 by default through :class:`TimmViTTokens`; any backbone whose
    forward gives (B, C, h, w) tokens, a list of them (the last is used) or a dict holding
    ``feature_key`` stands in, e.g. the toy CLIP's ``OpenCLIPVision``) is frozen and in eval
    mode. Tokens are L2-normalised (cosine K-means) and clustered by
    :func:`batched_kmeans` for the whole batch at once; the cluster map is resized to the
    image by nearest neighbour.

    Args:
        backbone (dict): the frozen self-supervised ViT.
        num_clusters (int): K. Defaults to 8.
        iters (int): Lloyd iterations. Defaults to 10.
        feature_key (str): entry of a dict output. Defaults to ``'dense'``.
        normalize (bool): L2-normalise the tokens first. Defaults to True.
        seed (int, optional): seed of the K-means initialisation (reproducible masks).
            Defaults to None (the global generator).
    """

    def __init__(self,
                 backbone: dict,
                 num_clusters: int = 8,
                 iters: int = 10,
                 feature_key: str = 'dense',
                 normalize: bool = True,
                 seed: Optional[int] = None):
        super().__init__()
        self.backbone = MODELS.build(backbone)
        self.backbone.requires_grad_(False)
        self.num_clusters = num_clusters
        self.iters = iters
        self.feature_key = feature_key
        self.normalize = normalize
        self.seed = seed
        self.eval()

    def train(self, mode: bool = True):
        return super().train(False)  # always frozen

    def init_weights(self):
        if hasattr(self.backbone, 'init_weights'):
            self.backbone.init_weights()

    def tokens(self, images: Tensor) -> Tensor:
        out = self.backbone(images)
        if isinstance(out, dict):
            out = out[self.feature_key]
        elif isinstance(out, (list, tuple)):
            out = out[-1]
        return out  # B, C, h, w

    @torch.no_grad()
    def forward(self, images: Tensor) -> Tensor:
        """Cluster ids (B, H, W) of normalised images (B, 3, H, W)."""
        feats = self.tokens(images)
        B, C, h, w = feats.shape
        points = feats.flatten(2).transpose(1, 2)
        if self.normalize:
            points = F.normalize(points.float(), dim=-1)
        generator = None
        if self.seed is not None:
            generator = torch.Generator(device=images.device).manual_seed(self.seed)
        labels, _ = batched_kmeans(points, min(self.num_clusters, h * w), self.iters, generator)
        labels = labels.reshape(B, 1, h, w).float()
        return F.interpolate(labels, size=images.shape[2:], mode='nearest')[:, 0].long()
