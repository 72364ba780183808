"""Train a segmentor or a pre-training model: ``python tools/train.py CONFIG [--resume]``.

Thin, like mmseg's: the config goes to MMEngine's Runner; all logic lives in the package.
The default work folder is ``work_dirs/<config folder>/<config name>``.
"""
import argparse

import mmseg_textsup  # noqa: F401  registers components, installs the checkpoint allow-list
from mmseg_textsup.engine.runner.checkpoint_fit import check_loaded_checkpoint_fits, resolve_resume
from mmseg_textsup.engine.runner.distributed import finish_distributed
from mmseg_textsup.engine.runner.tool_runner import (add_runner_arguments, build_runner, load_config, parse_runner_args,
                                                     unwrapped_model)


def parse_args():
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='config file')
    parser.add_argument('--resume', action='store_true', help='resume from the latest checkpoint in work-dir')
    parser.add_argument('--amp', nargs='?', const='fp16', choices=['fp16', 'bf16'],
                        help='automatic mixed precision (AmpOptimWrapper; CUDA / NPU only): fp16 (default) or bf16')
    return parse_runner_args(add_runner_arguments(parser))


def main():
    args = parse_args()
    cfg = load_config(args.config, args.launcher, args.cfg_options, args.work_dir)
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')  # bf16 needs no scaling; harmless
        cfg.optim_wrapper.dtype = dict(fp16='float16', bf16='bfloat16')[args.amp]
    cfg.resume = args.resume
    resolve_resume(cfg)
    runner = build_runner(cfg, args.channels_last)
    check_loaded_checkpoint_fits(cfg, unwrapped_model(runner))
    runner.train()
    finish_distributed()


if __name__ == '__main__':
    main()
