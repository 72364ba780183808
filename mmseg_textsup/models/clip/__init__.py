"""open_clip towers for the package: names and hub access (``hub``), pure state-dict conversions
(``state_dicts``), tower building and weight loading (``towers``)."""
from .hub import get_clip_config, get_tokenizer, resolve_checkpoint, uses_quick_gelu
from .state_dicts import (check_state_dict_fits, clip_state_dict_of, load_clip_state_dict, split_clip_state_dict,
                          state_dict_mismatches)
from .towers import build_towers, load_hf_weights, load_timm_weights, load_tower_weights

__all__ = [
    'build_towers', 'check_state_dict_fits', 'clip_state_dict_of', 'get_clip_config', 'get_tokenizer',
    'load_clip_state_dict', 'load_hf_weights', 'load_timm_weights', 'load_tower_weights', 'resolve_checkpoint',
    'split_clip_state_dict', 'state_dict_mismatches', 'uses_quick_gelu'
]
