from .loda_loss import LoDALoss, max_response_pool
from .simseg_pretrainer import SimSegPretrainer
from .simseg_zero_shot import SIMSEG_CRF, SimSegZeroShot, select_classes, simseg_crf_image

__all__ = [
    'LoDALoss', 'SIMSEG_CRF', 'SimSegPretrainer', 'SimSegZeroShot', 'max_response_pool', 'select_classes',
    'simseg_crf_image'
]
