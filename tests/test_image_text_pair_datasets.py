import csv
import os.path as osp
from unittest import mock

import pytest
import torch
from mmengine.dataset import DefaultSampler, pseudo_collate
from mmseg.registry import DATASETS

from mmseg_textsup.datasets.toy import ToyWorld
from mmseg_textsup.datasets.toy.export import write_shards
from mmseg_textsup.datasets.web_dataset_pairs import expand_shards, index_shard

PIPELINE = [dict(type='LoadImageTextPair'), dict(type='TokenizeCaption', model_name='TextSup-Tiny-ViT'),
            dict(type='PackImageTextInputs', meta_keys=('key', 'caption'))]


@pytest.fixture(scope='module')
def shards(tmp_path_factory):
    out = tmp_path_factory.mktemp('shards')
    return write_shards(str(out), num_samples=24, samples_per_shard=10)


def test_shards_are_indexed_and_decoded(shards):
    assert [osp.basename(p) for p in shards] == ['00000.tar', '00001.tar', '00002.tar']
    assert expand_shards(osp.join(osp.dirname(shards[0]), '{00000..00002}.tar')) == shards
    dataset = DATASETS.build(dict(type='WebDatasetPairs', shards=shards, pipeline=PIPELINE))
    assert len(dataset) == 24
    world = ToyWorld(seed=0)
    item = dataset[13]
    assert item['inputs'].shape == (3, 64, 64)
    assert item['data_samples'].metainfo['caption'] == world.sample(13).caption
    # JPEG round trip stays close to the generated pixels
    diff = (item['inputs'].flip(0).permute(1, 2, 0).float() - torch.from_numpy(world.sample(13).image).float())
    assert diff.abs().mean() < 6


def _keys_read(rank, shards, world_size=2, workers=2):
    dataset = DATASETS.build(dict(type='WebDatasetPairs', shards=shards, pipeline=PIPELINE))
    with mock.patch('mmengine.dataset.sampler.get_dist_info', return_value=(rank, world_size)):
        sampler = DefaultSampler(dataset, shuffle=True, seed=3, round_up=False)
    loader = torch.utils.data.DataLoader(dataset, batch_size=4, sampler=sampler, num_workers=workers,
                                         collate_fn=pseudo_collate)
    return [s.metainfo['key'] for batch in loader for s in batch['data_samples']]


@pytest.mark.slow
def test_two_ranks_two_workers_read_every_sample_once(shards):
    keys = _keys_read(0, shards) + _keys_read(1, shards)
    assert len(keys) == 24 and len(set(keys)) == 24
    assert keys[:6] != sorted(keys[:6]) or keys[6:12] != sorted(keys[6:12])  # shuffled


def test_csv_and_tsv_lists(tmp_path):
    import mmcv
    world = ToyWorld(seed=0)
    for sep, ext in ((',', 'csv'), ('\t', 'tsv')):
        rows = []
        for i in range(3):
            name = f'img{i}.png'
            mmcv.imwrite(world.sample(i).image[..., ::-1], str(tmp_path / name))
            rows.append({'filepath': name, 'title': world.sample(i).caption})
        ann = tmp_path / f'pairs.{ext}'
        with open(ann, 'w', newline='') as f:
            writer = csv.DictWriter(f, fieldnames=['filepath', 'title'], delimiter=sep)
            writer.writeheader()
            writer.writerows(rows)
        dataset = DATASETS.build(dict(type='CsvPairs', ann_file=str(ann), data_root=str(tmp_path), pipeline=PIPELINE))
        assert len(dataset) == 3
        assert dataset[1]['data_samples'].metainfo['caption'] == world.sample(1).caption
    with pytest.raises(ValueError, match="no column 'caption'"):
        DATASETS.build(dict(type='CsvPairs', ann_file=str(ann), caption_key='caption', pipeline=PIPELINE))


@pytest.mark.slow
def test_broken_samples_are_skipped_or_raise_when_strict(tmp_path):
    import io
    import tarfile
    path = tmp_path / 'bad.tar'
    good = write_shards(str(tmp_path / 'good'), num_samples=1)[0]
    with tarfile.open(good) as src, tarfile.open(path, 'w') as dst:
        for m in src.getmembers():
            dst.addfile(m, src.extractfile(m))
        for name, data in (('broken.jpg', b'\xff\xd8not a jpeg'), ('broken.txt', b'a caption'),
                           ('empty.jpg', src.extractfile('000000000.jpg').read()), ('empty.txt', b'  '),
                           ('latin.jpg', src.extractfile('000000000.jpg').read()), ('latin.txt', b'caf\xe9')):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    dataset = DATASETS.build(dict(type='WebDatasetPairs', shards=[str(path)], pipeline=PIPELINE, max_refetch=50))
    assert len(dataset) == 4
    keys = {dataset[i]['data_samples'].metainfo['key'] for i in range(4)}
    assert keys == {'000000000'}  # every broken sample was replaced by the good one
    assert dataset.num_skipped >= 3  # counted (shared with forked workers) for SkippedSamplesHook
    from types import SimpleNamespace

    from mmseg_textsup.engine import SkippedSamplesHook
    runner = SimpleNamespace(train_dataloader=SimpleNamespace(dataset=dataset))
    assert SkippedSamplesHook.total(runner) == dataset.num_skipped
    # skips made in forked dataloader workers are counted in the main process
    before = dataset.num_skipped
    from torch.utils.data import DataLoader
    list(DataLoader(dataset, batch_size=2, num_workers=2, collate_fn=lambda b: b,
                    multiprocessing_context='fork'))
    assert dataset.num_skipped >= before + 3
    strict = DATASETS.build(
        dict(type='WebDatasetPairs', shards=[str(path)], pipeline=[dict(type='LoadImageTextPair', strict=True)]))
    errors = set()
    for i in range(4):
        try:
            strict[i]
        except Exception as exc:  # noqa: BLE001
            errors.add(str(exc))
    assert any('bad.tar:broken: image cannot be decoded' in e for e in errors)
    assert any('bad.tar:empty: empty caption' in e for e in errors)
    assert any('bad.tar:latin: caption is not UTF-8' in e for e in errors)


def test_truncated_tar_keeps_complete_samples(tmp_path, shards):
    data = open(shards[0], 'rb').read()
    cut = tmp_path / 'cut.tar'
    cut.write_bytes(data[:len(data) // 2])
    samples = index_shard(str(cut))
    assert 0 < len(samples) < 10
