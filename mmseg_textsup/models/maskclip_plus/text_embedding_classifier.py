from typing import List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class TextEmbeddingClassifier(BaseModule):
    """A segmentation classifier whose weights are frozen CLIP text embeddings.

    MaskCLIP+ replaces the last 1x1 classifier of a segmentation head (``conv_seg``) with
    this module, so the student keeps CLIP's open vocabulary: features are projected to the
    CLIP embedding size (when their width differs) and multiplied with the L2-normalised class
    embeddings, ``f . t / |t|``: the official MaskCLIP+ head (its features are not normalised
    and there is no temperature; the network learns the scale).

    Args:
        text_encoder (dict): config of the frozen text classifier
            (:class:`OpenCLIPTextClassifier`); it owns the vocabulary and caches embeddings.
        in_channels (int): width of the incoming features.
        learnable_background (bool): add a learnable background embedding (normalised like
            the text) as class ``bg_index`` (for vocabularies without a background word, e.g.
            Context60 zero-shot, the official ``cls_bg``). Defaults to False.
        bg_index (int): position of the learnable background. Defaults to 0.
        init_cfg (dict, optional): initialisation of the projection. Defaults to None.
    """

    def __init__(self,
                 text_encoder: dict,
                 in_channels: int,
                 learnable_background: bool = False,
                 bg_index: int = 0,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.text_encoder = MODELS.build(text_encoder)
        embed_dim = self.text_encoder.embed_dim
        self.projection = nn.Identity() if in_channels == embed_dim else nn.Conv2d(in_channels, embed_dim, 1)
        self.bg_index = bg_index
        self.background = nn.Parameter(torch.randn(embed_dim) * embed_dim**-0.5) if learnable_background else None

    @property
    def num_classes(self) -> int:
        return self.text_encoder.num_classes + (self.background is not None)

    @property
    def class_names(self) -> List[str]:
        names = list(self.text_encoder.class_names)
        if self.background is not None:
            names.insert(self.bg_index, 'background')
        return names

    def forward(self, features: Tensor) -> Tensor:
        """Features (B, C, h, w) -> logits (B, num_classes, h, w)."""
        feats = self.projection(features)
        scores = self.text_encoder(feats)  # cosine per class (synonyms fused)
        if self.background is not None:
            bg = torch.einsum('bchw,c->bhw', F.normalize(feats, dim=1), F.normalize(self.background, dim=0))
            scores = torch.cat([scores[:, :self.bg_index], bg[:, None].to(scores.dtype), scores[:, self.bg_index:]], 1)
        return scores * feats.norm(dim=1, keepdim=True).to(scores.dtype)  # cos * |f| = f . t / |t|
