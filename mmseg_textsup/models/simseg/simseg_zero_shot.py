from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor, nn

from ...utils.dense_crf import dense_crf
from ...utils.image import to_uint8_rgb


def adaptive_class_selection(scores: Tensor, top_k: int, sigma_factor: float = 1.0, max_keep: int = 5) -> Tensor:
    """SimSeg's confident classes: above mu + sigma_factor * sigma of the top-k scores.

    Args:
        scores (Tensor): class confidences (K,).
        top_k (int): the classes whose scores give mu and sigma (population std).
        sigma_factor (float): the factor of sigma (paper Table 2). Defaults to 1.
        max_keep (int): at most this many classes are kept, the highest first. Defaults to 5.

    Returns:
        Tensor: indices of the kept classes, highest score first.
    """
    top = scores.topk(min(top_k, scores.numel())).values
    threshold = top.mean() + sigma_factor * top.std(unbiased=False)
    kept = (scores > threshold).nonzero().flatten()
    return kept[scores[kept].argsort(descending=True)][:max_keep]


@MODELS.register_module()
class SimSegZeroShot(nn.Module):
    """SimSeg zero-shot segmentation (https://arxiv.org/abs/2303.16396, sec. 4.3).

    For every class, ``u^T`` (the per-channel maximum of its prompt's text tokens, M^T = 1,
    averaged over the prompt ensemble) queries every patch: a coarse mask. The class
    confidence is the LoDA similarity of ``u^T`` with the image's selected features V^I (the
    model's LoDA loss, same M^I as in pre-training). Classes above mu + sigma of the top-k
    confidences are kept (at most ``max_classes``); each kept class's coarse map, min-max
    scaled to [0, 1] and upsampled to the input, becomes a binary mask (dense CRF on
    [1 - p, p], or p > 0.5 without CRF); masks are stacked by score (the highest on top);
    pixels no class took are background.

    ``forward(model, inputs)`` returns one-hot scores (B, K, H, W) of that label map, so the
    pre-training model's mmseg inference and metrics apply unchanged.

    Args:
        top_k (int): classes whose confidences give mu and sigma (10 VOC / COCO, 30 Context).
            Defaults to 10.
        sigma_factor (float): threshold mu + sigma_factor * sigma. Defaults to 1.0.
        max_classes (int): at most this many classes per image. Defaults to 5.
        crf (bool): refine every binary mask with a dense CRF. Defaults to True.
        crf_cfg (dict, optional): :func:`dense_crf` arguments. Defaults to SimSeg's
            3 iterations, Gaussian 3/3, bilateral 40/13/10.
        background_class (int, optional): the vocabulary's background class (never scored;
            given to unassigned pixels). None (a vocabulary of only real classes, e.g. the toy
            world): unassigned pixels take the kept class with the highest coarse map there.
            Defaults to 0.
        select_classes (bool): SimSeg's class selection, binary masks and stacking. False:
            a diagnostic read-out, the argmax of the coarse maps over every class.
            Defaults to True.
    """

    def __init__(self,
                 top_k: int = 10,
                 sigma_factor: float = 1.0,
                 max_classes: int = 5,
                 crf: bool = True,
                 crf_cfg: Optional[dict] = None,
                 background_class: Optional[int] = 0,
                 select_classes: bool = True):
        super().__init__()
        self.top_k = top_k
        self.sigma_factor = sigma_factor
        self.max_classes = max_classes
        self.crf = crf
        self.crf_cfg = dict(iterations=3, gaussian_sxy=3, gaussian_compat=3, bilateral_sxy=40, bilateral_srgb=13,
                            bilateral_compat=10, **(crf_cfg or {}))
        self.background_class = background_class
        self.select_classes = select_classes

    def coarse_and_confidence(self, model, inputs: Tensor):
        """Coarse maps (B, K, h, w) and class confidences (B, K); the background row is -inf."""
        dense = model.image_encoder.forward_features(inputs, ('dense', ), dense_mode='qk')['dense']
        B, D, h, w = dense.shape
        tokens = dense.flatten(2).transpose(1, 2)  # B, N, D
        loda, classifier = model.loss_module, model.text_encoder
        queries = classifier.embeddings()  # E, D: u^T of every synonym (or class)
        patches = F.normalize(tokens, dim=-1) if loda.normalize else tokens
        coarse = torch.einsum('bnd,ed->ben', patches, queries.to(patches)).reshape(B, -1, h, w)
        confidence = loda.pool_image(tokens) @ queries.to(tokens).t()  # B, E
        coarse = classifier.reduce_synonyms(coarse, dim=1)
        confidence = classifier.reduce_synonyms(confidence, dim=1)
        if self.background_class is not None:
            confidence[:, self.background_class] = float('-inf')
        return coarse, confidence

    @torch.no_grad()
    def forward(self, model, inputs: Tensor) -> Tensor:
        coarse, confidence = self.coarse_and_confidence(model, inputs)
        coarse = F.interpolate(coarse.float(), size=inputs.shape[2:], mode='bilinear', align_corners=False)
        images = to_uint8_rgb(inputs, model.data_preprocessor)
        labels = torch.stack([self._segment(coarse[b], confidence[b], images[b]) for b in range(len(inputs))])
        return F.one_hot(labels, model.num_classes).permute(0, 3, 1, 2).float()

    def _segment(self, coarse: Tensor, confidence: Tensor, image: np.ndarray) -> Tensor:
        """Label map (H, W) of one image from its coarse maps (K, H, W) and confidences (K,)."""
        scored = confidence.isfinite().nonzero().flatten()
        if not self.select_classes:
            return scored[coarse[scored].argmax(dim=0)]
        kept = scored[adaptive_class_selection(confidence[scored], self.top_k, self.sigma_factor, self.max_classes)]
        lo = coarse[kept].flatten(1).amin(dim=1)[:, None, None]
        hi = coarse[kept].flatten(1).amax(dim=1)[:, None, None]
        fg = (coarse[kept] - lo) / (hi - lo).clamp_min(1e-6)  # kept, H, W in [0, 1]
        label = torch.full(coarse.shape[1:], -1, dtype=torch.long, device=coarse.device)
        for i in reversed(range(len(kept))):  # lowest score first: higher scores paint over it
            p = fg[i]
            if self.crf:
                probs = torch.stack([1 - p, p]).float().cpu().numpy()
                mask = torch.from_numpy(dense_crf(image, probs, **self.crf_cfg)).to(p.device).argmax(dim=0) == 1
            else:
                mask = p > 0.5
            label[mask] = kept[i]
        if self.background_class is not None:
            return torch.where(label >= 0, label, torch.full_like(label, self.background_class))
        candidates = kept if len(kept) else scored
        fallback = candidates[coarse[candidates].argmax(dim=0)]
        return torch.where(label >= 0, label, fallback)
