"""Refuse a checkpoint that does not fit the model before anything is restored (MMEngine only
warns), name the file that cannot be read, and find what ``--resume`` can continue from."""
import glob
import os.path as osp
import pickle
import zipfile
from typing import Dict, Optional

import torch
from mmengine.config import Config
from mmengine.logging import print_log

from ...models.clip import state_dict_mismatches


def read_state_dict(path: str) -> Dict[str, torch.Tensor]:
    """The model weights of an MMEngine checkpoint (``weights_only`` with the package's
    allow-list) or of a ``.safetensors`` file."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'Checkpoint not found: {path}')
    if path.endswith('.safetensors'):
        from safetensors.torch import load_file
        return load_file(path, device='cpu')
    try:
        checkpoint = torch.load(path, map_location='cpu')
    except pickle.UnpicklingError as e:  # a refused pickle keeps its type (and says why), with the file
        raise pickle.UnpicklingError(f'{path}: {e}') from e
    except (EOFError, RuntimeError, zipfile.BadZipFile) as e:
        size = osp.getsize(path)
        raise ValueError(f'{path} cannot be read as a checkpoint ({size} bytes; {type(e).__name__}: {e}): '
                         'empty or truncated, e.g. by a kill during its save?') from e
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


def latest_intact_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint ``--resume`` continues from: the one ``last_checkpoint`` names (MMEngine's
    rule) or, when that file is empty, names a missing file, or the checkpoint cannot be read (a
    kill during a save: with ``max_keep_ckpts`` MMEngine deletes the older file first), the newest
    readable ``iter_*.pth`` / ``epoch_*.pth`` of the folder. None when there is none (training starts afresh)."""
    named = None
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip() or None
    saved = glob.glob(osp.join(work_dir, 'iter_*.pth')) + glob.glob(osp.join(work_dir, 'epoch_*.pth'))
    candidates = sorted(saved, key=osp.getmtime, reverse=True)  # CheckpointHook's names, not exported weights
    if named is not None:
        candidates = [named] + [c for c in candidates if osp.abspath(c) != osp.abspath(named)]
    for path in candidates:
        try:
            read_state_dict(path)
        except (FileNotFoundError, ValueError) as e:
            print_log(f'--resume: skipping {path}: {e}', 'current', level=30)
            continue
        if path != named:
            print_log(f'--resume: {pointer} names {named!r}; continuing from {path}, the newest readable '
                      'checkpoint', 'current', level=30)
        return path
    return None


def resolve_resume(cfg: Config) -> None:
    """Before the Runner is built: with ``resume`` and no ``load_from``, set ``load_from`` to
    :func:`latest_intact_checkpoint` of the work folder (MMEngine would take ``last_checkpoint``
    as it is); with none readable, training starts afresh, as MMEngine's without checkpoints."""
    if cfg.get('resume') and cfg.get('load_from') is None:
        cfg.load_from = latest_intact_checkpoint(cfg.work_dir)
        if cfg.load_from is None:
            print_log(f'--resume: no readable checkpoint in {cfg.work_dir}; training starts afresh', 'current',
                      level=30)
            cfg.resume = False


def check_loaded_checkpoint_fits(cfg: Config, model: torch.nn.Module) -> None:
    """After the Runner is built, before ``train()`` restores anything: the checkpoint of
    ``load_from`` (resumed or loaded) must fit ``model`` (:func:`check_checkpoint_fits`); resuming
    a checkpoint of another architecture would otherwise restore optimizer state of other shapes."""
    if cfg.get('load_from') is not None:
        check_checkpoint_fits(model, cfg.load_from)
