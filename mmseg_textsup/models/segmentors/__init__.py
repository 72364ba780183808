from .image_text_pretrainer import ImageTextPretrainer
from .open_vocab_encoder_decoder import OpenVocabEncoderDecoder, apply_background_rule

__all__ = ['ImageTextPretrainer', 'OpenVocabEncoderDecoder', 'apply_background_rule']
