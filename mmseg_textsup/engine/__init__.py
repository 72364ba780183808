from .hooks import ExportCLIPHook, SkippedSamplesHook
from .loops import AutocastTestLoop
from .runner import ChannelsLastRunner

__all__ = ['AutocastTestLoop', 'ChannelsLastRunner', 'ExportCLIPHook', 'SkippedSamplesHook']
