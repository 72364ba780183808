"""MaskCLIP (https://arxiv.org/abs/2112.01071): the training-free head, its zero-shot read-out and the
image corruptions of its robustness study."""
from .corrupt import MASKCLIP_CORRUPTIONS, Corrupt
from .maskclip_head import MaskCLIPHead, key_smoothing, maskclip_logits, prompt_denoising
from .maskclip_zero_shot import MaskCLIPZeroShot

__all__ = [
    'Corrupt', 'MASKCLIP_CORRUPTIONS', 'MaskCLIPHead', 'MaskCLIPZeroShot', 'key_smoothing', 'maskclip_logits',
    'prompt_denoising'
]
