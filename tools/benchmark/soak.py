"""Soak test: a long toy pre-training run (tiny towers) watching resident memory, leftover
forward hooks and temporary files.

    python tools/benchmark/soak.py [--iters 3000] [--config configs/toy_clip/pretrain.py]

Prints the resident set size (RSS) every ``--every`` iterations, and last: the RSS growth
between the first report after warm-up and the end, the forward hooks left on any module, and
the new files in the temporary directory.
"""
import argparse
import os
import tempfile

from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner


def rss_mib() -> float:
    """Current resident set size (Linux /proc; elsewhere the peak from getrusage)."""
    try:
        with open('/proc/self/statm') as f:
            return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20
    except OSError:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10


class MemoryProbe(Hook):

    def __init__(self, every: int):
        self.every = every
        self.samples = []

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if (runner.iter + 1) % self.every == 0:
            rss = rss_mib()
            self.samples.append((runner.iter + 1, rss))
            print(f'iteration {runner.iter + 1}: RSS {rss:.1f} MiB', flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--config', default='configs/toy_clip/pretrain.py')
    parser.add_argument('--iters', type=int, default=3000)
    parser.add_argument('--every', type=int, default=250)
    parser.add_argument('--work-dir', default='work_dirs/soak')
    args = parser.parse_args()
    before = set(os.listdir(tempfile.gettempdir()))
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict({  # tiny towers, the toy schedule stretched over --iters, one checkpoint at the end
        'model.backbone.model_name': 'TextSup-Tiny-ViT',
        'model.text_tower.model_name': 'TextSup-Tiny-ViT',
        'train_cfg.max_iters': args.iters,
        'train_cfg.val_interval': args.iters,
        'param_scheduler.1.end': args.iters,
        'train_dataloader.batch_size': 16,
        'val_dataloader.dataset.num_samples': 8,
        'val_dataloader.num_workers': 0,
        'val_dataloader.persistent_workers': False,
        'default_hooks.checkpoint.interval': args.iters,
        'default_hooks.logger.interval': args.every,
    })
    cfg.work_dir = args.work_dir
    probe = MemoryProbe(args.every)
    runner = Runner.from_cfg(cfg)
    runner.register_hook(probe)
    runner.train()
    model = runner.model.module if is_model_wrapper(runner.model) else runner.model
    hooks = sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())
    new_files = sorted(set(os.listdir(tempfile.gettempdir())) - before)
    (i0, rss0), (i1, rss1) = probe.samples[1], probe.samples[-1]  # skip the first report (warm-up)
    print(f'RSS growth from iteration {i0} to {i1}: {rss1 - rss0:+.1f} MiB ({rss0:.1f} -> {rss1:.1f}); '
          f'forward hooks left: {hooks}; new temporary files: {new_files or "none"}')


if __name__ == '__main__':
    main()
