"""Fully connected CRF (Krähenbühl & Koltun, 2011) on pydensecrf2, shared by CLIP-ES and SimSeg."""
import numpy as np

UNARIES = ('softmax_float16', 'log_eps')


def crf_unary(probs: np.ndarray, unary: str) -> np.ndarray:
    """The unary energy (K, H * W) float32 of probabilities (K, H, W), as an official code computes it.

    ``'softmax_float16'``: pydensecrf's ``unary_from_softmax`` (``-log(max(p, 1e-5))``) on the
    probabilities rounded to float16, so the log is taken in float16: CLIP-ES's
    ``eval_cam_with_crf.py`` reads the float16 CAM files and hands them on unconverted.
    ``'log_eps'``: ``-log(p + 1e-8)`` in float32, SimSeg's ``seg_evaluation.py``.
    """
    if unary == 'softmax_float16':
        from pydensecrf.utils import unary_from_softmax
        return unary_from_softmax(probs.astype(np.float16))  # clip 1e-5, the log in float16, then float32
    if unary == 'log_eps':
        return (-np.log(probs.astype(np.float32) + np.float32(1e-8))).reshape(probs.shape[0], -1)
    raise ValueError(f'unary must be one of {UNARIES}, got {unary!r}')


def dense_crf(image: np.ndarray,
              probs: np.ndarray,
              unary: str = 'softmax_float16',
              iterations: int = 10,
              gaussian_sxy: float = 1.0,
              gaussian_compat: float = 3.0,
              bilateral_sxy: float = 67.0,
              bilateral_srgb: float = 3.0,
              bilateral_compat: float = 4.0) -> np.ndarray:
    """Refine per-pixel class probabilities with a dense CRF.

    Defaults are CLIP-ES's (10 iterations, Gaussian 1/3, bilateral 67/3/4); SimSeg uses
    3 iterations, Gaussian 3/3, bilateral 40/13/10.

    Args:
        image (np.ndarray): RGB image (H, W, 3), uint8.
        probs (np.ndarray): class probabilities (K, H, W), K >= 2, in [0, 1]; they need not
            sum to 1 (CLIP-ES passes raw scores): the unary is -log p, and a factor common to a
            pixel's labels does not change the mean-field result.
        unary (str): how -log p is computed (:func:`crf_unary`): ``'softmax_float16'``
            (CLIP-ES, the default) or ``'log_eps'`` (SimSeg).
        iterations (int): mean-field iterations.
        gaussian_sxy (float), gaussian_compat (float): smoothness kernel.
        bilateral_sxy (float), bilateral_srgb (float), bilateral_compat (float): appearance kernel.

    Returns:
        np.ndarray: refined probabilities (K, H, W), float32.
    """
    try:
        import pydensecrf.densecrf as dcrf
    except ImportError as e:  # pragma: no cover - a declared runtime dependency
        raise ImportError('the dense CRF needs pydensecrf2: pip install pydensecrf2') from e
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f'image must be (H, W, 3) uint8 RGB, got {image.shape} {image.dtype}')
    k, h, w = probs.shape
    if (h, w) != image.shape[:2]:
        raise ValueError(f'probabilities {probs.shape[1:]} and image {image.shape[:2]} differ in size')
    energy = np.ascontiguousarray(crf_unary(probs, unary))  # checked before the CRF is built
    crf = dcrf.DenseCRF2D(w, h, k)
    crf.setUnaryEnergy(energy)
    crf.addPairwiseGaussian(sxy=gaussian_sxy, compat=gaussian_compat)
    crf.addPairwiseBilateral(sxy=bilateral_sxy, srgb=bilateral_srgb, rgbim=np.ascontiguousarray(image),
                             compat=bilateral_compat)
    return np.asarray(crf.inference(iterations), dtype=np.float32).reshape(k, h, w)
