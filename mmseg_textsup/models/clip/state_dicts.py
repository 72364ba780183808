"""Pure conversions of CLIP state dicts (as timm's ``checkpoint_filter_fn``) and fit checks."""
import zipfile
from typing import Dict, Tuple

import torch
from open_clip import factory as open_clip_factory


def _is_torchscript(path: str) -> bool:
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as zf:
        return any(name.endswith('constants.pkl') for name in zf.namelist())


def load_clip_state_dict(path: str) -> Tuple[Dict[str, torch.Tensor], bool]:
    """Read a CLIP checkpoint into open_clip's ``CLIP`` key layout.

    Returns:
        tuple: the state dict and whether the file was an OpenAI TorchScript archive
        (those weights need QuickGELU).
    """
    if _is_torchscript(path):
        state_dict = torch.jit.load(path, map_location='cpu').state_dict()
        for key in ('input_resolution', 'context_length', 'vocab_size'):
            state_dict.pop(key, None)
        return dict(state_dict), True
    return open_clip_factory.load_state_dict(path, weights_only=True), False


#: Where this package's models keep CLIP towers: the image tower is ``backbone``, the text tower
#: that of the classifier ``text_encoder`` (the decode head's in an encoder-decoder).
_VISUAL_PREFIX = 'backbone.visual.'
_TEXT_PREFIXES = ('text_encoder.tower.text.', 'decode_head.text_encoder.tower.text.')


def split_clip_state_dict(state_dict: Dict[str, torch.Tensor]) -> Tuple[dict, dict]:
    """Split a CLIP state dict into ``(visual, text)`` tower state dicts.

    Understands open_clip / OpenAI layouts (standard CLIP keeps text weights at the top
    level, ``CustomTextCLIP`` under ``text.``) and checkpoints of this package's models.
    """
    if any(k.startswith(_VISUAL_PREFIX) for k in state_dict):
        visual = {k[len(_VISUAL_PREFIX):]: v for k, v in state_dict.items() if k.startswith(_VISUAL_PREFIX)}
        text = {}
        for prefix in _TEXT_PREFIXES:
            text.update({k[len(prefix):]: v for k, v in state_dict.items() if k.startswith(prefix)})
        return visual, text
    visual, text = {}, {}
    for key, value in state_dict.items():
        if key.startswith('visual.'):
            visual[key[len('visual.'):]] = value
        elif key.startswith('text.'):
            text[key[len('text.'):]] = value
        elif not key.startswith('logit_'):
            text[key] = value
    return visual, text


def clip_state_dict_of(model: torch.nn.Module) -> Dict[str, torch.Tensor]:
    """open_clip ``CLIP`` state dict of a model of this package holding CLIP towers."""
    text = model.text_encoder.tower.text
    out = {f'visual.{k}': v.detach().cpu() for k, v in model.backbone.visual.state_dict().items()}
    out.update({k: v.detach().cpu() for k, v in text.state_dict().items()})
    if hasattr(model, 'logit_scale'):
        out['logit_scale'] = model.logit_scale().detach().cpu().log()
    return out


def state_dict_mismatches(module: torch.nn.Module, state_dict: Dict[str, torch.Tensor]):
    """(missing keys, unexpected keys, shape mismatches) of ``state_dict`` against ``module``."""
    own = module.state_dict()
    missing = sorted(set(own) - set(state_dict))
    unexpected = sorted(set(state_dict) - set(own))
    shapes = sorted(f'{k}: checkpoint {tuple(state_dict[k].shape)} vs model {tuple(v.shape)}'
                    for k, v in own.items() if k in state_dict and state_dict[k].shape != v.shape)
    return missing, unexpected, shapes


def check_state_dict_fits(module: torch.nn.Module, state_dict: Dict[str, torch.Tensor], source: str) -> None:
    """Raise ``KeyError`` listing missing, unexpected and wrongly shaped keys, if any."""
    missing, unexpected, shapes = state_dict_mismatches(module, state_dict)
    if missing or unexpected or shapes:
        raise KeyError(f'{source} does not fit: missing keys {missing}, unexpected keys {unexpected}, '
                       f'shape mismatches {shapes}. Is this checkpoint for another architecture?')
