from .open_clip_vision import VIT_DENSE_MODES, OpenCLIPVision
from .proxy_clip_vision import ProxyCLIPVision, proxy_attention
from .timm_vit_tokens import TimmViTTokens

__all__ = ['OpenCLIPVision', 'ProxyCLIPVision', 'TimmViTTokens', 'VIT_DENSE_MODES', 'proxy_attention']
