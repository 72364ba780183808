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
    assert any('bad.tar:empty: empty or missing caption' in e for e in errors)
    assert any('bad.tar:latin: caption is not UTF-8' in e for e in errors)


def test_truncated_tar_keeps_complete_samples(tmp_path, shards):
    data = open(shards[0], 'rb').read()
    cut = tmp_path / 'cut.tar'
    cut.write_bytes(data[:len(data) // 2])
    samples, problems = index_shard(str(cut))
    assert 0 < len(samples) < 10
    assert f'{cut}: truncated or damaged after' in problems[-1] and 'are lost' in problems[-1]


@pytest.fixture
def logged():
    """The messages the datasets and the loading transform log (MMEngine's logger does not propagate)."""
    messages = []
    record = mock.Mock(side_effect=lambda msg, *a, **k: messages.append(msg))
    with mock.patch('mmseg_textsup.datasets.skip_counter.print_log', record), \
            mock.patch('mmseg_textsup.datasets.transforms.load_image_text_pair.print_log', record):
        yield messages


def _shard_with(tmp_path, extra):
    """One good sample of the toy world plus ``extra`` (member name, bytes) in one tar."""
    import io
    import tarfile
    path = tmp_path / 'mixed.tar'
    good = write_shards(str(tmp_path / 'good'), num_samples=1)[0]
    with tarfile.open(good) as src, tarfile.open(path, 'w') as dst:
        for m in src.getmembers():
            dst.addfile(m, src.extractfile(m))
        for name, data in extra:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    return str(path)


def test_zero_byte_and_1x1_images_are_skipped_counted_and_named(tmp_path, logged):
    import cv2
    import numpy as np
    one_pixel = cv2.imencode('.png', np.zeros((1, 1, 3), np.uint8))[1].tobytes()
    path = _shard_with(tmp_path, [('zero.jpg', b''), ('zero.txt', b'a caption'), ('tiny.png', one_pixel),
                                  ('tiny.txt', b'a caption'), ('nocap.jpg', one_pixel), ('noimg.txt', b'words')])
    flip = [PIPELINE[0], dict(type='RandomFlip', prob=1.0), *PIPELINE[1:]]
    dataset = DATASETS.build(dict(type='WebDatasetPairs', shards=[path], pipeline=flip, max_refetch=50))
    assert len(dataset) == 3 and dataset.lost_at_indexing == 2  # nocap and noimg never become samples
    keys = {dataset[i]['data_samples'].metainfo['key'] for i in range(3)}
    assert keys == {'000000000'}
    assert dataset.num_skipped >= 2
    log = '\n'.join(logged)
    assert f'{path}:zero: empty image (0 bytes)' in log and f'{path}:tiny: image of 1 x 1 pixels' in log
    assert f'{path}:nocap: no a .txt caption' in log and f'{path}:noimg: no an image' in log
    # a 1 x 1 image that is let through packs after a flip (negative strides)
    tiny = DATASETS.build(dict(type='WebDatasetPairs', shards=[path],
                               pipeline=[dict(type='LoadImageTextPair', min_size=1), *flip[1:]]))
    assert any(tiny[i]['inputs'].shape == (3, 1, 1) for i in range(3))


def test_csv_rows_without_a_field_are_left_out_with_their_line(tmp_path, logged):
    ann = tmp_path / 'pairs.csv'
    ann.write_text('filepath,title\na.png,a cat\nb.png\n,no image\nc.png,a dog\n')
    dataset = DATASETS.build(dict(type='CsvPairs', ann_file=str(ann), pipeline=PIPELINE))
    assert len(dataset) == 2 and dataset.lost_at_indexing == 2
    log = '\n'.join(logged)
    assert f'{ann} line 3: no title' in log and f'{ann} line 4: no filepath' in log
    from types import SimpleNamespace

    from mmseg_textsup.engine import SkippedSamplesHook
    warnings = []
    runner = SimpleNamespace(train_dataloader=SimpleNamespace(dataset=dataset),
                             logger=SimpleNamespace(warning=warnings.append))
    SkippedSamplesHook().before_train(runner)
    assert warnings and warnings[0].startswith('2 samples or shard tails were left out while indexing')
