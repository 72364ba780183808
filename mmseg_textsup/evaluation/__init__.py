from .zero_shot_iou_metric import ZeroShotIoUMetric

__all__ = ['ZeroShotIoUMetric']
