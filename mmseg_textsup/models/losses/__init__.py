from .clip_contrastive_loss import ClipContrastiveLoss, LearnableTemperature, symmetric_info_nce
from .gather import gather_with_grad

__all__ = ['ClipContrastiveLoss', 'LearnableTemperature', 'gather_with_grad', 'symmetric_info_nce']
