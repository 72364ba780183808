"""Build open_clip towers (and Hugging Face / timm ones) and load their weights."""
import importlib
import os.path as osp
from typing import Optional, Tuple

import timm
import torch
import transformers
from mmengine.logging import print_log
from open_clip.hf_model import HFTextEncoder
from open_clip.model import _build_text_tower, _build_vision_tower
from open_clip.timm_model import TimmModel

from .hub import get_clip_config, is_local_path, resolve_checkpoint, uses_quick_gelu
from .state_dicts import check_state_dict_fits, load_clip_state_dict, split_clip_state_dict


def build_towers(model_name: str,
                 vision: bool = True,
                 text: bool = True,
                 quick_gelu: bool = False,
                 norm_eps: Optional[float] = None) -> Tuple[Optional[torch.nn.Module], Optional[torch.nn.Module]]:
    """Build the randomly initialised vision and/or text tower of an open_clip architecture
    (``norm_eps``: the vision tower's LayerNorm epsilon instead of open_clip's 1e-5)."""
    cfg = get_clip_config(model_name)
    vision_cfg = cfg['vision_cfg'] if norm_eps is None else dict(cfg['vision_cfg'], norm_kwargs=dict(eps=norm_eps))
    visual = _build_vision_tower(cfg['embed_dim'], vision_cfg, quick_gelu) if vision else None
    if isinstance(visual, TimmModel):
        # the same trunk, accepting any input size (timm resamples its position embeddings)
        visual.trunk = timm.create_model(vision_cfg['timm_model_name'], num_classes=0,
                                         global_pool=vision_cfg.get('timm_pool', 'avg'), dynamic_img_size=True)
    txt = None
    if text and cfg['text_cfg'].get('hf_model_name'):
        txt = _build_hf_text_tower(cfg['embed_dim'], cfg['text_cfg'])
    elif text:
        txt = _build_text_tower(cfg['embed_dim'], cfg['text_cfg'], quick_gelu)
    return visual, txt


def _build_hf_text_tower(embed_dim: int, text_cfg: dict) -> HFTextEncoder:
    """open_clip's Hugging Face text tower, randomly initialised. Its architecture comes from
    the config's ``hf_config`` (``transformers.AutoConfig.for_model`` arguments), so that it builds
    offline; without one, from the hub's config of ``hf_model_name`` (a download)."""
    if text_cfg.get('hf_config'):
        hf_config = transformers.AutoConfig.for_model(**text_cfg['hf_config'])
    else:
        hf_config = transformers.AutoConfig.from_pretrained(text_cfg['hf_model_name'])
    tower = HFTextEncoder(text_cfg['hf_model_name'], output_dim=embed_dim, config=hf_config,
                          pooler_type=text_cfg.get('hf_pooler_type'), proj_type=text_cfg.get('hf_proj_type'))
    if hasattr(tower.transformer, 'pooler'):
        tower.transformer.pooler = None  # no pooling layer: [CLS] is read from the last hidden state
    return tower


def load_tower_weights(tower: torch.nn.Module, model_name: str, pretrained: str, part: str,
                       quick_gelu: Optional[bool]) -> None:
    """Load the ``part`` ('visual' or 'text') of a CLIP checkpoint into ``tower`` (strict).

    ``quick_gelu`` is the tower's own setting: None (decided from the architecture and tag)
    refuses an OpenAI TorchScript file the tower would run without QuickGELU; an explicit
    False is the user's choice (the official MaskCLIP configs run OpenAI weights with GELU).
    """
    path = resolve_checkpoint(model_name, pretrained)
    state_dict, is_openai = load_clip_state_dict(path)
    if is_openai and quick_gelu is None and not uses_quick_gelu(model_name, pretrained, None):
        raise ValueError(f'{path} is an OpenAI checkpoint trained with QuickGELU: set quick_gelu=True '
                         f'(or use pretrained="openai") for {model_name}.')
    visual, text = split_clip_state_dict(state_dict)
    sd = visual if part == 'visual' else text
    check_state_dict_fits(tower, sd, f'{path} ({part} tower of {model_name})')
    tower.load_state_dict(sd, strict=True)
    print_log(f'loaded the {part} tower of {model_name} from {path}', logger='current')


def load_timm_weights(model: torch.nn.Module, model_name: str, pretrained: str) -> None:
    """Load a timm model's weights: ``pretrained='timm'`` downloads timm's own weights for
    ``model_name`` (or takes them from the cache); otherwise a local checkpoint file (a timm
    state dict, or an official one that timm's checkpoint filter converts). Classifier heads
    are ignored; any other missing weight raises."""
    if pretrained == 'timm':
        state = timm.create_model(model_name, pretrained=True, num_classes=0).state_dict()
    else:
        if not osp.isfile(pretrained):
            raise FileNotFoundError(f'timm checkpoint not found: {pretrained}')
        state = torch.load(pretrained, map_location='cpu', weights_only=True)
        state = state.get('state_dict', state.get('model', state))
        filter_fn = getattr(importlib.import_module(type(model).__module__), 'checkpoint_filter_fn', None)
        if filter_fn is not None:  # timm's conversion of official checkpoints (e.g. DINO's)
            state = filter_fn(state, model)
    missing, _ = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.startswith('head')]
    if missing:
        raise ValueError(f'{pretrained}: weights missing for {missing[:5]}')
    print_log(f'loaded {model_name} weights from {pretrained}', logger='current')


def load_hf_weights(tower: HFTextEncoder, pretrained: str) -> None:
    """Load a Hugging Face text tower's transformer weights from a hub name (``'bert-base-uncased'``,
    downloaded or cached) or a local directory saved by ``save_pretrained``; the projection into
    the joint space keeps its initialisation, as in SimSeg's pre-training."""
    if is_local_path(pretrained) and not osp.isdir(pretrained):
        raise FileNotFoundError(f'Hugging Face model directory not found: {pretrained}')
    source = transformers.AutoModel.from_pretrained(pretrained, add_pooling_layer=False)
    check_state_dict_fits(tower.transformer, source.state_dict(), f'{pretrained} (Hugging Face text tower)')
    tower.transformer.load_state_dict(source.state_dict(), strict=True)
    print_log(f'loaded the text transformer from {pretrained}', logger='current')
