"""Class embeddings kept on disk between runs, per (tower weights, vocabulary, templates, fusion).

A VOC21 run with SCLIP's class file embeds 56 names x 80 templates = 4,480 prompts before its first
image (minutes on a CPU), and a benchmark table repeats that for every method and benchmark that
share a tower. A frozen tower's embeddings are a function of its weights and the prompts, so they
are computed once and read back: the key hashes every weight of the text tower (its bytes), the
vocabulary, the templates, the fusion, the batch size, the dtype and the device type.

The folder is ``$MMSEG_TEXTSUP_CACHE_DIR`` (an empty value turns the cache off), else
``~/.cache/mmseg_textsup/text_embeddings``. Files are written atomically, so parallel runs and
processes of one job share it safely.
"""
import hashlib
import os
import os.path as osp
from typing import Optional, Tuple

import torch
from mmengine.logging import print_log
from torch import nn

from ...utils import save_atomically


def embedding_cache_dir() -> Optional[str]:
    """The cache folder, or None when ``MMSEG_TEXTSUP_CACHE_DIR`` is set empty."""
    folder = os.environ.get('MMSEG_TEXTSUP_CACHE_DIR')
    if folder is None:
        return osp.join(osp.expanduser('~'), '.cache', 'mmseg_textsup', 'text_embeddings')
    return folder or None


def embedding_key(tower: nn.Module, *settings) -> str:
    """A hash of every weight of ``tower`` (names, dtypes, shapes, bytes) and ``settings`` (their repr)."""
    digest = hashlib.blake2b(repr((type(tower).__name__, settings)).encode(), digest_size=20)
    for name, tensor in tower.state_dict().items():
        tensor = tensor.detach().cpu().contiguous()
        digest.update(f'{name}:{tensor.dtype}:{tuple(tensor.shape)}'.encode())
        digest.update(tensor.flatten().view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def cached_embeddings(key: str, compute) -> Tuple[torch.Tensor, torch.Tensor]:
    """``compute()`` -> (embeddings, owner), or what an earlier call with ``key`` saved."""
    folder = embedding_cache_dir()
    path = osp.join(folder, f'{key}.pt') if folder else None
    if path and osp.isfile(path):
        print_log(f'text embeddings read from the cache: {path}', logger='current')
        return torch.load(path, map_location='cpu', weights_only=True)
    emb, owner = compute()
    if path:
        save_atomically(path, lambda tmp: torch.save((emb.detach().cpu(), owner.cpu()), tmp))
    return emb, owner
