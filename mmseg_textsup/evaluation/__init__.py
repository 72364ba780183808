from .pseudo_label_writer import PseudoLabelWriter
from .zero_shot_iou_metric import ZeroShotIoUMetric

__all__ = ['PseudoLabelWriter', 'ZeroShotIoUMetric']
