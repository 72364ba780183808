from .hooks import ExportClipHook

__all__ = ['ExportClipHook']
