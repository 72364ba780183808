from .hooks import ExportClipHook, SelfTrainingHook

__all__ = ['ExportClipHook', 'SelfTrainingHook']
