from .maskclip_zero_shot import MaskClipZeroShot

__all__ = ['MaskClipZeroShot']
