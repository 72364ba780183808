"""End-to-end pseudo-label writing throughput: ``tools/test.py`` on CLIP-ES's toy pseudo-mask
config (Softmax-GradCAM + CAA, optionally the dense CRF; labels and confidence PNGs written
atomically), with 1 vs N data-loading workers, as a user runs it.

    python tools/benchmark/pseudo_label_writing.py [--images 300] [--workers 2]

Random toy-CLIP weights (speed does not depend on them); the toy files are written first if
missing. Each run is a fresh process writing to a fresh folder; its wall time includes start-up
(model build, dataset index), measured separately with 1 image and subtracted. Prints images/s
per setting and, last, the N-worker / 1-worker speed-up with the CRF on.
"""
import argparse
import os.path as osp
import subprocess
import sys
import tempfile
import time

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def run(images: int, workers: int, crf: bool, out_dir: str) -> float:
    cmd = [sys.executable, 'tools/test.py', 'configs/clip_es/toy_pseudo_masks.py', 'none', '--work-dir',
           osp.join(out_dir, 'work'), '--cfg-options', 'model.backbone.pretrained=None',
           'model.text_encoder.pretrained=None', f'model.crf={crf}', f'test_dataloader.num_workers={workers}',
           f'test_dataloader.dataset.dataset.indices={images}', f'test_dataloader.dataset.out_dir={out_dir}',
           f'test_evaluator.1.out_dir={out_dir}']
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stdout[-2000:] + proc.stderr[-3000:])
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--images', type=int, default=300)
    parser.add_argument('--workers', type=int, default=2)
    args = parser.parse_args()
    if not osp.isdir(osp.join(ROOT, 'data/toy/voc')):
        subprocess.run([sys.executable, 'tools/dataset_converters/write_toy_world.py', 'data/toy', '--shards', '0'],
                       cwd=ROOT, check=True)
    rates = {}
    for crf in (False, True):
        for workers in (1, args.workers):
            with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
                startup = run(1, workers, crf, a)
                total = run(args.images, workers, crf, b)
            rate = (args.images - 1) / max(total - startup, 1e-6)
            rates[(crf, workers)] = rate
            print(f'CRF {"on " if crf else "off"}, {workers} worker(s): {rate:6.1f} images/s '
                  f'({total:.1f} s for {args.images} images, {startup:.1f} s start-up)', flush=True)
    print(f'{args.images} toy images (64x64), CLIP-ES CAMs + CAA, labels + confidence PNGs written')
    speedup = rates[(True, args.workers)] / rates[(True, 1)]
    print(f'{args.workers} workers / 1 worker, with CRF = {speedup:.2f}x')


if __name__ == '__main__':
    main()
