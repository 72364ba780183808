from .clip_contrastive_loss import ClipContrastiveLoss, symmetric_info_nce
from .gather import gather_with_grad
from .learnable_temperature import LearnableTemperature
from .loda_loss import LoDALoss, max_response_pool

__all__ = [
    'ClipContrastiveLoss', 'LearnableTemperature', 'LoDALoss', 'gather_with_grad', 'max_response_pool',
    'symmetric_info_nce'
]
