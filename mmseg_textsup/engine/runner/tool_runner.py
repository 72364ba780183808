"""What ``tools/train.py``, ``tools/test.py`` and ``tools/benchmark_table.py`` share: their common
command-line options, the default work folder, and building the Runner.

Default work folder: ``work_dirs/<config folder>/<config name>`` (``configs/segclip/pretrain.py``
-> ``work_dirs/segclip/pretrain``), unique across the config tree where mmseg's
``work_dirs/<config name>`` is not (nine configs are called ``context60.py``). A config's own
``work_dir`` and ``--work-dir`` take precedence, as in mmseg.
"""
import argparse
import os
import os.path as osp
import socket
from typing import List, Optional, Tuple
from urllib.error import URLError

from mmengine.config import Config, DictAction
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmseg.registry import RUNNERS

from .distributed import prepare_cpu_distributed, use_separate_ddp_for_testing


def add_runner_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options every runner tool takes: work folder, channels-last, config overrides, launcher."""
    parser.add_argument('--work-dir', help='directory for logs and checkpoints (default: see default_work_dir)')
    parser.add_argument('--channels-last', action='store_true',
                        help='store 4-D weights channels-last (ChannelsLastRunner; helps convolutional networks)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config keys: key=value')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    return parser


def parse_runner_args(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """Parse; ``LOCAL_RANK`` from ``--local-rank`` for launchers that pass it as an option."""
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def default_work_dir(config_path: str) -> str:
    """``work_dirs/<config folder>/<config name>`` for a config file."""
    folder = osp.basename(osp.dirname(osp.abspath(config_path)))
    return osp.join('./work_dirs', folder, osp.splitext(osp.basename(config_path))[0])


def work_dir_of(cfg: Config, config_path: str) -> str:
    """The work folder a run of ``config_path`` uses without ``--work-dir``."""
    return cfg.get('work_dir') or default_work_dir(config_path)


def load_config(config_path: str,
                launcher: str = 'none',
                cfg_options: Optional[dict] = None,
                work_dir: Optional[str] = None) -> Config:
    """The config with the overrides merged, the launcher set and its work folder decided."""
    if not osp.isfile(config_path):
        raise FileNotFoundError(f'Config not found: {config_path}')
    cfg = Config.fromfile(config_path)
    cfg.launcher = launcher
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    cfg.work_dir = work_dir or work_dir_of(cfg, config_path)
    return cfg


def _describe(dataset_cfg) -> str:
    cfg = dataset_cfg if isinstance(dataset_cfg, dict) else {}
    inner = cfg.get('dataset') if isinstance(cfg.get('dataset'), dict) else cfg  # a wrapper's dataset
    return ', '.join(f'{k}={inner[k]!r}' for k in ('type', 'data_root', 'ann_file', 'data_prefix', 'shards')
                     if inner.get(k) is not None)


def _naming_empty_datasets(build):
    """``Runner.build_dataloader`` that names an empty dataset (MMEngine: "need at least one array
    to concatenate" while serialising it, or a division by zero in its sampler)."""

    def build_dataloader(dataloader, *args, **kwargs):
        dataset_cfg = dataloader.get('dataset') if isinstance(dataloader, dict) else None
        message = f'the dataset ({_describe(dataset_cfg)}) is empty: check data_root, ann_file and data_prefix'
        try:
            loader = build(dataloader, *args, **kwargs)
        except ValueError as e:
            if 'need at least one array to concatenate' in str(e):
                raise ValueError(message) from e
            raise
        if len(loader.dataset) == 0:
            raise ValueError(message)
        return loader

    return build_dataloader


#: Checkpoint prefixes MMEngine downloads (``Pretrained`` init_cfg / ``pretrained``).
REMOTE_PREFIXES = ('open-mmlab://', 'openmmlab://', 'torchvision://', 'mmcls://', 'mmpretrain://', 'http://',
                   'https://')


def remote_weights(node, path: str = 'model') -> List[Tuple[str, str]]:
    """(config key, checkpoint) of every ``Pretrained`` init_cfg or ``pretrained`` of a model config
    that MMEngine would download (the ImageNet initialisation of a student backbone)."""
    found = []
    if isinstance(node, dict):
        if node.get('type') == 'Pretrained' and str(node.get('checkpoint', '')).startswith(REMOTE_PREFIXES):
            found.append((f'{path}.checkpoint', node['checkpoint']))
        if str(node.get('pretrained', '')).startswith(REMOTE_PREFIXES):
            found.append((f'{path}.pretrained', node['pretrained']))
        for key, value in node.items():
            found += remote_weights(value, f'{path}.{key}')
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            found += remote_weights(value, f'{path}.{i}')
    return found


def _naming_unreachable_weights(model, model_cfg) -> None:
    """Make a failed download in ``model.init_weights`` name the config keys of the remote weights and
    what to set instead (MMEngine's error is urllib's alone)."""
    init_weights = model.init_weights

    def checked_init_weights():
        try:
            return init_weights()
        except (URLError, ConnectionError, socket.timeout) as e:
            remote = remote_weights(model_cfg)
            if not remote:
                raise
            keys = '; '.join(f'{key}={checkpoint!r}' for key, checkpoint in remote)
            raise RuntimeError(
                f'could not download the initial weights ({e}): {keys}. Pass a local file with --cfg-options '
                f'{remote[0][0]}=/path/to/weights.pth, or set {remote[0][0].rsplit(".", 1)[0]}=None for a random '
                'initialisation.') from e

    model.init_weights = checked_init_weights


def build_runner(cfg: Config, channels_last: bool = False, testing: bool = False) -> Runner:
    """A Runner for ``cfg`` (its ``runner_type`` if any), set up for CPU distribution, with the
    :class:`ClassCheckHook`, naming an empty dataset.

    Args:
        cfg (Config): the config, as :func:`load_config` returns it.
        channels_last (bool): use :class:`ChannelsLastRunner`. Defaults to False.
        testing (bool): distributed testing wraps only trainable submodules
            (:func:`use_separate_ddp_for_testing`). Defaults to False.
    """
    if channels_last:
        if cfg.get('runner_type', 'Runner') != 'Runner':
            raise ValueError(f'--channels-last replaces the Runner, but the config uses {cfg.runner_type}')
        cfg.runner_type = 'ChannelsLastRunner'
    hooks = cfg.get('custom_hooks') or []
    if not any(h.get('type') == 'ClassCheckHook' for h in hooks):
        cfg.custom_hooks = [*hooks, dict(type='ClassCheckHook')]
    prepare_cpu_distributed(cfg, cfg.launcher)
    if testing:
        use_separate_ddp_for_testing(cfg, cfg.launcher)
    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg else RUNNERS.build(cfg)
    runner.build_dataloader = _naming_empty_datasets(runner.build_dataloader)  # what the loops call
    _naming_unreachable_weights(unwrapped_model(runner), cfg.model)  # what runner.train() calls
    return runner


def unwrapped_model(runner: Runner):
    """The runner's model without its distributed wrapper."""
    return runner.model.module if is_model_wrapper(runner.model) else runner.model
