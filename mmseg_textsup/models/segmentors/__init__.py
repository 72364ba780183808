from .clip_es import ClipES
from .image_text_pretrainer import ImageTextPretrainer
from .maskclip_plus import MaskClipPlus
from .open_vocab_encoder_decoder import OpenVocabEncoderDecoder
from .simseg_pretrainer import SimSegPretrainer

__all__ = ['ClipES', 'ImageTextPretrainer', 'MaskClipPlus', 'OpenVocabEncoderDecoder', 'SimSegPretrainer']
