from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor, nn


def _gray(image: Tensor) -> Tensor:
    r, g, b = image[:, 0:1], image[:, 1:2], image[:, 2:3]
    return 0.299 * r + 0.587 * g + 0.114 * b


def _laplacian(x: Tensor, w_h: Tensor, w_v: Tensor) -> Tensor:
    """The weighted 4-neighbour graph Laplacian of maps (B, C, H, W); ``w_h`` (B, 1, H, W - 1) and
    ``w_v`` (B, 1, H - 1, W) weigh the horizontal and vertical edges."""
    out = torch.zeros_like(x)
    diff = w_h * (x[..., 1:] - x[..., :-1])
    out[..., 1:] += diff
    out[..., :-1] -= diff
    diff = w_v * (x[..., 1:, :] - x[..., :-1, :])
    out[..., 1:, :] += diff
    out[..., :-1, :] -= diff
    return out


def conjugate_gradient(apply, b: Tensor, x: Tensor, iterations: int) -> Tensor:
    """``iterations`` conjugate-gradient steps for ``apply(x) = b`` from ``x``, per image."""
    r = b - apply(x)
    p = r.clone()
    rs = (r * r).sum(dim=(1, 2, 3), keepdim=True)
    for _ in range(iterations):
        ap = apply(p)
        alpha = rs / ((p * ap).sum(dim=(1, 2, 3), keepdim=True) + 1e-12)
        x = x + alpha * p
        r = r - alpha * ap
        rs_new = (r * r).sum(dim=(1, 2, 3), keepdim=True)
        p = r + rs_new / (rs + 1e-12) * p
        rs = rs_new
    return x


@MODELS.register_module()
class PEARLPropagation(nn.Module):
    """PEARL's text-aware propagation of class logits (github.com/PGSmall/PEARL, ``pearl/prop.py``
    ``TLP``), a ``refiner`` of :class:`OpenVocabEncoderDecoder`: called at the original image size
    with the image, the logits (one channel per text embedding) and the text embeddings.

    The cosine logits L (the head's logits divided by ``logit_scale``) are average-pooled to about
    ``grid`` cells per side, and ``(C + Lap) X = C L`` is solved by 25 conjugate-gradient steps from
    L, then upsampled (bilinear): C = ``max(p, 0.05)^2 (1 + agree)`` per pixel, p = softmax(L) over
    the channels, ``agree = sum_c S_cc p_c^2``; Lap is the 4-neighbour Laplacian whose edge weights
    are ``exp(-5 |grad gray| / mean |grad gray|)`` times ``1 + sum_c S_cc p_c p'_c`` (both pixels),
    clipped to [0, 1]. S is the row-softmax of the text cosines at temperature 0.5 plus 10 on the
    diagonal, rows renormalised. The official code contracts S as ``einsum('cc,bcij->bcij')``,
    which takes S's diagonal (not a product over the classes); so does this module.

    Args:
        grid (int): cells per side after pooling (official ``grid``: 80; Cityscapes 224). Defaults to 80.
        logit_scale (float): the decode head's logit scale, undone before and restored after the
            propagation (the official code propagates the cosines). Defaults to 40.0.
    """

    tau_s = 0.5
    diag_boost = 10.0
    edge_sharpness = 5.0
    iterations = 25
    eps = 1e-6

    def __init__(self, grid: int = 80, logit_scale: float = 40.0):
        super().__init__()
        self.grid = grid
        self.logit_scale = logit_scale

    def text_affinity(self, text_embeddings: Tensor) -> Tensor:
        """S (C, C) of the text embeddings (C, D)."""
        t = F.normalize(text_embeddings.float(), dim=-1)
        s = (t @ t.t() / max(self.tau_s, self.eps)).softmax(dim=1)
        s = s + self.diag_boost * torch.eye(s.shape[0], dtype=s.dtype, device=s.device)
        return s / (s.sum(dim=1, keepdim=True) + self.eps)

    def pool(self, size: Tuple[int, int]) -> Tuple[int, int]:
        return tuple(max(1, round(n / float(self.grid))) for n in size)

    def forward(self, image: Tensor, logits: Tensor, text_embeddings: Optional[Tensor] = None) -> Tensor:
        if text_embeddings is None:
            raise ValueError('PEARLPropagation needs the text embeddings of the logits\' channels')
        size, dtype = logits.shape[-2:], logits.dtype
        kernel = self.pool(size)
        cosines = logits.float() / self.logit_scale
        image = image.float()
        if kernel != (1, 1):
            image, cosines = (F.avg_pool2d(t, kernel, kernel, count_include_pad=False) for t in (image, cosines))
        diagonal = self.text_affinity(text_embeddings).diagonal().to(cosines)[None, :, None, None]
        probs = cosines.softmax(dim=1)
        agree = (diagonal * probs * probs).sum(dim=1, keepdim=True).clamp(0.0, 1.0)
        confidence = probs.amax(dim=1, keepdim=True).clamp_min(0.05)**2 * (1.0 + agree)
        gray = _gray(image)
        w_h, w_v = ((gray[..., 1:] - gray[..., :-1]).abs(), (gray[..., 1:, :] - gray[..., :-1, :]).abs())
        w_h = torch.exp(-self.edge_sharpness * w_h / (w_h.mean() + self.eps))
        w_v = torch.exp(-self.edge_sharpness * w_v / (w_v.mean() + self.eps))
        gain_h = (diagonal * probs[..., 1:] * probs[..., :-1]).sum(dim=1, keepdim=True).clamp(0.0, 1.0)
        gain_v = (diagonal * probs[..., 1:, :] * probs[..., :-1, :]).sum(dim=1, keepdim=True).clamp(0.0, 1.0)
        w_h, w_v = (w_h * (1.0 + gain_h)).clamp(0.0, 1.0), (w_v * (1.0 + gain_v)).clamp(0.0, 1.0)

        def apply(x):
            return confidence * x + _laplacian(x, w_h, w_v)

        solution = conjugate_gradient(apply, confidence * cosines, cosines, self.iterations)
        if kernel != (1, 1):
            solution = F.interpolate(solution, size=size, mode='bilinear', align_corners=False)
        return (solution * self.logit_scale).to(dtype)
