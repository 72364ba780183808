from .export_clip_hook import ExportClipHook

__all__ = ['ExportClipHook']
