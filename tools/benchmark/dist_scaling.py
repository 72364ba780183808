"""Training throughput of the toy CLIP pre-training with 1 process vs 2 processes (gloo) on CPU,
same global batch (128), as a user runs them (``tools/train.py`` vs ``tools/dist_train.sh``).

    python tools/benchmark/dist_scaling.py [--iters 60]

One process uses all CPU threads (``torch.get_num_threads()``); each of the two uses half. The
per-iteration times are MMEngine's logged ``time`` (data + step), averaged after the first 20
iterations. With the same cores in total, a distributed path without overhead gives a ratio
near 1; the remainder is the gradient all-reduce and the gathered contrastive negatives.
Prints last: 2-process / 1-process throughput.
"""
import argparse
import os
import os.path as osp
import re
import socket
import subprocess
import sys
import tempfile

import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = 'configs/toy_clip/pretrain.py'


def _options(iters: int, batch: int):
    return ['--cfg-options', f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters + 1}',
            'default_hooks.logger.interval=10', f'default_hooks.checkpoint.interval={iters + 1}',
            f'train_dataloader.batch_size={batch}', 'custom_hooks=[]']


def _iteration_time(log: str) -> float:
    times = [(int(i), float(t)) for i, t in re.findall(r'Iter\(train\) \[\s*(\d+)/\d+\].*?\stime: ([\d.]+)', log)]
    late = [t for i, t in times if i > 20]
    if not late:
        raise RuntimeError('no iteration times after iteration 20 in the log:\n' + log[-2000:])
    return sum(late) / len(late)


def _port() -> str:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return str(s.getsockname()[1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--iters', type=int, default=60)
    parser.add_argument('--batch', type=int, default=128)
    args = parser.parse_args()
    threads = torch.get_num_threads()
    with tempfile.TemporaryDirectory() as tmp:
        one = [sys.executable, 'tools/train.py', CONFIG, '--work-dir', osp.join(tmp, 'one')]
        single = subprocess.run(one + _options(args.iters, args.batch), cwd=ROOT, capture_output=True, text=True,
                                env=dict(os.environ, OMP_NUM_THREADS=str(threads)))
        env = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS=str(max(1, threads // 2)), PORT=_port())
        double = subprocess.run(['bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir', osp.join(tmp, 'two'),
                                 *_options(args.iters, args.batch // 2)],
                                cwd=ROOT, capture_output=True, text=True, env=env)
    for name, proc in (('1 process', single), ('2 processes', double)):
        if proc.returncode != 0:
            raise RuntimeError(f'{name} failed:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}')
    t1, t2 = _iteration_time(single.stdout + single.stderr), _iteration_time(double.stdout + double.stderr)
    print(f'toy CLIP pre-training, global batch {args.batch}, {args.iters} iterations, {threads} CPU threads in total')
    print(f'1 process  ({threads} threads):       {t1 * 1000:7.1f} ms / iteration, {args.batch / t1:6.1f} pairs/s')
    print(f'2 processes ({max(1, threads // 2)} thread(s) each): {t2 * 1000:7.1f} ms / iteration, '
          f'{args.batch / t2:6.1f} pairs/s')
    print(f'2-process / 1-process throughput = {t1 / t2:.3f}')


if __name__ == '__main__':
    main()
