from .clip_es import ClipES
from .image_text_pretrainer import ImageTextPretrainer
from .maskclip_plus import MaskClipPlus
from .open_vocab_encoder_decoder import OpenVocabEncoderDecoder
from .pseudo_mask_oracle import PseudoMaskOracle, oracle_labels
from .segclip_pretrainer import SegCLIPPretrainer
from .simseg_pretrainer import SimSegPretrainer
from .sseg_pretrainer import SSegPretrainer

__all__ = [
    'ClipES', 'ImageTextPretrainer', 'MaskClipPlus', 'OpenVocabEncoderDecoder', 'PseudoMaskOracle', 'SSegPretrainer',
    'SegCLIPPretrainer', 'SimSegPretrainer', 'oracle_labels'
]
