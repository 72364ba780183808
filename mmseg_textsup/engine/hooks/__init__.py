from .export_clip_hook import ExportClipHook
from .self_training_hook import SelfTrainingHook
from .skipped_samples_hook import SkippedSamplesHook

__all__ = ['ExportClipHook', 'SelfTrainingHook', 'SkippedSamplesHook']
