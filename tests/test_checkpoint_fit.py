"""A checkpoint trained for another number of classes is refused before evaluation."""
import pytest
import torch
from mmseg.registry import MODELS

from mmseg_textsup.engine.runner.checkpoint_fit import check_checkpoint_fits


def _segmentor(num_classes):
    return MODELS.build(dict(
        type='EncoderDecoder',
        backbone=dict(type='OpenCLIPVision', model_name='TextSup-Tiny-ViT', frozen=False, dense_mode='qk'),
        neck=dict(type='FeatureSelector', keys=('dense', )),
        decode_head=dict(type='FCNHead', in_channels=32, in_index=0, channels=16, num_convs=1, concat_input=False,
                         num_classes=num_classes)))


def test_checkpoint_of_another_vocabulary_size_is_refused(tmp_path):
    path = str(tmp_path / 'ten.pth')
    torch.save(dict(state_dict=_segmentor(10).state_dict(), meta={}), path)
    check_checkpoint_fits(_segmentor(10), path)  # fits
    with pytest.raises(ValueError, match=r'decode_head.conv_seg.weight: checkpoint \(10, 16, 1, 1\) vs model '
                                         r'\(5, 16, 1, 1\)'):
        check_checkpoint_fits(_segmentor(5), path)
    partial = {k: v for k, v in _segmentor(10).state_dict().items() if not k.startswith('backbone.')}
    torch.save(dict(state_dict=partial), path)
    with pytest.raises(ValueError, match='missing keys'):
        check_checkpoint_fits(_segmentor(10), path)


def _save(path, model):
    torch.save(dict(state_dict=model.state_dict(), meta={}), str(path))
    return str(path)


def test_unreadable_checkpoints_are_named(tmp_path):
    from mmseg_textsup.engine.runner.checkpoint_fit import read_state_dict
    empty = tmp_path / 'empty.pth'
    empty.write_bytes(b'')
    with pytest.raises(ValueError, match=rf'{empty} cannot be read as a checkpoint \(0 bytes; EOFError'):
        read_state_dict(str(empty))
    good = _save(tmp_path / 'good.pth', _segmentor(3))
    truncated = tmp_path / 'truncated.pth'
    truncated.write_bytes(open(good, 'rb').read()[:2000])
    with pytest.raises(ValueError, match=rf'{truncated} cannot be read.*truncated'):
        read_state_dict(str(truncated))
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        read_state_dict(str(tmp_path / 'missing.pth'))


@pytest.mark.parametrize('pointer', ['', 'missing', 'truncated'])
def test_resume_falls_back_to_the_newest_intact_checkpoint(tmp_path, pointer):
    """``last_checkpoint`` empty, naming a deleted file, or naming a file cut by a kill during its save."""
    import os

    from mmengine.config import Config

    from mmseg_textsup.engine.runner.checkpoint_fit import resolve_resume
    older = _save(tmp_path / 'iter_2.pth', _segmentor(3))
    newest = tmp_path / 'iter_4.pth'
    if pointer == 'truncated':
        newest.write_bytes(open(older, 'rb').read()[:1000])
    os.utime(older, (1, 1))  # older than the cut file
    (tmp_path / 'last_checkpoint').write_text({'': '', 'missing': str(tmp_path / 'iter_6.pth'),
                                               'truncated': str(newest)}[pointer])
    cfg = Config(dict(resume=True, load_from=None, work_dir=str(tmp_path)))
    resolve_resume(cfg)
    assert cfg.load_from == older and cfg.resume


def test_resume_without_a_readable_checkpoint_starts_afresh(tmp_path):
    from mmengine.config import Config

    from mmseg_textsup.engine.runner.checkpoint_fit import resolve_resume
    (tmp_path / 'iter_2.pth').write_bytes(b'')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_2.pth'))
    cfg = Config(dict(resume=True, load_from=None, work_dir=str(tmp_path)))
    resolve_resume(cfg)
    assert cfg.load_from is None and not cfg.resume


def test_load_from_a_checkpoint_of_another_architecture_is_refused(tmp_path):
    from mmengine.config import Config

    from mmseg_textsup.engine.runner.checkpoint_fit import check_loaded_checkpoint_fits
    path = _save(tmp_path / 'iter_2.pth', _segmentor(10))
    check_loaded_checkpoint_fits(Config(dict(load_from=None)), _segmentor(5))  # nothing to load
    with pytest.raises(ValueError, match=r'iter_2.pth does not fit the model of this config: shape mismatches'):
        check_loaded_checkpoint_fits(Config(dict(load_from=path)), _segmentor(5))


@pytest.mark.slow
def test_train_resume_refuses_a_checkpoint_of_another_architecture_before_restoring(tmp_path):
    """The same work folder after the tower changed: ``tools/train.py --resume`` stops at once with
    tools/test.py's message, under an 8 GB address-space cap (resumed non-strictly, AdamW's first
    step on the old state grew to 24 GB)."""
    import os
    import resource
    import subprocess
    import sys

    from conftest import REPO_ROOT
    from helpers import TINY, as_cli, tiny_pretrain_cfg, tiny_pretrain_options
    from mmengine.runner import Runner
    Runner.from_cfg(tiny_pretrain_cfg(tmp_path, max_iters=2, checkpoint_interval=2)).train()
    options = dict(tiny_pretrain_options(max_iters=4), **{'model.backbone.model_name': 'TextSup-Tiny-ViT16'})
    assert options['model.text_tower.model_name'] == TINY
    cmd = [sys.executable, 'tools/train.py', 'configs/toy_clip/pretrain.py', '--work-dir', str(tmp_path), '--resume',
           '--cfg-options', *as_cli(options)]

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))

    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, preexec_fn=cap,
                          env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert proc.returncode != 0
    assert 'iter_2.pth does not fit the model of this config: shape mismatches' in proc.stderr, proc.stderr[-2000:]
