"""End-to-end pseudo-label writing throughput: ``tools/test.py`` on CLIP-ES's toy pseudo-mask
config (Softmax-GradCAM + CAA, optionally the dense CRF; labels and confidence PNGs written
atomically), as a user runs it: CRF off / on, 1 vs N data-loading workers, and the CRFs of a
batch of 8 in the main process vs in N processes (``model.crf_workers``).

    python tools/benchmark/pseudo_label_writing.py [--images 1500] [--workers 2]

Random toy-CLIP weights (speed does not depend on them); the toy files are written first if
missing. Each run is a fresh process writing to a fresh folder; its wall time includes start-up
(model build, dataset index, the CRF pool), measured separately with 1 image and subtracted.
Prints images/s per setting and, last, the speed-up of the CRF processes at batch 8.
"""
import argparse
import os.path as osp
import subprocess
import sys
import tempfile
import time

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def run(images: int, out_dir: str, options) -> float:
    cmd = [sys.executable, 'tools/test.py', 'configs/clip_es/toy_pseudo_masks.py', 'none', '--work-dir',
           osp.join(out_dir, 'work'), '--cfg-options', 'model.backbone.pretrained=None',
           'model.text_encoder.pretrained=None', f'test_dataloader.dataset.indices={images}',
           f'pseudo_label_dir={out_dir}', *options]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stdout[-2000:] + proc.stderr[-3000:])
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--images', type=int, default=1500)
    parser.add_argument('--workers', type=int, default=2)
    args = parser.parse_args()
    if not osp.isdir(osp.join(ROOT, 'data/toy/voc')):
        subprocess.run([sys.executable, 'tools/dataset_converters/write_toy_world.py', 'data/toy', '--shards', '0'],
                       cwd=ROOT, check=True)
    n = args.workers
    settings = {
        'CRF off, 1 loader worker': ['model.crf=False', 'test_dataloader.num_workers=1'],
        f'CRF off, {n} loader workers': ['model.crf=False', f'test_dataloader.num_workers={n}'],
        'CRF on, 1 loader worker': ['test_dataloader.num_workers=1'],
        f'CRF on, {n} loader workers': [f'test_dataloader.num_workers={n}'],
        'CRF on, batch 8, CRFs in the main process': ['test_dataloader.batch_size=8'],
        f'CRF on, batch 8, CRFs in {n} processes': ['test_dataloader.batch_size=8', f'model.crf_workers={n}'],
    }
    rates = {}
    for name, options in settings.items():
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            startup = run(1, a, options)
            total = run(args.images, b, options)
        rates[name] = (args.images - 1) / max(total - startup, 1e-6)
        print(f'{name:<45s} {rates[name]:7.1f} images/s ({total:.1f} s for {args.images} images, '
              f'{startup:.1f} s start-up)', flush=True)
    print(f'{args.images} toy images (64x64), CLIP-ES CAMs + CAA, labels + confidence PNGs written')
    speedup = rates[f'CRF on, batch 8, CRFs in {n} processes'] / rates['CRF on, batch 8, CRFs in the main process']
    print(f'CRFs in {n} processes / in the main process (batch 8) = {speedup:.2f}x')


if __name__ == '__main__':
    main()
