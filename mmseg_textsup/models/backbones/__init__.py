from .dense_modes import DENSE_MODES, build_dense_mode, qkv
from .open_clip_vision import OpenCLIPVision
from .timm_vit_tokens import TimmViTTokens

__all__ = ['DENSE_MODES', 'OpenCLIPVision', 'TimmViTTokens', 'build_dense_mode', 'qkv']
