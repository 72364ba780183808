"""SimSeg (https://arxiv.org/abs/2303.16396): locality-driven alignment and its zero-shot inference."""
from .loda_loss import LoDALoss, max_response_pool
from .simseg_pretrainer import SimSegPretrainer
from .simseg_zero_shot import SimSegZeroShot, adaptive_class_selection

__all__ = ['LoDALoss', 'SimSegPretrainer', 'SimSegZeroShot', 'adaptive_class_selection', 'max_response_pool']
