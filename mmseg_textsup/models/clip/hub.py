"""open_clip architecture names, tokenizers, and weights by tag or local file (hub access).

Weights are chosen by ``(model_name, pretrained)`` where ``pretrained`` is ``None`` (random
initialisation, nothing touches the network), an open_clip tag such as ``'openai'`` or
``'laion2b_s34b_b88k'`` (downloaded into open_clip's cache), or a local file (an OpenAI
TorchScript ``.pt``, an open_clip state dict ``.pt/.pth/.bin`` or a ``.safetensors`` file).
The package's tiny test architectures (``model_configs/``) are added to open_clip's registry here.
"""
import os
import os.path as osp
import socket
from typing import Optional, Tuple
from urllib.parse import urlparse

import open_clip
from open_clip import pretrained as open_clip_pretrained
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
    if is_local_path(hf_tokenizer) and not osp.isdir(hf_tokenizer):
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
    if pretrained and not is_local_path(pretrained):
        return bool(open_clip.get_pretrained_cfg(model_name, pretrained).get('quick_gelu', False))
    return False


def is_local_path(pretrained: str) -> bool:
    return os.sep in pretrained or pretrained.endswith(('.pt', '.pth', '.bin', '.safetensors'))


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
    if is_local_path(pretrained) or osp.isfile(pretrained):
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
