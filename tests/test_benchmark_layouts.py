"""Generated datasets in the 8 benchmarks' folder layouts: each dataset config reads its layout (files, split
lists, label values), and the benchmark table runs a method over all 8 of them."""
import csv
import os.path as osp
import runpy
import sys
from unittest import mock

import cv2
import numpy as np
import pytest
from conftest import REPO_ROOT
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS
from test_benchmark_table import tiny_options

from mmseg_textsup.datasets.benchmark_layouts import BENCHMARKS, write_benchmark_layouts

#: benchmark -> its dataset config in configs/_base_/datasets/
DATASET_CONFIGS = dict({name: name for name in BENCHMARKS}, coco_stuff='coco_stuff164k')


@pytest.fixture(scope='module')
def data_dir(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp('benchmarks'))
    write_benchmark_layouts(folder, num_images=2, sizes=[(40, 60), (48, 40)])
    return folder


@pytest.mark.parametrize('benchmark', list(BENCHMARKS))
def test_each_dataset_config_reads_its_generated_layout(data_dir, benchmark):
    init_default_scope('mmseg')
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', '_base_', 'datasets', f'{DATASET_CONFIGS[benchmark]}.py'))
    dataset = cfg.test_dataloader.dataset
    dataset.data_root = osp.join(data_dir, dataset.data_root[len('data/'):])
    dataset = DATASETS.build(dataset)
    assert len(dataset) == 2
    classes = len(dataset.metainfo['classes'])
    for i in range(2):
        labels = np.unique(dataset[i]['data_samples'].gt_sem_seg.data.numpy())
        assert set(labels) <= set(range(classes)) | {255}, (benchmark, labels)
        assert len(set(labels) - {255}) >= 1


def test_a_sample_has_real_sizes_and_ignored_borders(tmp_path):
    roots = write_benchmark_layouts(str(tmp_path), ['voc21', 'cityscapes'], num_images=1)
    label = cv2.imread(osp.join(roots['voc21'], 'SegmentationClass', '2007_000000.png'), cv2.IMREAD_UNCHANGED)
    assert label.shape == (375, 500) and 255 in label
    image = cv2.imread(osp.join(roots['cityscapes'], 'leftImg8bit', 'val', 'frankfurt',
                                'frankfurt_000000_000000_leftImg8bit.png'))
    assert image.shape == (1024, 2048, 3)


@pytest.mark.slow
def test_the_table_runs_a_method_over_the_8_generated_benchmarks(data_dir, tmp_path):
    argv = ['benchmark_table.py', f'{REPO_ROOT}/configs/sclip', '--data-dir', data_dir, '--out', str(tmp_path / 'out'),
            '--cfg-options', *tiny_options()]
    with mock.patch.object(sys, 'argv', argv):
        runpy.run_path(f'{REPO_ROOT}/tools/benchmark_table.py', run_name='__main__')
    with open(tmp_path / 'out' / 'results.csv') as f:
        rows = {r['benchmark']: r for r in csv.DictReader(f)}
    assert set(rows) == set(BENCHMARKS)
    for name, row in rows.items():
        assert not row.get('skipped') and 0 <= float(row['mIoU']) <= 100, (name, row)
