from .class_check_hook import ClassCheckHook, label_value_problem, vocabulary_mismatch
from .export_clip_hook import ExportCLIPHook
from .skipped_samples_hook import SkippedSamplesHook

__all__ = ['ClassCheckHook', 'ExportCLIPHook', 'SkippedSamplesHook', 'label_value_problem', 'vocabulary_mismatch']
