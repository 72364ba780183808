"""Pseudo labels through the standard tools: the writer (atomic, resumable), the pending-image
dataset and prompt sharpness."""
import os
import os.path as osp
import signal
import subprocess
import sys

import mmcv
import numpy as np
import pytest
import torch
from conftest import REPO_ROOT
from helpers import TINY, run_tool

from mmseg_textsup.evaluation import PseudoLabelWriter, add_pseudo_label_writing

ENV = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=osp.dirname(osp.abspath(__file__)))  # finds kill_hook


def _sample(name, label, conf=None):
    s = dict(img_path=f'/data/{name}.jpg', pred_sem_seg=dict(data=torch.as_tensor(label)[None]))
    if conf is not None:
        s['confidence'] = dict(data=torch.as_tensor(conf)[None])
    return s


def test_writer_writes_labels_and_confidence_and_skips_finished_images(tmp_path):
    writer = PseudoLabelWriter(out_dir=str(tmp_path))
    label = np.array([[0, 3], [7, 255]], np.uint8)
    conf = np.array([[1.0, 0.5], [0.96, 0.0]], np.float32)
    writer.process(None, [_sample('a', label, conf)])
    np.testing.assert_array_equal(mmcv.imread(str(tmp_path / 'labels/a.png'), flag='unchanged'), label)
    written = mmcv.imread(str(tmp_path / 'confidence/a.png'), flag='unchanged')
    assert written.dtype == np.uint16  # 16-bit: a threshold of 0.95 holds to 1e-5
    np.testing.assert_array_equal(written, [[65535, 32768], [62914, 0]])
    # a second run does not rewrite a finished image
    writer.process(None, [_sample('a', label * 0, conf), _sample('b', label)])
    assert mmcv.imread(str(tmp_path / 'labels/a.png'), flag='unchanged')[0, 1] == 3
    assert writer.compute_metrics(writer.results) == dict(written=2, skipped=1)
    assert not [f for f in os.listdir(tmp_path / 'labels') if 'tmp' in f]


def test_a_config_with_pseudo_label_dir_writes_there(tmp_path):
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs/clip_es/toy_pseudo_masks.py'))
    add_pseudo_label_writing(cfg, str(tmp_path / 'out'))
    add_pseudo_label_writing(cfg, str(tmp_path / 'out'))  # idempotent
    assert cfg.test_dataloader.dataset.type == 'PendingPseudoLabels'
    assert cfg.test_dataloader.dataset.dataset.type == 'BaseSegDataset'
    assert [e['type'] for e in cfg.test_evaluator] == ['IoUMetric', 'PseudoLabelWriter']
    writer = PseudoLabelWriter()  # no out_dir: the PendingPseudoLabels dataset names it
    with pytest.raises(ValueError, match='needs out_dir'):
        writer.out_dir
    writer.dataset_meta = dict(pseudo_label_dir=str(tmp_path / 'out'))
    writer.process(None, [_sample('a', np.zeros((2, 2), np.uint8))])
    assert osp.isfile(tmp_path / 'out/labels/a.png')


def test_sharpness_is_eq5():
    from importlib import util
    spec = util.spec_from_file_location('sharp', osp.join(REPO_ROOT, 'tools', 'analysis_tools', 'clip_es_sharpness.py'))
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scores = [torch.tensor([0.2, 0.6]), torch.tensor([0.5])]
    expected = (np.var([0.2, 0.6]) + 0.0) / (0.4 + 0.5)
    assert module.sharpness(scores) == pytest.approx(expected)


def test_two_writers_of_one_file_never_share_a_temporary_file(tmp_path):
    """Each write renames its own temporary file (one shared name: one writer's rename found it gone)."""
    from concurrent.futures import ThreadPoolExecutor

    from mmseg_textsup.evaluation.pseudo_label_writer import write_png_atomic
    path = str(tmp_path / 'a.png')
    label = np.random.default_rng(0).integers(0, 20, (256, 256), dtype=np.uint8)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: write_png_atomic(path, label), range(40)))
    assert np.array_equal(mmcv.imread(path, flag='unchanged'), label) and os.listdir(tmp_path) == ['a.png']


def _toy_voc(root, n=16):
    from mmseg_textsup.datasets.toy.export import write_voc_layout
    write_voc_layout(str(root), {'train': (0, n)}, seed=0)


def _pseudo_label_cmd(tmp_path, out_dir, clip_path, voc, kill_at_batch=None):
    config = osp.join(REPO_ROOT, 'configs/clip_es/toy_pseudo_masks.py')
    if kill_at_batch:  # the run SIGKILLs itself after this many batches were written
        killing = tmp_path / 'killing_pseudo_masks.py'
        killing.write_text(f"_base_ = [{config!r}]\ncustom_imports = dict(imports=['mmseg_textsup', 'kill_hook'])\n"
                           f"custom_hooks = [dict(type='SigkillAfterIterHook', at_test_batch={kill_at_batch})]\n")
        config = str(killing)
    options = [
        f'pseudo_label_dir={out_dir}', f'model.backbone.model_name={TINY}', f'model.backbone.pretrained={clip_path}',
        f'model.text_encoder.model_name={TINY}', f'model.text_encoder.pretrained={clip_path}',
        f'pseudo_label_dir={out_dir}', f'test_dataloader.dataset.data_root={voc}',
        f'test_dataloader.dataset.pipeline.2.label_file={voc}/ImageLabels/train_objects.txt',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False'
    ]
    return [sys.executable, 'tools/test.py', config, 'none', '--work-dir', str(tmp_path / 'wd'), '--cfg-options',
            *options]


def _in_process(cmd, tmp_path):
    """The uninterrupted runs of a command line in this process (``run_tool``); the killed one is a subprocess."""
    return run_tool(cmd[1], cmd[2:], tmp_path / 'wd')


def _files(out_dir):
    found = {}
    for sub in ('labels', 'confidence'):
        for name in sorted(os.listdir(osp.join(out_dir, sub))):
            with open(osp.join(out_dir, sub, name), 'rb') as f:
                found[f'{sub}/{name}'] = f.read()
    return found


@pytest.mark.slow
def test_pseudo_label_writing_killed_half_way_resumes_to_the_same_files(tmp_path):
    import open_clip
    voc = tmp_path / 'voc'
    _toy_voc(voc)
    clip_path = str(tmp_path / 'tiny_clip.pth')
    torch.save(open_clip.create_model(TINY, pretrained=None).state_dict(), clip_path)
    full, resumed = str(tmp_path / 'full'), str(tmp_path / 'resumed')
    log = _in_process(_pseudo_label_cmd(tmp_path, full, clip_path, voc), tmp_path)
    assert 'mIoU' in log and 'resumed job' not in log
    reference = _files(full)
    assert len(reference) == 32
    # interrupted run: it kills itself after a few batches were written
    killed = subprocess.run(_pseudo_label_cmd(tmp_path, resumed, clip_path, voc, kill_at_batch=8), cwd=REPO_ROOT,
                            env=ENV, capture_output=True, text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    labels = osp.join(resumed, 'labels')
    partial = [f for f in os.listdir(labels) if f.endswith('.png') and '.tmp' not in f]
    assert 4 <= len(partial) < 16, 'the kill should land half-way'
    for name in partial:  # whatever was written is a complete PNG
        assert mmcv.imread(osp.join(labels, name), flag='unchanged') is not None
    log = _in_process(_pseudo_label_cmd(tmp_path, resumed, clip_path, voc), tmp_path)
    assert _files(resumed) == reference
    assert f'this run computed {16 - len(partial)} of the 16 images' in log  # a subset's mIoU
    # the finished job run again: nothing to compute, says so, exits 0 (MMEngine's sampler divided by zero)
    log = _in_process(_pseudo_label_cmd(tmp_path, resumed, clip_path, voc), tmp_path)
    assert f'all 16 images already have their labels in {resumed}: nothing to do' in log
