from .image_text_pretrainer import ImageTextPretrainer
from .open_vocab_encoder_decoder import OpenVocabEncoderDecoder

__all__ = ['ImageTextPretrainer', 'OpenVocabEncoderDecoder']
