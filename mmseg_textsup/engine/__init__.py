from .hooks import ExportClipHook, SelfTrainingHook, SkippedSamplesHook
from .loops import AutocastTestLoop
from .runner import ChannelsLastRunner

__all__ = ['AutocastTestLoop', 'ChannelsLastRunner', 'ExportClipHook', 'SelfTrainingHook', 'SkippedSamplesHook']
