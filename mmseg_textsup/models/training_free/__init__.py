"""The training-free methods: dense modes (SCLIP, ClearCLIP, NACLIP; one file each, registered
in ``DENSE_MODES``), ProxyCLIP's tower and NACLIP's post-processing (PAMR)."""
from .clearclip import clearclip_tokens
from .naclip import naclip_tokens, neighbourhood_bias
from .pamr import PAMR, pamr
from .proxy_clip_vision import ProxyCLIPVision, proxy_attention
from .sclip import sclip_tokens

__all__ = [
    'PAMR', 'ProxyCLIPVision', 'clearclip_tokens', 'naclip_tokens', 'neighbourhood_bias', 'pamr', 'proxy_attention',
    'sclip_tokens'
]
