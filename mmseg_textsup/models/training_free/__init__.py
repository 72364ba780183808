"""The training-free methods: dense modes (SCLIP, ClearCLIP, NACLIP; one file each, registered
in ``DENSE_MODES``), the towers of ProxyCLIP and SC-CLIP, and NACLIP's post-processing (PAMR)."""
from .clearclip import clearclip_tokens
from .naclip import naclip_tokens, neighbourhood_bias
from .pamr import PAMR, pamr
from .proxy_clip_vision import ProxyCLIPVision, proxy_attention
from .sc_clip_vision import SCCLIPVision
from .sclip import sclip_tokens

__all__ = [
    'PAMR', 'ProxyCLIPVision', 'SCCLIPVision', 'clearclip_tokens', 'naclip_tokens', 'neighbourhood_bias', 'pamr',
    'proxy_attention', 'sclip_tokens'
]
