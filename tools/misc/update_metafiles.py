"""Write every config folder's ``metafile.yaml`` (mmseg's model-index format) from the configs.

    python tools/misc/update_metafiles.py           # rewrite the Models lists
    python tools/misc/update_metafiles.py --check   # exit 1 if a metafile disagrees with its configs
    python tools/misc/update_metafiles.py --toy-results work_dirs/toy_benchmark   # and take the measured toy rows

Each config becomes one model entry whose ``Metadata`` is read from the config itself (the
recipe: processes x images per process, iterations, crop, backbone, inference mode), so the
metafile cannot drift from the code. ``Collections`` and each entry's ``Results`` / ``Notes``
(the toy-world numbers measured here) are kept as they are, unless ``--toy-results`` names the
output folder of ``tools/toy_benchmark.py``: then a config's entry takes the first row of the
benchmark that runs that config, if it has been measured (``<row>.json``: mean mIoU, seeds, date).
"""
import argparse
import datetime
import glob
import json
import os
import os.path as osp
import sys

import yaml
from mmengine.config import Config

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _find(pipeline, kind):
    return next((t for t in pipeline or [] if t.get('type') == kind), None)


def _backbone(model) -> str:
    part = model.get('backbone')
    if part:
        inner = part.get('backbone', part)  # S-Seg's MaskFormer wraps a backbone
        name = inner.get('model_name') or inner.get('depth') or inner.get('embed_dims')
        return f"{inner['type']} ({name})" if name else inner['type']
    if 'pseudo_masks' in model:
        return _backbone(model.pseudo_masks)
    return 'none'


def recipe(cfg) -> dict:
    """The Metadata of one config: what it trains or evaluates, and how."""
    model = cfg.model
    meta = {'Architecture': [model['type']], 'backbone': _backbone(model)}
    head = model.get('decode_head') or model.get('zero_shot')
    if head:
        meta['Architecture'].append(head['type'])
    trains = cfg.get('train_dataloader') is not None and cfg.get('pseudo_label_dir') is None
    if trains:
        per_process = cfg.train_dataloader.batch_size
        total = (cfg.get('auto_scale_lr') or {}).get('base_batch_size', per_process)
        meta['Batch Size'] = total
        meta['processes x batch'] = f'{total // per_process}x{per_process}'
        meta['lr schd'] = cfg.train_cfg.max_iters
        crop = _find(cfg.train_dataloader.dataset.get('pipeline'), 'RandomCrop')
        if crop:
            meta['crop size'] = list(crop['crop_size'])
    else:
        meta['lr schd'] = 'pseudo labels' if cfg.get('pseudo_label_dir') else 'evaluation only'
    test = cfg.get('test_dataloader')
    if test is not None:
        resize = _find(test.dataset.get('pipeline'), 'Resize')
        if resize:
            meta['test scale'] = list(resize['scale'])
    test_cfg = model.get('test_cfg') or {}
    if test_cfg.get('mode') == 'slide':
        meta['inference'] = f"slide {list(test_cfg['crop_size'])} stride {list(test_cfg['stride'])}"
    else:
        meta['inference'] = 'whole'
    return meta


def toy_results(out_dir: str) -> dict:
    """``{config: (Results, Notes)}`` of the first toy-benchmark row of each config, if measured
    (a config whose first row has no ``<row>.json`` keeps its entry: a later row of the same config
    measures a variant)."""
    sys.path.insert(0, osp.join(ROOT, 'tools'))
    from toy_benchmark import ROWS
    found, seen = {}, set()
    for row in ROWS:
        path = osp.join(out_dir, f'{row.key}.json')
        first = row.config not in seen
        seen.add(row.config)
        if not first or not osp.isfile(path):
            continue
        with open(path) as f:
            result = json.load(f)
        seeds = result.get('seeds', [])
        spread = f' +- {result["mIoU_std"]:.1f} over {len(seeds)} seeds' if len(seeds) > 1 else ''
        date = datetime.date.fromtimestamp(os.path.getmtime(path)).isoformat()
        results = [{'Task': 'Semantic Segmentation', 'Dataset': 'Toy world val (500 images)',
                    'Metrics': {'mIoU': round(result['mIoU'], 2)}}]
        notes = (f'measured by `python tools/toy_benchmark.py --only {row.key}` on a 2-core CPU ({date}): '
                 f'{row.setting}{spread}; the paper\'s numbers are in the README')
        found[row.config] = (results, notes)
    return found


def updated_metafile(folder: str, measured: dict) -> dict:
    path = osp.join(folder, 'metafile.yaml')
    with open(path) as f:
        meta = yaml.safe_load(f)
    collection = meta['Collections'][0]['Name']
    old = {m['Config']: m for m in meta['Models']}
    models = []
    for config in sorted(glob.glob(osp.join(folder, '*.py'))):
        rel = osp.relpath(config, ROOT)
        entry = {'Name': f'{osp.basename(folder)}_{osp.splitext(osp.basename(config))[0]}',
                 'In Collection': collection, 'Config': rel, 'Metadata': recipe(Config.fromfile(config))}
        for key in ('Results', 'Notes'):
            if key in old.get(rel, {}):
                entry[key] = old[rel][key]
        if rel in measured:
            entry['Results'], entry['Notes'] = measured[rel]
        models.append(entry)
    return dict(meta, Models=models)


def header(path: str) -> str:
    with open(path) as f:
        return ''.join(line for line in f if line.startswith('#'))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--check', action='store_true', help='only compare; exit 1 on a difference')
    parser.add_argument('--toy-results', help="tools/toy_benchmark.py's output folder to take measured rows from")
    args = parser.parse_args()
    measured = toy_results(args.toy_results) if args.toy_results else {}
    stale = []
    for path in sorted(glob.glob(osp.join(ROOT, 'configs', '*', 'metafile.yaml'))):
        folder = osp.dirname(path)
        new = updated_metafile(folder, measured)
        with open(path) as f:
            if yaml.safe_load(f) == new:
                continue
        stale.append(osp.relpath(path, ROOT))
        if not args.check:
            body = yaml.safe_dump(new, sort_keys=False, width=120, allow_unicode=True, default_flow_style=None)
            text = header(path) + body
            with open(path, 'w') as f:
                f.write(text)
    if stale:
        print(('stale: ' if args.check else 'updated: ') + ', '.join(stale))
    sys.exit(1 if stale and args.check else 0)


if __name__ == '__main__':
    main()
