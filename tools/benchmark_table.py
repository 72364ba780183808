"""Run methods over the 8 zero-shot benchmarks and write one results table (Markdown and CSV).

    python tools/benchmark_table.py configs/sclip configs/clearclip configs/naclip configs/proxyclip \\
        configs/maskclip/slide_
    torchrun --nproc_per_node 8 tools/benchmark_table.py configs/sclip --launcher pytorch

Each METHOD is a config folder (its ``<benchmark>.py`` files) or a file prefix ending in ``_``
(``configs/maskclip/slide_`` -> ``slide_voc21.py``, ...). Every (method, benchmark) pair runs
mmseg's test loop on the config with its ``pretrained=`` weights (as ``tools/test.py CONFIG
none``); a benchmark whose config or image folder is missing is skipped with a line saying
which. The table holds mIoU, the three means the field reports (all 8 benchmarks, the 3 with a
background class, the 5 without), and the costs: parameters of the model (all its towers), GMACs per
image (multiply-accumulates of the matrix products and convolutions of the first test batch at the
protocol's size, windows and refinement included, counted by torch's ``FlopCounterMode`` / 2; the
text embeddings are computed before and not counted), images per second (test loop only, all
processes) and the peak CUDA memory of one process. It goes to ``<out>/results.md`` and
``<out>/results.csv``.
"""
import argparse
import csv
import os
import os.path as osp
import time

import torch
from mmengine.config import Config, DictAction
from mmengine.dist import is_main_process
from mmengine.logging import print_log

import mmseg_textsup  # noqa: F401  registers components, installs the checkpoint allow-list
from mmseg_textsup.engine.runner.distributed import finish_distributed
from mmseg_textsup.engine.runner.tool_runner import build_runner, load_config, unwrapped_model

BENCHMARKS = ('voc21', 'context60', 'coco_object', 'voc20', 'cityscapes', 'context59', 'ade20k', 'coco_stuff')
#: The means the field reports: all 8, the 3 benchmarks with a background class, the 5 without.
MEANS = (('mean', BENCHMARKS), ('mean with bg', BENCHMARKS[:3]), ('mean w/o bg', BENCHMARKS[3:]))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('methods', nargs='+', help='config folders or file prefixes ending in "_"')
    parser.add_argument('--benchmarks', nargs='+', default=list(BENCHMARKS), choices=BENCHMARKS)
    parser.add_argument('--data-dir', default='data', help="replaces the leading 'data' of every data_root")
    parser.add_argument('--out', default='work_dirs/benchmark_table')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='overrides for every config')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    return parser.parse_args()


def config_path(method: str, benchmark: str) -> str:
    return f'{method}{benchmark}.py' if method.endswith('_') else osp.join(method, f'{benchmark}.py')


def method_name(method: str) -> str:
    """``configs/sclip`` -> ``sclip``; ``configs/maskclip/slide_`` -> ``maskclip/slide``."""
    if method.endswith('_'):
        return f'{osp.basename(osp.dirname(method))}/{osp.basename(method)[:-1]}'
    return osp.basename(method.rstrip('/'))


def image_folder(cfg: Config, data_dir: str) -> str:
    """Point the test set at ``data_dir``; its image folder."""
    dataset = cfg.test_dataloader.dataset
    if dataset.data_root.startswith('data/'):
        dataset.data_root = osp.join(data_dir, dataset.data_root[len('data/'):])
    cfg.val_dataloader = cfg.test_dataloader
    return osp.join(dataset.data_root, dataset.data_prefix.get('img_path', ''))


def count_first_step(model) -> dict:
    """Count the multiply-accumulates of ``model``'s first ``test_step`` (and its images) into the
    returned dict (``macs``, ``images``); later steps run as they are."""
    from torch.utils.flop_counter import FlopCounterMode
    counted, step = {}, model.test_step

    def first_step(data):
        if counted:
            return step(data)
        with FlopCounterMode(display=False) as counter:
            out = step(data)
        counted.update(macs=counter.get_total_flops() / 2, images=len(out))
        return out

    model.test_step = first_step
    return counted


def run_one(path: str, args, work_dir: str) -> dict:
    """Test one config with its pretrained weights: mIoU, images/s, peak CUDA memory (GiB), parameters
    (millions), GMACs per image."""
    cfg = load_config(path, args.launcher, args.cfg_options, work_dir)
    folder = image_folder(cfg, args.data_dir)
    if not osp.isdir(folder):
        return dict(skipped=f'{folder} not found')
    runner = build_runner(cfg, testing=True)
    model = unwrapped_model(runner)
    model.init_weights()  # the towers' pretrained= weights (the test loop does not initialise)
    embeddings = getattr(getattr(model, 'text_encoder', None), 'embeddings', None)
    if callable(embeddings):
        embeddings()  # computed (or read from the cache) once, before the counted step
    counted = count_first_step(model)
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    metrics = runner.test()
    seconds = time.perf_counter() - start
    images = len(runner.test_dataloader.dataset)
    peak = torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else None
    return dict(mIoU=metrics['mIoU'], images_per_s=images / seconds, peak=peak,
                params=sum(p.numel() for p in model.parameters()) / 1e6,
                gmacs=counted['macs'] / counted['images'] / 1e9 if counted else None)


def means(per: dict, benchmarks) -> list:
    """The :data:`MEANS` of a method's mIoUs (``'-'`` where one of their benchmarks is not in the run
    or not measured)."""
    out = []
    for _, group in MEANS:
        values = [per.get(b, {}).get('mIoU') for b in group]
        complete = all(b in benchmarks for b in group) and None not in values
        out.append(f'{sum(values) / len(values):.2f}' if complete else '-')
    return out


def _mean(done, key):
    values = [r[key] for r in done if r.get(key) is not None]
    return f'{sum(values) / len(values):.2f}' if values else '-'


def write_tables(results: dict, benchmarks, out: str) -> str:
    """``results[method][benchmark]`` -> results.md / results.csv in ``out``; the Markdown text."""
    os.makedirs(out, exist_ok=True)
    header = ['method', *benchmarks, *(name for name, _ in MEANS), 'params (M)', 'GMACs / image (mean)',
              'images/s (mean)', 'peak GiB (max)']
    md = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    rows = []
    for method, per in results.items():
        done = [per[b] for b in benchmarks if 'mIoU' in per.get(b, {})]
        mious = [f"{per[b]['mIoU']:.2f}" if 'mIoU' in per.get(b, {}) else '-' for b in benchmarks]
        peaks = [r['peak'] for r in done if r['peak'] is not None]
        peak = f'{max(peaks):.2f}' if peaks else '-'
        costs = [_mean(done, 'params'), _mean(done, 'gmacs'), _mean(done, 'images_per_s'), peak]
        md.append('| ' + ' | '.join([method, *mious, *means(per, benchmarks), *costs]) + ' |')
        for b in benchmarks:
            r = per.get(b, {})
            rows.append(dict(method=method, benchmark=b, mIoU=r.get('mIoU', ''), params_m=r.get('params', ''),
                             gmacs_per_image=r.get('gmacs') or '', images_per_s=r.get('images_per_s', ''),
                             peak_gib=r.get('peak') or '', skipped=r.get('skipped', '')))
    with open(osp.join(out, 'results.csv'), 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=['method', 'benchmark', 'mIoU', 'params_m', 'gmacs_per_image',
                                               'images_per_s', 'peak_gib', 'skipped'])
        writer.writeheader()
        writer.writerows(rows)
    text = '\n'.join(md) + '\n'
    with open(osp.join(out, 'results.md'), 'w') as f:
        f.write(text)
    return text


def main():
    args = parse_args()
    results = {}
    for method in args.methods:
        name = method_name(method)
        results[name] = {}
        for benchmark in args.benchmarks:
            path = config_path(method, benchmark)
            if not osp.isfile(path):
                results[name][benchmark] = dict(skipped=f'no config {path}')
            else:
                results[name][benchmark] = run_one(path, args, osp.join(args.out, name.replace('/', '_'), benchmark))
            if 'skipped' in results[name][benchmark]:
                print_log(f'skip {name} on {benchmark}: {results[name][benchmark]["skipped"]}', logger='current')
    if is_main_process():
        print(write_tables(results, args.benchmarks, args.out))
    finish_distributed()


if __name__ == '__main__':
    main()
