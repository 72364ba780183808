from .loading import (build_towers, get_clip_config, load_clip_state_dict, load_tower_weights, resolve_checkpoint,
                      split_clip_state_dict)

__all__ = [
    'build_towers', 'get_clip_config', 'load_clip_state_dict', 'load_tower_weights', 'resolve_checkpoint',
    'split_clip_state_dict'
]
