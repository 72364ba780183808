"""The training-free methods: dense modes (SCLIP, ClearCLIP, NACLIP, PEARL; one file each, registered
in ``DENSE_MODES``), the towers of ProxyCLIP, SC-CLIP, ResCLIP and CASS, CASS's head and segmentor, and
the post-processing of NACLIP (PAMR) and PEARL."""
from .cass_head import CASSHead
from .cass_segmentor import CASSEncoderDecoder
from .cass_vision import CASSVision
from .clearclip import clearclip_tokens
from .naclip import naclip_tokens, neighbourhood_bias
from .pamr import PAMR, pamr
from .pearl import pearl_tokens, procrustes_attention
from .pearl_propagation import PEARLPropagation
from .proxy_clip_vision import ProxyCLIPVision, proxy_attention
from .resclip_vision import ResCLIPVision
from .sc_clip_vision import SCCLIPVision
from .sclip import sclip_tokens

__all__ = [
    'CASSEncoderDecoder', 'CASSHead', 'CASSVision', 'PAMR', 'PEARLPropagation', 'ProxyCLIPVision', 'ResCLIPVision',
    'SCCLIPVision', 'clearclip_tokens', 'naclip_tokens', 'neighbourhood_bias', 'pamr', 'pearl_tokens',
    'procrustes_attention', 'proxy_attention', 'sclip_tokens'
]
