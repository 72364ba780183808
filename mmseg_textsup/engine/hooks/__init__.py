from .export_clip_hook import ExportClipHook
from .self_training_hook import SelfTrainingHook

__all__ = ['ExportClipHook', 'SelfTrainingHook']
