from .open_vocab import (OpenVocabResult, build_open_vocab_model, inference_pipeline, model_class_names,
                         parse_class_list, segment_image, set_classes)
from .towers import clip_tower_keys, clip_tower_options
from .visualize import label_png, overlay_with_legend, palette_for, score_map

__all__ = [
    'OpenVocabResult', 'build_open_vocab_model', 'inference_pipeline', 'label_png', 'model_class_names',
    'overlay_with_legend', 'palette_for', 'parse_class_list', 'score_map', 'segment_image',
    'set_classes', 'clip_tower_keys', 'clip_tower_options'
]
