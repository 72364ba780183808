from typing import List, Optional, Sequence

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor, nn

from ...utils.dense_crf import dense_crf

# seg_evaluation.py's dense_crf: unary -log(p + 1e-8), 3 iterations, Gaussian 3/3, bilateral 40/13/10
SIMSEG_CRF = dict(unary='log_eps', iterations=3, gaussian_sxy=3, gaussian_compat=3, bilateral_sxy=40, bilateral_srgb=13,
                  bilateral_compat=10)


def select_classes(scores: Tensor, top_k: int, sigma_factor: float = 1.0, max_classes: int = 5,
                   background_class: Optional[int] = 0) -> List[int]:
    """SimSeg's confident classes, as the official ``seg_evaluation.py``.

    The threshold is mu + sigma_factor * sigma of the ``top_k`` highest scores (unbiased std;
    the background's score counts); the ``max_classes`` highest classes are the candidates,
    in score order: the background is skipped (it keeps its slot) and the loop stops at the
    first candidate below the threshold.

    Args:
        scores (Tensor): class confidences (K,), the background's included.
        top_k (int): the classes whose scores give mu and sigma.
        sigma_factor (float): the factor of sigma (paper Table 2). Defaults to 1.
        max_classes (int): the candidates. Defaults to 5.
        background_class (int, optional): never selected. Defaults to 0.

    Returns:
        list[int]: the selected classes, highest score first.
    """
    top, order = scores.topk(min(top_k, scores.numel()))
    threshold = top.mean() + sigma_factor * top.std()
    kept = []
    for c in order[:max_classes].tolist():
        if c == background_class:
            continue
        if scores[c] < threshold:
            break
        kept.append(c)
    return kept


def simseg_crf_image(rgb: np.ndarray, mean, std) -> np.ndarray:
    """The image the official code hands the CRF: its float pipeline replayed in float32
    (``ToTensor``, ``Normalize``, then ``(x * std + mean) * 255`` truncated to uint8)."""
    mean = torch.tensor(mean, dtype=torch.float32).view(3, 1, 1)
    std = torch.tensor(std, dtype=torch.float32).view(3, 1, 1)
    x = (torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1).float() / 255 - mean) / std
    return ((x * std + mean) * 255).to(torch.uint8).permute(1, 2, 0).numpy()


@MODELS.register_module()
class SimSegZeroShot(nn.Module):
    """SimSeg zero-shot segmentation (https://arxiv.org/abs/2303.16396, sec. 4.3), as the
    official ``tools/seg_evaluation.py``.

    Every class's text embedding (``u^T``: LoDA's text pooling with M^T = 1, averaged over the
    prompt ensemble) queries every L2-normalised patch token: a coarse map, upsampled by
    nearest neighbour to the input. The class confidence is the cosine of the image's LoDA
    embedding with the class embedding. :func:`select_classes` keeps the confident ones; each
    kept class's map, min-max scaled to [0, 1], becomes a binary mask by a dense CRF on
    [1 - p, p] (or p > 0.5 without CRF), then a 7x7 dilation and erosion (one iteration each);
    a pixel takes the mask with the highest ``255 * score`` (stacking by score), pixels no
    mask covers the first class (the background).

    ``forward(model, inputs)`` returns one-hot scores (B, K, H, W) of that label map, so the
    pre-training model's mmseg inference and metrics apply unchanged.

    Args:
        top_k (int): classes whose confidences give mu and sigma (10 VOC / COCO, 30 Context).
            Defaults to 10.
        sigma_factor (float): threshold mu + sigma_factor * sigma. Defaults to 1.0.
        max_classes (int): candidate classes per image. Defaults to 5.
        crf (bool): refine every binary mask with a dense CRF. Defaults to True.
        crf_cfg (dict, optional): :func:`dense_crf` arguments; defaults to SimSeg's
            (3 iterations, Gaussian 3/3, bilateral 40/13/10).
        morphology (int): side of the square kernel of the dilation + erosion; 0: none.
            Defaults to 7.
        background_class (int, optional): the vocabulary's background class (scored, never
            selected, given to unassigned pixels). None (a vocabulary of only real classes,
            e.g. the toy world): unassigned pixels take the kept class with the highest
            coarse map there. Defaults to 0.
        select (bool): SimSeg's class selection, binary masks and stacking. False: a
            diagnostic read-out, the argmax of the coarse maps over every class.
            Defaults to True.
        image_mean (tuple), image_std (tuple): the normalisation (0-1 scale) whose float
            round trip :func:`simseg_crf_image` replays for the CRF's image. Defaults to
            ImageNet's (0.485, 0.456, 0.406) / (0.229, 0.224, 0.225), the official's.
    """

    def __init__(self,
                 top_k: int = 10,
                 sigma_factor: float = 1.0,
                 max_classes: int = 5,
                 crf: bool = True,
                 crf_cfg: Optional[dict] = None,
                 morphology: int = 7,
                 background_class: Optional[int] = 0,
                 select: bool = True,
                 image_mean: Sequence[float] = (0.485, 0.456, 0.406),
                 image_std: Sequence[float] = (0.229, 0.224, 0.225)):
        super().__init__()
        self.top_k = top_k
        self.sigma_factor = sigma_factor
        self.max_classes = max_classes
        self.crf = crf
        self.crf_cfg = dict(SIMSEG_CRF, **(crf_cfg or {}))
        self.morphology = morphology
        self.background_class = background_class
        self.select = select
        self.image_mean, self.image_std = tuple(image_mean), tuple(image_std)

    def coarse_and_confidence(self, model, inputs: Tensor):
        """Coarse maps (B, K, h, w) and class confidences (B, K)."""
        dense = model.backbone.forward_features(inputs, ('dense', ), dense_mode='qk')['dense']
        B, D, h, w = dense.shape
        tokens = dense.flatten(2).transpose(1, 2)  # B, N, D
        classifier = model.text_encoder
        queries = classifier.embeddings().to(tokens)  # E, D: u^T of every synonym (or class)
        coarse = torch.einsum('bnd,ed->ben', F.normalize(tokens, dim=-1), queries).reshape(B, -1, h, w)
        confidence = model.loss_module.pool_image(tokens) @ queries.t()  # B, E
        return classifier.reduce_synonyms(coarse, dim=1), classifier.reduce_synonyms(confidence, dim=1)

    @torch.no_grad()
    def forward(self, model, inputs: Tensor) -> Tensor:
        coarse, confidence = self.coarse_and_confidence(model, inputs)
        coarse = F.interpolate(coarse.float(), size=inputs.shape[2:], mode='nearest')
        pre = model.data_preprocessor
        rgbs = (inputs * pre.std + pre.mean).round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()
        labels = torch.stack([
            self._segment(coarse[b], confidence[b], simseg_crf_image(rgbs[b], self.image_mean, self.image_std))
            for b in range(len(inputs))
        ])
        return F.one_hot(labels, model.num_classes).permute(0, 3, 1, 2).float()

    def _mask(self, p: Tensor, image: np.ndarray) -> np.ndarray:
        """Binary mask (H, W) uint8 of a [0, 1] map: CRF (or > 0.5), dilation, erosion."""
        if self.crf:
            probs = torch.stack([1 - p, p]).float().cpu().numpy()
            mask = dense_crf(image, probs, **self.crf_cfg).argmax(axis=0).astype(np.uint8)
        else:
            mask = (p > 0.5).cpu().numpy().astype(np.uint8)
        if self.morphology:
            kernel = np.ones((self.morphology, self.morphology), np.uint8)
            mask = cv2.erode(cv2.dilate(mask, kernel), kernel)
        return mask

    def _segment(self, coarse: Tensor, confidence: Tensor, image: np.ndarray) -> Tensor:
        """Label map (H, W) of one image from its coarse maps (K, H, W) and confidences (K,)."""
        if not self.select:
            return coarse.argmax(dim=0)
        kept = select_classes(confidence, self.top_k, self.sigma_factor, self.max_classes, self.background_class)
        stacked = coarse.new_zeros(coarse.shape)
        for c in kept:
            lo, hi = coarse[c].min(), coarse[c].max()
            mask = self._mask((coarse[c] - lo) / (hi - lo), image)
            stacked[c] = torch.from_numpy(mask).to(stacked) * 255 * confidence[c]
        label = stacked.argmax(dim=0)
        if self.background_class is not None or not kept:
            return label
        fallback = torch.tensor(kept, device=coarse.device)[coarse[kept].argmax(dim=0)]
        return torch.where(stacked.amax(dim=0) > 0, label, fallback)
