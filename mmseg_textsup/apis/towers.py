"""Swap the CLIP towers of a config (architecture and weights) from a command line."""
from typing import Dict, Optional, Union

from mmengine.config import Config

# towers configured by ``model_name`` that are not open_clip models (DINO through timm)
NON_CLIP_TOWERS = ('TimmViTTokens', )


def clip_tower_keys(config: Union[str, Config]) -> list:
    """The ``model.*`` keys of every open_clip tower of a config (dicts with a ``model_name``)."""
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    keys = []

    def walk(node, prefix):
        if isinstance(node, dict):
            if 'model_name' in node and node.get('type') not in NON_CLIP_TOWERS:
                keys.append(prefix)
            for k, v in node.items():
                walk(v, f'{prefix}.{k}')
        elif isinstance(node, (list, tuple)):
            for i, v in enumerate(node):
                walk(v, f'{prefix}.{i}')

    walk(cfg.model.to_dict(), 'model')
    return keys


def clip_tower_options(config: Union[str, Config], model_name: Optional[str] = None,
                       pretrained: Optional[str] = None) -> Dict[str, Optional[str]]:
    """``--cfg-options`` giving every CLIP tower of ``config`` the architecture ``model_name``
    and the weights ``pretrained`` (an open_clip tag or a local file; ``'none'``: random)."""
    options = {}
    for key in clip_tower_keys(config):
        if model_name:
            options[f'{key}.model_name'] = model_name
        if pretrained:
            options[f'{key}.pretrained'] = None if pretrained.lower() == 'none' else pretrained
    return options
