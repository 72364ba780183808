from .maskclip_head import MaskClipHead

__all__ = ['MaskClipHead']
