from .open_clip_vision import VIT_DENSE_MODES, OpenCLIPVision
from .timm_vit_tokens import TimmViTTokens

__all__ = ['OpenCLIPVision', 'TimmViTTokens', 'VIT_DENSE_MODES']
