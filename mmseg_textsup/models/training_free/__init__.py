"""The training-free methods: dense modes (SCLIP, ClearCLIP, NACLIP, PEARL; one file each, registered
in ``DENSE_MODES``), the towers of ProxyCLIP, SC-CLIP, ResCLIP and CASS, CASS's head and segmentor,
Trident's segmentor, guides (SAM; a CLIP tower on the toy) and SAM refinement, and the post-processing
of NACLIP (PAMR) and PEARL."""
from .cass_head import CASSHead
from .cass_segmentor import CASSEncoderDecoder
from .cass_vision import CASSVision
from .clearclip import clearclip_tokens
from .clip_guidance import CLIPGuidance
from .naclip import naclip_tokens, neighbourhood_bias
from .pamr import PAMR, pamr
from .pearl import pearl_tokens, procrustes_attention
from .pearl_propagation import PEARLPropagation
from .proxy_clip_vision import ProxyCLIPVision, proxy_attention
from .resclip_vision import ResCLIPVision
from .sam_guidance import SAMGuidance, guidance_weights
from .sam_refinement import connected_regions, sam_refinement
from .sc_clip_vision import SCCLIPVision
from .sclip import sclip_tokens
from .trident_segmentor import TridentEncoderDecoder, trident_resize, window_boxes

__all__ = [
    'CASSEncoderDecoder', 'CASSHead', 'CASSVision', 'CLIPGuidance', 'PAMR', 'PEARLPropagation', 'ProxyCLIPVision',
    'ResCLIPVision', 'SAMGuidance', 'SCCLIPVision', 'TridentEncoderDecoder', 'clearclip_tokens', 'connected_regions',
    'guidance_weights', 'naclip_tokens', 'neighbourhood_bias', 'pamr', 'pearl_tokens', 'procrustes_attention',
    'proxy_attention', 'sam_refinement', 'sclip_tokens', 'trident_resize', 'window_boxes'
]
