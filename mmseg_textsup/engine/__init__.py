from .hooks import ExportClipHook, SelfTrainingHook, SkippedSamplesHook
from .loops import AutocastTestLoop

__all__ = ['AutocastTestLoop', 'ExportClipHook', 'SelfTrainingHook', 'SkippedSamplesHook']
