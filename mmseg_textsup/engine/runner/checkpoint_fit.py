"""Refuse a checkpoint that does not fit the model before evaluating (MMEngine only warns)."""
from typing import Dict

import torch
from mmengine.logging import print_log

from ...models.clip import state_dict_mismatches


def read_state_dict(path: str) -> Dict[str, torch.Tensor]:
    """The model weights of an MMEngine checkpoint (``weights_only`` with the package's
    allow-list) or of a ``.safetensors`` file."""
    if path.endswith('.safetensors'):
        from safetensors.torch import load_file
        return load_file(path, device='cpu')
    checkpoint = torch.load(path, map_location='cpu')
    return checkpoint.get('state_dict', checkpoint)


def check_checkpoint_fits(model: torch.nn.Module, path: str) -> None:
    """Raise ``ValueError`` when ``path`` misses weights of ``model`` or has other shapes.

    MMEngine loads non-strictly and only logs mismatches, so a checkpoint trained with another
    vocabulary size (a different classifier shape) or another architecture would be evaluated
    with partly random weights. Extra checkpoint keys (e.g. a saved teacher) are only logged.
    """
    missing, unexpected, shapes = state_dict_mismatches(model, read_state_dict(path))
    if missing or shapes:
        raise ValueError(f'{path} does not fit the model of this config: shape mismatches {shapes[:10]}, '
                         f'missing keys {missing[:10]} ({len(missing)} in all). A classifier trained for another '
                         'number of classes, or a checkpoint of another architecture?')
    if unexpected:
        print_log(f'{path}: {len(unexpected)} checkpoint keys are not used by the model (e.g. {unexpected[:3]})',
                  'current', level=30)
