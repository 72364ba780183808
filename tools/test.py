"""Evaluate a checkpoint: ``python tools/test.py CONFIG CHECKPOINT [--out DIR] [--pseudo-labels DIR]``.

As mmseg's tool, with three additions: ``none`` as CHECKPOINT (training-free methods such as
MaskCLIP; mmseg's tool has no such step) calls the model's ``init_weights`` so that the
towers load their ``pretrained=`` weights; a ``.safetensors`` checkpoint is evaluated too; and
a config's ``pseudo_label_dir`` (or ``--pseudo-labels``) writes the predictions as resumable
pseudo labels.
"""
import argparse
import os.path as osp

import mmseg_textsup  # noqa: F401  registers components, installs the checkpoint allow-list
from mmseg_textsup.engine.runner.checkpoint_fit import check_checkpoint_fits, read_state_dict
from mmseg_textsup.engine.runner.distributed import finish_distributed
from mmseg_textsup.engine.runner.tool_runner import (add_runner_arguments, build_runner, load_config, parse_runner_args,
                                                     unwrapped_model)
from mmseg_textsup.evaluation import add_pseudo_label_writing, pending_pseudo_labels


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and evaluate) a model')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help="checkpoint file, or 'none' for training-free models")
    parser.add_argument('--out', help='directory where predicted label maps are written as PNG')
    parser.add_argument('--pseudo-labels', metavar='DIR',
                        help='write resumable pseudo labels (+ confidence) to DIR (default: the config\'s '
                             'pseudo_label_dir, if any)')
    parser.add_argument('--show-dir', help='directory where painted predictions are written')
    parser.add_argument('--amp', choices=['bf16', 'fp16'],
                        help='run the model under torch.autocast in this dtype (AutocastTestLoop)')
    return parse_runner_args(add_runner_arguments(parser))


def main():
    args = parse_args()
    cfg = load_config(args.config, args.launcher, args.cfg_options, args.work_dir)
    if args.checkpoint.lower() != 'none':
        if not osp.isfile(args.checkpoint):
            raise FileNotFoundError(f'Checkpoint not found: {args.checkpoint}')
        if not args.checkpoint.endswith('.safetensors'):  # MMEngine loads its own format
            cfg.load_from = args.checkpoint
    if args.out is not None:  # mmseg's IoUMetric writes the prediction PNGs
        evaluators = cfg.test_evaluator if isinstance(cfg.test_evaluator, list) else [cfg.test_evaluator]
        for evaluator in evaluators:
            if evaluator['type'] in ('IoUMetric', 'ZeroShotIoUMetric'):
                evaluator['output_dir'] = args.out
    pseudo_label_dir = args.pseudo_labels or cfg.get('pseudo_label_dir')
    if pseudo_label_dir is not None:
        add_pseudo_label_writing(cfg, pseudo_label_dir)
        pending, total = pending_pseudo_labels(cfg)
        if not pending:
            print(f'pseudo labels: all {total} images already have their labels in {pseudo_label_dir}: nothing to do')
            return
    if args.show_dir is not None:
        hooks = cfg.default_hooks
        hooks.visualization = dict(type='SegVisualizationHook', draw=True, interval=1)
        cfg.visualizer['save_dir'] = args.show_dir
    if args.amp is not None:
        loop = {k: v for k, v in (cfg.get('test_cfg') or {}).items() if k not in ('type', 'fp16')}
        cfg.test_cfg = dict(loop, type='AutocastTestLoop', dtype=dict(bf16='bfloat16', fp16='float16')[args.amp])
    runner = build_runner(cfg, args.channels_last, testing=True)
    model = unwrapped_model(runner)
    if cfg.get('load_from') is not None:  # MMEngine loads it in runner.test()
        check_checkpoint_fits(model, cfg.load_from)
    elif args.checkpoint.endswith('.safetensors'):
        check_checkpoint_fits(model, args.checkpoint)
        model.load_state_dict(read_state_dict(args.checkpoint), strict=False)  # extra keys only, checked above
    else:
        # MMEngine's test loop does not initialise weights: load the towers' `pretrained=` here
        model.init_weights()
    runner.test()
    finish_distributed()


if __name__ == '__main__':
    main()
