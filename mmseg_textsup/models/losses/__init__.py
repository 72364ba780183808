from .clip_contrastive_loss import ClipContrastiveLoss, symmetric_info_nce
from .gather import gather_with_grad
from .learnable_temperature import LearnableTemperature

__all__ = ['ClipContrastiveLoss', 'LearnableTemperature', 'gather_with_grad', 'symmetric_info_nce']
