import hashlib
import multiprocessing as mp

import numpy as np
import pytest
from mmseg.registry import DATASETS

from mmseg_textsup.datasets.toy import BACKGROUNDS, CLASSES, OBJECTS, ToyWorld


def _digest(seed, indices):
    world = ToyWorld(seed=seed)
    h = hashlib.sha256()
    for i in indices:
        s = world.sample(i)
        h.update(s.image.tobytes())
        h.update(s.label.tobytes())
        h.update(s.caption.encode())
    return h.hexdigest()


@pytest.mark.slow
def test_same_index_gives_identical_bytes_across_processes():
    indices = [0, 7, 123456, 10_000_003]
    here = _digest(0, indices)
    assert here == _digest(0, indices)
    with mp.get_context('spawn').Pool(1) as pool:
        assert pool.apply(_digest, (0, indices)) == here
    assert _digest(1, indices) != here


def test_samples_are_consistent():
    world = ToyWorld(seed=0)
    for i in range(50):
        s = world.sample(i)
        assert s.image.shape == (64, 64, 3) and s.image.dtype == np.uint8
        assert s.label.shape == (64, 64)
        assert set(np.unique(s.label).tolist()) == set(s.classes)
        backgrounds = [c for c in s.classes if CLASSES[c] in BACKGROUNDS]
        objects = [CLASSES[c] for c in s.classes if CLASSES[c] in OBJECTS]
        assert len(backgrounds) == 1 and 1 <= len(objects) <= 3
        for name in objects:  # every visible object is named in the caption
            assert name in s.caption, (s.caption, objects)


def test_every_class_appears_and_captions_vary():
    world = ToyWorld(seed=0)
    samples = [world.sample(i) for i in range(300)]
    counts = np.bincount(np.concatenate([s.label.ravel() for s in samples]), minlength=len(CLASSES))
    assert (counts > 0).all()
    assert len({s.caption for s in samples}) > 150
    mentions_bg = np.mean([any(b in s.caption for b in BACKGROUNDS) for s in samples])
    assert 0.5 < mentions_bg < 0.9


def test_toy_datasets_are_registered_and_split_disjointly():
    pipeline = [dict(type='LoadToySample'), dict(type='PackSegInputs')]
    train = DATASETS.build(dict(type='ToySegDataset', split='train', num_samples=3, pipeline=pipeline))
    val = DATASETS.build(dict(type='ToySegDataset', split='val', num_samples=3, pipeline=pipeline))
    assert train.metainfo['classes'] == CLASSES
    a, b = train[0], val[0]
    assert a['inputs'].shape == (3, 64, 64)
    assert a['data_samples'].gt_sem_seg.data.shape == (1, 64, 64)
    assert not np.array_equal(a['inputs'].numpy(), b['inputs'].numpy())
    pairs = DATASETS.build(
        dict(type='ToyCaptionDataset', num_samples=5, pipeline=[
            dict(type='LoadToySample', with_seg=False),
            dict(type='TokenizeCaption', model_name='TextSup-Toy-ViT'),
            dict(type='PackImageTextInputs')
        ]))
    item = pairs[2]
    assert item['data_samples'].text_tokens.shape == (16, )
    assert item['data_samples'].metainfo['caption']


def test_image_level_labels_reach_the_data_sample():
    from conftest import REPO_ROOT
    from mmengine.config import Config
    cfg = Config.fromfile(f'{REPO_ROOT}/configs/_base_/datasets/toy_image_labels.py')
    dataset = DATASETS.build(dict(cfg.test_dataloader.dataset, num_samples=3))
    for i in range(3):
        sample = dataset[i]['data_samples']
        labels = set(sample.metainfo['image_labels'].tolist())
        assert labels == set(sample.gt_sem_seg.data.unique().tolist())
