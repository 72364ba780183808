"""Images back from a normalised batch (for CRFs and visualisation)."""
import numpy as np
import torch
from torch import Tensor


def to_uint8_rgb(inputs: Tensor, data_preprocessor) -> np.ndarray:
    """Undo the data preprocessor's normalisation: (B, 3, H, W) -> (B, H, W, 3) uint8 (RGB when
    the preprocessor converted BGR to RGB, as every config here does)."""
    x = inputs.float()
    if getattr(data_preprocessor, '_enable_normalize', False):
        x = x * data_preprocessor.std + data_preprocessor.mean
    return x.clamp(0, 255).round().to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()
