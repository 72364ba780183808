from .maskclip_zero_shot import MaskClipZeroShot
from .segclip_zero_shot import SegCLIPZeroShot
from .simseg_zero_shot import SimSegZeroShot, adaptive_class_selection
from .sseg_zero_shot import SSegZeroShot, combine_masks

__all__ = [
    'MaskClipZeroShot', 'SSegZeroShot', 'SegCLIPZeroShot', 'SimSegZeroShot', 'adaptive_class_selection', 'combine_masks'
]
