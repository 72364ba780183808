from .hooks import ExportClipHook, SelfTrainingHook, SkippedSamplesHook

__all__ = ['ExportClipHook', 'SelfTrainingHook', 'SkippedSamplesHook']
