"""Build open_clip towers and load CLIP weights from a tag or a local file.

The plugin never vendors CLIP: architectures, tokenizers and weights come from open_clip.
Weights are chosen by ``(model_name, pretrained)`` where ``pretrained`` is ``None``
(random initialisation, nothing touches the network), an open_clip tag such as
``'openai'`` or ``'laion2b_s34b_b88k'`` (downloaded into open_clip's cache), or a local
file (an OpenAI TorchScript ``.pt``, an open_clip state dict ``.pt/.pth/.bin`` or a
``.safetensors`` file).
"""
import importlib
import os
import os.path as osp
import socket
import zipfile
from typing import Dict, Optional, Tuple
from urllib.parse import urlparse

import open_clip
import timm
import torch
import transformers
from mmengine.logging import print_log
from open_clip import factory as open_clip_factory
from open_clip import pretrained as open_clip_pretrained
from open_clip.hf_model import HFTextEncoder
from open_clip.model import _build_text_tower, _build_vision_tower
from open_clip.timm_model import TimmModel
from open_clip.tokenizer import HFTokenizer

_CONFIG_DIR = osp.join(osp.dirname(__file__), 'model_configs')
open_clip.add_model_config(_CONFIG_DIR)


def get_clip_config(model_name: str) -> dict:
    """Return open_clip's architecture config, or raise naming the known architectures."""
    cfg = open_clip.get_model_config(model_name)
    if cfg is None:
        known = ', '.join(open_clip.list_models())
        raise ValueError(f'Unknown open_clip architecture {model_name!r}. Known: {known}')
    return cfg


def get_tokenizer(model_name: str, hf_tokenizer: Optional[str] = None, context_length: Optional[int] = None):
    """open_clip's tokenizer of ``model_name``, or, for an architecture with a Hugging Face text
    tower, ``hf_tokenizer``: a tokenizer name or local directory replacing the architecture's
    (e.g. a copy of ``bert-base-uncased`` on a machine without internet access)."""
    if hf_tokenizer is None:
        return open_clip.get_tokenizer(model_name, context_length=context_length)
    text_cfg = get_clip_config(model_name)['text_cfg']
    if not text_cfg.get('hf_model_name'):
        raise ValueError(f'hf_tokenizer is given, but {model_name!r} has no Hugging Face text tower.')
    if _is_local_path(hf_tokenizer) and not osp.isdir(hf_tokenizer):
        hint = ' (write it with tools/dataset_converters/write_toy_world.py)' if 'toy' in hf_tokenizer else ''
        raise FileNotFoundError(f'Hugging Face tokenizer directory not found: {hf_tokenizer}{hint}')
    return HFTokenizer(hf_tokenizer, context_length=context_length or text_cfg['context_length'])


def uses_quick_gelu(model_name: str, pretrained: Optional[str], quick_gelu: Optional[bool]) -> bool:
    """Whether the towers must use QuickGELU.

    OpenAI weights were trained with QuickGELU; open_clip records this in the pretrained
    config of each tag (and in ``-quickgelu`` architecture names). An explicit
    ``quick_gelu`` wins.
    """
    if quick_gelu is not None:
        return quick_gelu
    cfg = get_clip_config(model_name)
    if cfg.get('quick_gelu', False):
        return True
    if pretrained and not _is_local_path(pretrained):
        return bool(open_clip.get_pretrained_cfg(model_name, pretrained).get('quick_gelu', False))
    return False


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
    if _is_local_path(pretrained) and not osp.isdir(pretrained):
        raise FileNotFoundError(f'Hugging Face model directory not found: {pretrained}')
    source = transformers.AutoModel.from_pretrained(pretrained, add_pooling_layer=False)
    check_state_dict_fits(tower.transformer, source.state_dict(), f'{pretrained} (Hugging Face text tower)')
    tower.transformer.load_state_dict(source.state_dict(), strict=True)
    print_log(f'loaded the text transformer from {pretrained}', logger='current')


def _is_local_path(pretrained: str) -> bool:
    return os.sep in pretrained or pretrained.endswith(('.pt', '.pth', '.bin', '.safetensors'))


def _is_torchscript(path: str) -> bool:
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as zf:
        return any(name.endswith('constants.pkl') for name in zf.namelist())


def _hub_file(cfg: dict) -> Tuple[str, Optional[str]]:
    """The host open_clip downloads ``cfg``'s weights from, and the file if it is cached already."""
    if cfg.get('hf_hub') and open_clip_pretrained.has_hf_hub():
        from huggingface_hub import constants, try_to_load_from_cache
        model_id, filename = os.path.split(cfg['hf_hub'])
        filename = filename or open_clip_pretrained.HF_WEIGHTS_NAME
        for name in (*open_clip_pretrained._get_safe_alternatives(filename), filename):
            cached = try_to_load_from_cache(model_id, name)
            if isinstance(cached, str):
                return urlparse(constants.ENDPOINT).hostname, cached
        return urlparse(constants.ENDPOINT).hostname, None
    cached = osp.join(osp.expanduser('~/.cache/clip'), osp.basename(cfg['url']))  # open_clip's URL cache
    return urlparse(cfg['url']).hostname, cached if osp.isfile(cached) else None


def _offline_reason(host: str) -> Optional[str]:
    """Why ``host`` cannot serve a download right now (offline mode, no route), or None.

    A download from an unreachable hub otherwise spends ~50 s in retries before it fails.
    """
    flags = (os.environ.get(k, '').lower() for k in ('HF_HUB_OFFLINE', 'TRANSFORMERS_OFFLINE'))
    if any(f in ('1', 'true', 'yes', 'on') for f in flags):
        return 'offline mode is set (HF_HUB_OFFLINE)'
    try:
        socket.create_connection((host, 443), timeout=3).close()
    except OSError as exc:
        return f'{host} is unreachable ({exc})'
    return None


def resolve_checkpoint(model_name: str, pretrained: str) -> str:
    """Turn ``pretrained`` (a tag or a path) into a local checkpoint file.

    Raises:
        FileNotFoundError: a local path that does not exist.
        ValueError: an unknown tag for ``model_name``.
        RuntimeError: a tag whose weights are not cached and cannot be downloaded (no
            network: raised within seconds).
    """
    if _is_local_path(pretrained) or osp.isfile(pretrained):
        if not osp.isfile(pretrained):
            raise FileNotFoundError(f'CLIP checkpoint file not found: {pretrained}')
        return pretrained
    get_clip_config(model_name)
    cfg = open_clip.get_pretrained_cfg(model_name, pretrained)
    if not cfg:
        tags = open_clip.list_pretrained_tags_by_model(model_name)
        raise ValueError(f'Unknown open_clip tag {pretrained!r} for {model_name!r}. '
                         f'Known tags: {tags or "none (no published weights)"}. '
                         'Pass a local checkpoint path instead if you have one.')
    host, cached = _hub_file(cfg)
    if cached:
        return cached
    reason = _offline_reason(host)
    try:
        if reason:
            raise ConnectionError(reason)
        path = open_clip.download_pretrained(cfg)
    except Exception as exc:  # network errors come in many types (urllib, requests, hf_hub)
        raise RuntimeError(
            f'Could not download open_clip weights {model_name}/{pretrained}: {exc}. '
            'On a machine without internet access, download the checkpoint elsewhere '
            '(open_clip.create_model_and_transforms(model_name, pretrained=tag) fills '
            'the open_clip cache) and pass its local path as pretrained=...') from exc
    if not path:
        raise RuntimeError(f'open_clip returned no file for {model_name}/{pretrained}.')
    return path


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


#: Where this package's models keep CLIP towers: (visual prefix, text prefix).
_WRAPPER_PREFIXES = (
    ('image_encoder.visual.', 'text_encoder.tower.text.'),  # ImageTextPretrainer
    ('backbone.visual.', 'decode_head.text_encoder.tower.text.'),  # OpenVocabEncoderDecoder
)


def split_clip_state_dict(state_dict: Dict[str, torch.Tensor]) -> Tuple[dict, dict]:
    """Split a CLIP state dict into ``(visual, text)`` tower state dicts.

    Understands open_clip / OpenAI layouts (standard CLIP keeps text weights at the top
    level, ``CustomTextCLIP`` under ``text.``) and checkpoints of this package's models.
    """
    for vis_prefix, txt_prefix in _WRAPPER_PREFIXES:
        if any(k.startswith(vis_prefix) for k in state_dict):
            visual = {k[len(vis_prefix):]: v for k, v in state_dict.items() if k.startswith(vis_prefix)}
            text = {k[len(txt_prefix):]: v for k, v in state_dict.items() if k.startswith(txt_prefix)}
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
    visual = model.image_encoder.visual if hasattr(model, 'image_encoder') else model.backbone.visual
    classifier = model.text_encoder if hasattr(model, 'text_encoder') else model.decode_head.text_encoder
    text = classifier.tower.text
    out = {f'visual.{k}': v.detach().cpu() for k, v in visual.state_dict().items()}
    out.update({k: v.detach().cpu() for k, v in text.state_dict().items()})
    if hasattr(model, 'logit_scale'):
        out['logit_scale'] = model.logit_scale().detach().cpu().log()
    return out


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
