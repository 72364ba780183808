"""Run every paper's toy-world pipeline with the standard tools and tabulate mIoU.

    python tools/toy_benchmark.py                     # all rows, writes work_dirs/toy_benchmark/
    python tools/toy_benchmark.py --only maskclip     # the row "maskclip"
    python tools/toy_benchmark.py --only 'maskclip*'  # every row whose key starts with "maskclip"
    python tools/toy_benchmark.py --only sclip --docs docs/toy_world.md   # and refresh the docs' table

The rows are data, ``tools/toy_benchmark.yaml`` (its header says what each field means). Each row
is a real ``tools/train.py`` / ``tools/test.py`` run; mIoU and per-class IoU are read from the
run's log. Rows whose ordering is judged train with several seeds (``randomness.seed``) and report
their mean with the standard deviation. The table (markdown) goes to ``<out>/toy_results.md``,
per-class IoUs to ``<out>/<row>.json``; ``--docs FILE`` puts the rows measured in ``<out>`` into
FILE's table (between its ``<!-- toy table -->`` markers), keeping the rows measured before.
Toy-world numbers are not the papers' benchmarks.
"""
import argparse
import json
import os
import os.path as osp
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import List, Optional

import yaml

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
ROWS_FILE = osp.join(ROOT, 'tools', 'toy_benchmark.yaml')
TOY_CLIP = 'work_dirs/toy_clip/toy_clip.pth'  # what tools/quickstart.sh trains
TABLE_START, TABLE_END = '<!-- toy table -->', '<!-- end toy table -->'
TABLE_HEADER = ['| method | setting | mIoU | per-class IoU | minutes (2-core CPU, wall) |', '|---|---|---|---|---|']


@dataclass
class Row:
    """One table row: optional training, then a test run whose mIoU is reported (see the YAML file)."""
    key: str
    method: str
    setting: str
    config: str
    train: bool = False
    options: List[str] = field(default_factory=list)
    toy_clip: Optional[str] = None  # the row whose exported toy CLIP the config's weights are
    trained_by: Optional[str] = None
    checkpoint: Optional[str] = None
    seeds: List[int] = field(default_factory=lambda: [0])


def load_rows(path: str = ROWS_FILE) -> List[Row]:
    with open(path) as f:
        return [Row(**row) for row in yaml.safe_load(f)['rows']]


ROWS = load_rows()


def toy_clip_keys(config: str) -> List[str]:
    """The ``model.*`` keys of a config whose value is its ``toy_clip`` variable (the weight files
    a toy row replaces with its own toy CLIP)."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(ROOT, config))
    target, keys = cfg.get('toy_clip'), []
    if target is None:
        raise ValueError(f'{config} has no toy_clip variable: its toy row cannot give it toy CLIP weights')

    def walk(node, prefix):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f'{prefix}.{k}')
        elif isinstance(node, (list, tuple)):
            for i, v in enumerate(node):
                walk(v, f'{prefix}.{i}')
        elif node == target:
            keys.append(prefix)

    walk(cfg.model.to_dict(), 'model')
    return keys


def parse_metrics(log: str):
    """mIoU and per-class IoU of the last evaluation printed in an mmengine log."""
    blocks = log.split('per class results:')
    if len(blocks) < 2:
        raise RuntimeError('no evaluation found in the log')
    table = blocks[-1]
    per_class = {}
    for line in table.splitlines():
        m = re.match(r'\|\s*([^|]+?)\s*\|\s*([\d.]+|nan)\s*\|\s*([\d.]+|nan)\s*\|', line)
        if m:
            per_class[m.group(1)] = float(m.group(2))
        elif per_class and 'mIoU' in line:
            break
    miou = float(re.search(r'mIoU: ([\d.]+)', table).group(1))
    for key in ('mIoU_seen', 'mIoU_unseen', 'hIoU'):  # zero-shot metric
        m = re.search(rf'{key}: ([\d.]+)', table)
        if m:
            per_class[key] = float(m.group(1))
    return miou, per_class


def run(cmd, log_path):
    with open(log_path, 'w') as log:
        proc = subprocess.run(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    text = open(log_path).read()
    if proc.returncode != 0:
        raise RuntimeError(f'{" ".join(cmd)} failed, see {log_path}:\n{text[-2000:]}')
    return text


def run_seed(row: Row, seed: int, out_dir: str, python: str, toy_clip: str, reuse: bool = False) -> dict:
    """Train (if the row trains) and test one seed of a row; its mIoU and per-class IoU."""
    suffix = f'seed{seed}' if len(row.seeds) > 1 else ''
    work_dir = osp.join(out_dir, row.key, suffix)
    os.makedirs(work_dir, exist_ok=True)
    options = list(row.options) + ([f'randomness.seed={seed}'] if suffix else [])
    if row.toy_clip:
        options += [f'{key}={toy_clip}' for key in toy_clip_keys(row.config)]
    opts = ['--cfg-options', *options] if options else []
    if row.train and not (reuse and osp.isfile(osp.join(work_dir, 'last_checkpoint'))):
        run([python, 'tools/train.py', row.config, '--work-dir', work_dir, *opts], osp.join(work_dir, 'train.log'))
    trainer = next(r for r in ROWS if r.key == (row.trained_by or row.key))
    train_dir = osp.join(out_dir, trainer.key, f'seed{seed}' if len(trainer.seeds) > 1 else '')
    if row.checkpoint:
        checkpoint = osp.join(train_dir, row.checkpoint)
    elif row.train or row.trained_by:
        checkpoint = open(osp.join(train_dir, 'last_checkpoint')).read().strip()
    else:
        checkpoint = 'none'
    log = run([python, 'tools/test.py', row.config, checkpoint, '--work-dir', osp.join(work_dir, 'test'), *opts],
              osp.join(work_dir, 'test.log'))
    miou, per_class = parse_metrics(log)
    return dict(seed=seed, mIoU=miou, per_class_IoU=per_class)


def run_row(row: Row, out_dir: str, python: str, toy_clip: str, reuse: bool = False, seeds=None):
    """Every seed of a row (or those of ``seeds``); ``<out>/<key>.json`` holds the mean, the
    spread and each seed."""
    start = time.time()
    runs = [run_seed(row, seed, out_dir, python, toy_clip, reuse) for seed in row.seeds if not seeds or seed in seeds]
    mious = [r['mIoU'] for r in runs]
    per_class = {k: statistics.mean(r['per_class_IoU'][k] for r in runs) for k in runs[0]['per_class_IoU']}
    with open(osp.join(out_dir, f'{row.key}.json'), 'w') as f:
        json.dump(dict(method=row.method, setting=row.setting, mIoU=statistics.mean(mious),
                       mIoU_std=statistics.stdev(mious) if len(mious) > 1 else 0.0, seeds=runs,
                       per_class_IoU=per_class, minutes=(time.time() - start) / 60), f, indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default='work_dirs/toy_benchmark')
    parser.add_argument('--only', nargs='+', help="rows to run: keys, or prefixes ending in '*' (maskclip_plus*)")
    parser.add_argument('--reuse', action='store_true', help='test the existing checkpoint of trained rows')
    parser.add_argument('--seeds', type=int, nargs='+',
                        help="run only these of the rows' seeds (a later --reuse run adds the others)")
    parser.add_argument('--docs', metavar='FILE', help='also put the measured rows into the table of FILE')
    args = parser.parse_args()
    out_dir = osp.join(ROOT, args.out)
    os.makedirs(out_dir, exist_ok=True)

    def selects(key: str, row: Row) -> bool:
        return row.key == key or key.endswith('*') and row.key.startswith(key[:-1])

    unknown = [key for key in args.only or () if not any(selects(key, r) for r in ROWS)]
    if unknown:
        parser.error(f'no row {", ".join(map(repr, unknown))} in {ROWS_FILE}')
    rows = [r for r in ROWS if not args.only or any(selects(key, r) for key in args.only)]
    needs_files = any(r.config.startswith(('configs/clip_es/', 'configs/sseg')) for r in rows)
    if needs_files and not osp.isdir(osp.join(ROOT, 'data/toy/voc/SegmentationClassObjects')):
        run([sys.executable, 'tools/dataset_converters/write_toy_world.py', 'data/toy', '--shards', '0'],
            osp.join(out_dir, 'write_toy_world.log'))
    for row in rows:
        # the toy CLIP trained by this benchmark's toy_clip row (or toy_clip_4blocks), else, for the
        # first, the one tools/quickstart.sh made
        toy_clip = osp.join(out_dir, row.toy_clip, f'{row.toy_clip}.pth') if row.toy_clip else None
        if row.toy_clip == 'toy_clip' and not osp.isfile(toy_clip):
            toy_clip = osp.join(ROOT, TOY_CLIP)
        if row.toy_clip and not osp.isfile(toy_clip):
            print(f'skip {row.key}: no toy CLIP yet ({toy_clip}); run the {row.toy_clip} row first', flush=True)
            continue
        print(f'running {row.key} ...', flush=True)
        run_row(row, out_dir, sys.executable, toy_clip, args.reuse, args.seeds)
    table = make_table(out_dir)
    with open(osp.join(out_dir, 'toy_results.md'), 'w') as f:
        f.write(table)
    print(table)
    if args.docs:
        update_docs_table(args.docs, out_dir)


def table_line(r: dict) -> str:
    """A table line of a row's results (``<out>/<row>.json``): the mean of its seeds, with the
    standard deviation and the seeds' values where there are several."""
    miou = f"{r['mIoU']:.1f}"
    if len(r.get('seeds', [])) > 1:
        values = ' / '.join(f"{s['mIoU']:.1f}" for s in r['seeds'])
        miou += f" ± {r['mIoU_std']:.1f} (seeds {values})"
    ious = ', '.join(f'{k} {v:.1f}' for k, v in r['per_class_IoU'].items())
    return f"| {r['method']} | {r['setting']} | {miou} | {ious} | {r['minutes']:.1f} |"


def measured(out_dir: str) -> dict:
    """``{row key: table line}`` of the rows measured in ``out_dir``."""
    lines = {}
    for row in ROWS:
        path = osp.join(out_dir, f'{row.key}.json')
        if osp.isfile(path):
            with open(path) as f:
                lines[row.key] = table_line(json.load(f))
    return lines


def make_table(out_dir: str, earlier: Optional[dict] = None) -> str:
    """Markdown table of every row measured in ``out_dir`` (in the rows' order), or else in
    ``earlier`` (``{row key: table line}``)."""
    lines = {**(earlier or {}), **measured(out_dir)}
    return '\n'.join([*TABLE_HEADER, *(lines[row.key] for row in ROWS if row.key in lines)]) + '\n'


def update_docs_table(path: str, out_dir: str) -> None:
    """Put the rows measured in ``out_dir`` into the table between FILE's markers; every other row of
    the table stays as it is. Each table line after the header belongs to the row of the same
    (method, setting)."""
    with open(path) as f:
        text = f.read()
    if TABLE_START not in text or TABLE_END not in text:
        raise ValueError(f'{path} has no {TABLE_START} ... {TABLE_END} markers')
    head, rest = text.split(TABLE_START, 1)
    table, tail = rest.split(TABLE_END, 1)
    by_name = {(row.method, row.setting): row.key for row in ROWS}
    earlier = {}
    for line in table.strip().splitlines()[len(TABLE_HEADER):]:
        cells = [c.strip() for c in line.strip('|').split('|')]
        key = by_name.get((cells[0], cells[1]))
        if key is None:
            raise ValueError(f'{path}: the table line {line[:80]!r} names no row of {ROWS_FILE}')
        earlier[key] = line
    with open(path, 'w') as f:
        f.write(f'{head}{TABLE_START}\n{make_table(out_dir, earlier)}{TABLE_END}{tail}')


if __name__ == '__main__':
    main()
