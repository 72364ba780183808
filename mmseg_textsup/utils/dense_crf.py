"""Fully connected CRF (Krähenbühl & Koltun, 2011) on pydensecrf2, shared by CLIP-ES and SimSeg."""
import numpy as np


def dense_crf(image: np.ndarray,
              probs: np.ndarray,
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
        iterations (int): mean-field iterations.
        gaussian_sxy (float), gaussian_compat (float): smoothness kernel.
        bilateral_sxy (float), bilateral_srgb (float), bilateral_compat (float): appearance kernel.

    Returns:
        np.ndarray: refined probabilities (K, H, W), float32.
    """
    try:
        import pydensecrf.densecrf as dcrf
        from pydensecrf.utils import unary_from_softmax
    except ImportError as e:  # pragma: no cover - a declared runtime dependency
        raise ImportError('the dense CRF needs pydensecrf2: pip install pydensecrf2') from e
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f'image must be (H, W, 3) uint8 RGB, got {image.shape} {image.dtype}')
    k, h, w = probs.shape
    if (h, w) != image.shape[:2]:
        raise ValueError(f'probabilities {probs.shape[1:]} and image {image.shape[:2]} differ in size')
    crf = dcrf.DenseCRF2D(w, h, k)
    crf.setUnaryEnergy(np.ascontiguousarray(unary_from_softmax(probs.astype(np.float32), clip=1e-5)))
    crf.addPairwiseGaussian(sxy=gaussian_sxy, compat=gaussian_compat)
    crf.addPairwiseBilateral(sxy=bilateral_sxy, srgb=bilateral_srgb, rgbim=np.ascontiguousarray(image),
                             compat=bilateral_compat)
    return np.asarray(crf.inference(iterations), dtype=np.float32).reshape(k, h, w)
