"""tools/benchmark_table.py: several methods over the benchmarks on generated dataset folders."""
import csv
import os
import runpy
import subprocess
import sys
from unittest import mock

import pytest
from conftest import REPO_ROOT
from dist_utils import _free_port
from helpers import run_tool

from mmseg_textsup.datasets.toy.export import write_voc_layout


def tiny_options(tower='TextSup-Tiny-ViT16'):
    """Options of every config: random tiny towers, one template, no loader workers."""
    return [f'model.backbone.model_name={tower}', 'model.backbone.pretrained=None',
            f'model.decode_head.text_encoder.model_name={tower}', 'model.decode_head.text_encoder.pretrained=None',
            'model.decode_head.text_encoder.templates=single', 'test_dataloader.num_workers=0',
            'test_dataloader.persistent_workers=False']


OPTIONS = tiny_options()
METHODS = ('resclip', 'sc_clip', 'pearl')  # SCLIP and NACLIP: test_two_processes_write_the_table_of_one


@pytest.mark.slow
def test_table_of_the_frontier_methods_on_the_folders_that_exist(tmp_path, capsys):
    """ResCLIP, SC-CLIP and PEARL in one command. SC-CLIP and ResCLIP need a tower of 12 blocks (their
    block indices) and SC-CLIP 224 windows of 196 patches (its 30 LOF neighbours): the 12-block tiny
    tower, for all three."""
    write_voc_layout(str(tmp_path / 'data' / 'VOCdevkit' / 'VOC2012'), {'val': (0, 1)})  # one image: three methods
    argv = ['benchmark_table.py', *(f'{REPO_ROOT}/configs/{m}' for m in METHODS), '--benchmarks', 'voc21',
            'context60', '--data-dir', str(tmp_path / 'data'), '--out', str(tmp_path / 'out'),
            '--cfg-options', *tiny_options('TextSup-Tiny-ViT16-12L')]
    with mock.patch.object(sys, 'argv', argv):
        runpy.run_path(f'{REPO_ROOT}/tools/benchmark_table.py', run_name='__main__')
    out = capsys.readouterr().out
    with open(tmp_path / 'out' / 'results.csv') as f:
        rows = {(r['method'], r['benchmark']): r for r in csv.DictReader(f)}
    assert set(rows) == {(m, b) for m in METHODS for b in ('voc21', 'context60')}
    for method in METHODS:  # VOC21 reads the generated folder, Context60's is missing
        assert 0 <= float(rows[method, 'voc21']['mIoU']) <= 100 and float(rows[method, 'voc21']['images_per_s']) > 0
        assert 'VOCdevkit/VOC2010/JPEGImages not found' in rows[method, 'context60']['skipped']
    table = (tmp_path / 'out' / 'results.md').read_text()
    assert table in out and table.splitlines()[0].startswith('| method | voc21 | context60 | mean |')
    assert all(f'| {m} |' in table for m in METHODS)


#: method -> its other models as tiny random ones (no weight file): DINO as wide as the tower for CASS; DINO and
#: a SAM encoder of 12 heads for Trident
OTHER_MODELS = {
    'cass': ['model.backbone.vfm.pretrained=None', 'model.backbone.vfm.model_kwargs.embed_dim=128',
             'model.backbone.vfm.model_kwargs.depth=1', 'model.backbone.vfm.model_kwargs.num_heads=2'],
    'trident': ['model.backbone.vfm.pretrained=None', 'model.backbone.vfm.model_kwargs.embed_dim=64',
                'model.backbone.vfm.model_kwargs.depth=1', 'model.backbone.vfm.model_kwargs.num_heads=2',
                'model.sam.pretrained=None', 'model.sam.encoder_kwargs.embed_dim=48',
                'model.sam.encoder_kwargs.depth=2', 'model.sam.encoder_kwargs.num_heads=2',
                'model.sam.encoder_kwargs.global_attn_indexes=[1]'],
}


@pytest.mark.slow
@pytest.mark.parametrize('method', list(OTHER_MODELS))
def test_table_of_a_method_with_other_models(tmp_path, method):
    """CASS and Trident in the table, with their DINO (and SAM) tiny and random."""
    write_voc_layout(str(tmp_path / 'data' / 'VOCdevkit' / 'VOC2012'), {'val': (0, 1)})
    argv = ['benchmark_table.py', f'{REPO_ROOT}/configs/{method}', '--benchmarks', 'voc21', '--data-dir',
            str(tmp_path / 'data'), '--out', str(tmp_path / 'out'), '--cfg-options', *tiny_options(),
            *OTHER_MODELS[method]]
    with mock.patch.object(sys, 'argv', argv):
        runpy.run_path(f'{REPO_ROOT}/tools/benchmark_table.py', run_name='__main__')
    with open(tmp_path / 'out' / 'results.csv') as f:
        (row, ) = csv.DictReader(f)
    assert row['method'] == method and 0 <= float(row['mIoU']) <= 100 and float(row['images_per_s']) > 0
    assert float(row['params_m']) > 0 and float(row['gmacs_per_image']) > 0


def _table(tmp_path, name, launcher):
    """The table of SCLIP and NACLIP on VOC21: on two processes (torchrun, a subprocess) or on one (in
    this process, ``run_tool``)."""
    args = [f'{REPO_ROOT}/configs/sclip', f'{REPO_ROOT}/configs/naclip', '--benchmarks', 'voc21', '--data-dir',
            str(tmp_path / 'data'), '--out', str(tmp_path / name), '--cfg-options', *OPTIONS,
            'randomness.seed=0']  # the same random towers in both runs
    if launcher:
        env = dict(os.environ, OMP_NUM_THREADS='1')
        proc = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '--master_port',
                               str(_free_port()), f'{REPO_ROOT}/tools/benchmark_table.py', *args, '--launcher',
                               'pytorch'], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        out = proc.stdout
    else:
        out = run_tool('tools/benchmark_table.py', args, tmp_path / name)
    with open(tmp_path / name / 'results.csv') as f:
        return {r['method']: float(r['mIoU']) for r in csv.DictReader(f)}, out


@pytest.mark.slow
def test_two_processes_write_the_table_of_one(tmp_path):
    write_voc_layout(str(tmp_path / 'data' / 'VOCdevkit' / 'VOC2012'), {'val': (0, 2)})  # one image per rank
    single, _ = _table(tmp_path, 'single', launcher=False)
    dist, out = _table(tmp_path, 'dist', launcher=True)
    assert dist == single and set(dist) == {'sclip', 'naclip'}
    assert out.count('| method | voc21 | mean |') == 1  # printed by the main process only


def load_tool():
    import importlib.util
    spec = importlib.util.spec_from_file_location('benchmark_table', f'{REPO_ROOT}/tools/benchmark_table.py')
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def test_table_gives_the_three_means_the_field_reports_and_the_costs(tmp_path):
    tool = load_tool()
    mious = dict(voc21=60, context60=30, coco_object=30, voc20=80, cityscapes=30, context59=35, ade20k=15,
                 coco_stuff=20)
    results = {'a': {b: dict(mIoU=m, images_per_s=2.0, peak=None, params=150.0, gmacs=40.0) for b, m in mious.items()},
               'b': {'voc21': dict(mIoU=50.0, images_per_s=1.0, peak=None, params=12.5, gmacs=None)}}
    table = tool.write_tables(results, tool.BENCHMARKS, str(tmp_path)).splitlines()
    assert table[0] == ('| method | voc21 | context60 | coco_object | voc20 | cityscapes | context59 | ade20k | '
                        'coco_stuff | mean | mean with bg | mean w/o bg | params (M) | GMACs / image (mean) | '
                        'images/s (mean) | peak GiB (max) |')
    assert '| 37.50 | 40.00 | 36.00 | 150.00 | 40.00 | 2.00 | - |' in table[2]  # 300 / 8, 120 / 3, 180 / 5
    assert table[3].endswith('| - | - | - | 12.50 | - | 1.00 | - |')  # one benchmark: no mean
    with open(tmp_path / 'results.csv') as f:
        row = next(csv.DictReader(f))
    assert (row['params_m'], row['gmacs_per_image']) == ('150.0', '40.0')


def test_the_first_test_step_is_counted_in_multiply_accumulates():
    """A linear layer of 3 x 4 on a batch of 2 (as samples): 2 * 3 * 4 = 24 multiply-accumulates."""
    import torch

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(3, 4)

        def test_step(self, data):
            return list(self.fc(data))

    model = Model()
    counted = load_tool().count_first_step(model)
    model.test_step(torch.ones(2, 3))
    model.test_step(torch.ones(5, 3))  # not counted
    assert counted == dict(macs=24, images=2)
