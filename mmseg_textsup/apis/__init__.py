from .open_vocab import OpenVocabResult, build_open_vocab_model, palette_for, parse_class_list, segment_image

__all__ = ['OpenVocabResult', 'build_open_vocab_model', 'palette_for', 'parse_class_list', 'segment_image']
