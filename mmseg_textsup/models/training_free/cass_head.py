from typing import Dict

import numpy as np
import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from torch import Tensor

from ..maskclip.maskclip_head import MaskCLIPHead


def text_clusters(embeddings: Tensor, threshold: float) -> np.ndarray:
    """CASS's class groups: Ward linkage of the text embeddings' (Q, D) cosine distances, cut at
    ``threshold`` (``fcluster(..., criterion='distance')``); a group index (0 ..) per row.

    The distances are computed as scikit-learn's ``cosine_distances`` (the official code's) computes
    them: rows L2-normalised, ``1 - X X^T`` clipped to [0, 2], diagonal 0 (one line, so no
    scikit-learn dependency for it)."""
    x = embeddings.detach().float().cpu().numpy()
    x = x / np.sqrt(np.einsum('ij,ij->i', x, x))[:, None]
    distances = np.clip(1 - x @ x.T, 0, 2)
    np.fill_diagonal(distances, 0)
    return fcluster(linkage(squareform(distances), method='ward'), t=threshold, criterion='distance') - 1


def object_presence_text(patches: Tensor, text: Tensor, presence: Tensor, clusters: np.ndarray,
                         alpha: float, top_k: int = 2) -> Tensor:
    """CASS's object-presence-driven text embeddings (``hierarchical_prompt``) of one image.

    In each group of ``clusters``, the class most similar to the image (``presence``, (Q, )) is
    moved towards the mean of the ``top_k`` patches most similar to it: ``normalize((1 - alpha) t +
    alpha normalize(mean))``; the other classes keep their embeddings.

    Args:
        patches (Tensor): normalised patch features (N, D).
        text (Tensor): normalised class embeddings (Q, D).
        presence (Tensor): the image's class similarities (Q, ).
        clusters (np.ndarray): group of each class (:func:`text_clusters`).
        alpha (float): the official ``mean_vector_weight``.
    """
    adjusted = text.clone()
    presence = presence.detach().cpu().numpy()
    for group in range(clusters.max() + 1):
        members = np.where(clusters == group)[0]
        c = int(members[np.argmax(presence[members])])
        t = F.normalize(text[c], dim=0)
        top = torch.topk(patches @ t, min(top_k, patches.shape[0])).indices
        mean = F.normalize(patches[top].mean(dim=0), dim=0)
        adjusted[c] = F.normalize((1 - alpha) * t + alpha * mean, dim=0)
    return adjusted


@MODELS.register_module()
class CASSHead(MaskCLIPHead):
    """CASS's classifier (https://arxiv.org/abs/2411.17150, github.com/MICV-yonsei/CASS,
    ``cass_segmentor.py`` ``forward_feature`` and ``hierarchical_prompt``): object-presence-driven
    text embeddings and a global term.

    ``forward()``: with the image's presence prior ``p = cos(global, t)`` (the backbone's
    ``'global'``: the image's class token; :class:`CASSEncoderDecoder` hands the whole image's in
    sliding windows), the text embeddings are adjusted per image (:func:`object_presence_text`
    over the groups of :func:`text_clusters`), and the logits are
    ``logit_scale ((1 - w) cos(patch, t') + w p)``.

    Args:
        text_encoder (dict): the text classifier (one row per synonym: CASS groups and adjusts
            the names of its class file, synonyms included).
        cluster_threshold (float): the Ward distance that cuts the groups (``h_threshold``).
            Defaults to 0.1.
        mean_vector_weight (float): alpha of :func:`object_presence_text`. Defaults to 0.03.
        global_weight (float): w, the official ``global_semantics_weight``. Defaults to 0.1.
        logit_scale (float): temperature of the logits. Defaults to 40.0.
        **kwargs: :class:`MaskCLIPHead` arguments.
    """

    def __init__(self,
                 text_encoder: dict,
                 cluster_threshold: float = 0.1,
                 mean_vector_weight: float = 0.03,
                 global_weight: float = 0.1,
                 logit_scale: float = 40.0,
                 **kwargs):
        super().__init__(text_encoder, logit_scale=logit_scale, **kwargs)
        self.cluster_threshold = cluster_threshold
        self.mean_vector_weight = mean_vector_weight
        self.global_weight = global_weight
        self._clusters = None  # (embeddings, groups) of the last vocabulary

    def clusters(self, text: Tensor) -> np.ndarray:
        """The groups of the current embeddings (computed once per vocabulary)."""
        if self._clusters is None or self._clusters[0] is not text:
            self._clusters = (text, text_clusters(text, self.cluster_threshold))
        return self._clusters[1]

    def forward(self, inputs: Dict[str, Tensor]) -> Tensor:
        if not isinstance(inputs, dict) or not {'dense', 'global'} <= set(inputs):
            raise KeyError("CASSHead needs the backbone's 'dense' and 'global' outputs (CASSVision)")
        text = self.text_encoder.embeddings()
        dense, presence = inputs['dense'], F.normalize(inputs['global'], dim=-1) @ text.t().to(inputs['global'])
        B, D, h, w = dense.shape
        patches = F.normalize(dense.flatten(2).transpose(1, 2), dim=-1)
        groups = self.clusters(text)
        logits = []
        for b in range(B):
            adjusted = object_presence_text(patches[b], text.to(patches), presence[b], groups,
                                            self.mean_vector_weight)
            logits.append((1 - self.global_weight) * patches[b] @ adjusted.t() + self.global_weight * presence[b])
        return self.logit_scale * torch.stack(logits).transpose(1, 2).reshape(B, -1, h, w)
