from .clip_contrastive_loss import CLIPContrastiveLoss
from .learnable_temperature import LearnableTemperature

__all__ = ['CLIPContrastiveLoss', 'LearnableTemperature']
