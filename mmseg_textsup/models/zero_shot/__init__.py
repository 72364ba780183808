from .maskclip_zero_shot import MaskClipZeroShot
from .simseg_zero_shot import SimSegZeroShot, adaptive_class_selection

__all__ = ['MaskClipZeroShot', 'SimSegZeroShot', 'adaptive_class_selection']
