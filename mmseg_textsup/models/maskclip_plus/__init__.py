"""MaskCLIP+ (https://arxiv.org/abs/2112.01071, sec. 3.4): the student, its text classifier, the
self-training switch and transductive zero-shot evaluation."""
from .maskclip_plus import MaskCLIPPlus, merge_pseudo_labels, pseudo_labels
from .self_training_hook import SelfTrainingHook
from .text_embedding_classifier import TextEmbeddingClassifier
from .zero_shot_iou_metric import ZeroShotIoUMetric
from .zero_shot_splits import UNSEEN_CLASSES, class_indices, resolve_unseen

__all__ = [
    'MaskCLIPPlus', 'SelfTrainingHook', 'TextEmbeddingClassifier', 'UNSEEN_CLASSES', 'ZeroShotIoUMetric',
    'class_indices', 'merge_pseudo_labels', 'pseudo_labels', 'resolve_unseen'
]
