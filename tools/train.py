"""Train a segmentor or a pre-training model: ``python tools/train.py CONFIG [--resume]``.

Thin, like mmseg's: the config goes to MMEngine's Runner; all logic lives in the package.
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.runner import Runner
from mmseg.registry import RUNNERS

import mmseg_textsup  # noqa: F401  registers components, installs the checkpoint allow-list
from mmseg_textsup.utils.distributed import finish_distributed, prepare_cpu_distributed


def parse_args():
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='config file')
    parser.add_argument('--work-dir', help='directory for logs and checkpoints')
    parser.add_argument('--resume', action='store_true', help='resume from the latest checkpoint in work-dir')
    parser.add_argument('--amp', nargs='?', const='fp16', choices=['fp16', 'bf16'],
                        help='automatic mixed precision (AmpOptimWrapper; CUDA / NPU only): fp16 (default) or bf16')
    parser.add_argument('--channels-last', action='store_true',
                        help='store 4-D weights channels-last (ChannelsLastRunner; helps convolutional networks)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config keys: key=value')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')  # bf16 needs no scaling; harmless
        cfg.optim_wrapper.dtype = dict(fp16='float16', bf16='bfloat16')[args.amp]
    cfg.resume = args.resume
    if args.channels_last:
        if cfg.get('runner_type', 'Runner') != 'Runner':
            raise ValueError(f'--channels-last replaces the Runner, but the config uses {cfg.runner_type}')
        cfg.runner_type = 'ChannelsLastRunner'
    prepare_cpu_distributed(cfg, args.launcher)
    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg else RUNNERS.build(cfg)
    runner.train()
    finish_distributed()


if __name__ == '__main__':
    main()
