from .export_clip_hook import ExportCLIPHook
from .skipped_samples_hook import SkippedSamplesHook

__all__ = ['ExportCLIPHook', 'SkippedSamplesHook']
