from .open_clip_vision import OpenCLIPVision
from .segclip_vision import SegCLIPVision
from .sseg_mask_former import SSegMaskFormer
from .timm_vit_tokens import TimmViTTokens

__all__ = ['OpenCLIPVision', 'SSegMaskFormer', 'SegCLIPVision', 'TimmViTTokens']
