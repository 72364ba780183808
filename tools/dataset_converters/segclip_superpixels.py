"""Precompute SegCLIP's Felzenszwalb superpixels of the full images of a pair dataset.

    python tools/dataset_converters/segclip_superpixels.py configs/segclip/pretrain.py data/superpixels [--workers 8]

Reads the training dataset(s) of the config (web-dataset shards and CSV lists, with their own
image loading) and writes one uint16 PNG per image to ``<out>/<shard name>/<key>.png`` (shards)
or ``<out>/<image name>.png`` (CSV lists); existing files are kept, so an interrupted run resumes.
Use them with ``dict(type='Superpixels', precomputed=<out>)`` placed right after
``LoadImageTextPair`` (the maps then follow the resize / crop / flip). Computing them on the
fly for the training crop is the default; tools/benchmark/segclip_step.py measures the cost.
"""
import argparse
import os
import os.path as osp
from multiprocessing import Pool

import mmcv
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS
from tqdm import tqdm

from mmseg_textsup.datasets.transforms import LoadImageTextPair
from mmseg_textsup.models.segclip import felzenszwalb_superpixels, superpixel_path

_STATE = {}


def _datasets(cfg):
    dataset = cfg.train_dataloader.dataset
    parts = dataset.datasets if dataset.type == 'ConcatDataset' else [dataset]
    for part in parts:
        yield DATASETS.build(dict(part, pipeline=[], serialize_data=False))


def _superpixel_settings(cfg) -> dict:
    dataset = cfg.train_dataloader.dataset
    pipeline = (dataset.datasets[0] if dataset.type == 'ConcatDataset' else dataset).pipeline
    step = next((t for t in pipeline if t.type == 'Superpixels'), {})
    return {k: step[k] for k in ('scale', 'sigma', 'min_size') if k in step}


def _work(info):
    path = superpixel_path(info, _STATE['out'])
    if osp.isfile(path):
        return 'kept'
    results = _STATE['loader'](dict(info))
    if results is None:
        return 'broken'
    ids = felzenszwalb_superpixels(results['img'], **_STATE['settings'])
    os.makedirs(osp.dirname(path), exist_ok=True)
    tmp = path + '.tmp.png'
    mmcv.imwrite(ids, tmp)
    os.replace(tmp, path)
    return 'written'


def _init(out, settings):
    _STATE.update(out=out, settings=settings, loader=LoadImageTextPair())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('out')
    parser.add_argument('--workers', type=int, default=os.cpu_count())
    args = parser.parse_args()
    cfg = Config.fromfile(args.config)
    init_default_scope('mmseg')
    settings = _superpixel_settings(cfg)
    infos = [ds.get_data_info(i) for ds in _datasets(cfg) for i in range(len(ds))]
    counts = dict(written=0, kept=0, broken=0)
    with Pool(args.workers, initializer=_init, initargs=(args.out, settings)) as pool:
        for status in tqdm(pool.imap_unordered(_work, infos, chunksize=16), total=len(infos), desc='superpixels'):
            counts[status] += 1
    print(f"{counts['written']} written, {counts['kept']} already there, {counts['broken']} broken samples skipped "
          f'-> {args.out} ({settings or "default settings"})')


if __name__ == '__main__':
    main()
