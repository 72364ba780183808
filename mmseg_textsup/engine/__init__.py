from .hooks import ChannelsLastHook, ExportClipHook, SelfTrainingHook, SkippedSamplesHook
from .loops import AutocastTestLoop

__all__ = ['AutocastTestLoop', 'ChannelsLastHook', 'ExportClipHook', 'SelfTrainingHook', 'SkippedSamplesHook']
