"""Shared test helpers: tiny towers, toy batches, and one runner for every model mode
(like mmseg's ``_segmentor_forward_train_test``)."""
import contextlib
import glob
import io
import os
import os.path as osp
import runpy
import sys
import time
from unittest import mock

import torch
from conftest import REPO_ROOT
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmseg.registry import DATASETS

TINY = 'TextSup-Tiny-ViT'  # ViT, width 64, 2 blocks, patch 8, embed 32
TINY_RN = 'TextSup-Tiny-RN'
TOY = 'TextSup-Toy-ViT'  # the toy CLIP's architecture
CLIP_MEAN = [122.7709383, 116.7460125, 104.09373615]
CLIP_STD = [68.5005327, 66.6321579, 70.32316305]
CLIP_PREPROCESSOR = dict(type='SegDataPreProcessor', mean=CLIP_MEAN, std=CLIP_STD, bgr_to_rgb=True)


def run_tool(script, args, work_dir):
    """``python SCRIPT ARGS`` from the repository root, in this process: the script's ``__main__`` with
    its command line in ``sys.argv``, without an interpreter's start-up (10-13 s of imports on these
    machines), with one torch thread as the subprocesses of the tests get (``OMP_NUM_THREADS=1``: their
    results are compared bit for bit). An error is raised as the tool raises it. Returns what it printed
    and the MMEngine logs it wrote under ``work_dir``."""
    start, cwd, out, threads = time.time() - 1, os.getcwd(), io.StringIO(), torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()  # randomness.deterministic sets it globally
    try:
        os.chdir(REPO_ROOT)
        torch.set_num_threads(1)
        with mock.patch.object(sys, 'argv', [script, *map(str, args)]), contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(out):
            runpy.run_path(osp.join(REPO_ROOT, script), run_name='__main__')
    finally:
        os.chdir(cwd)
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)
    logs = [p for p in sorted(glob.glob(osp.join(str(work_dir), '**', '*.log'), recursive=True))
            if osp.getmtime(p) >= start]
    return out.getvalue() + ''.join(open(p).read() for p in logs)


def tiny_maskclip_options(tmp_path, num_samples=4):
    """A random tiny CLIP saved to a file, and the options (a dict) that put it into a MaskCLIP-style
    config (``configs/maskclip/*.py``) with a small single-process test loader."""
    import open_clip
    clip_path = str(tmp_path / 'tiny_clip.pth')
    torch.save(open_clip.create_model(TINY, pretrained=None).state_dict(), clip_path)
    return clip_path, {'model.backbone.model_name': TINY, 'model.backbone.pretrained': clip_path,
                       'model.decode_head.text_encoder.model_name': TINY,
                       'model.decode_head.text_encoder.pretrained': clip_path,
                       'test_dataloader.dataset.num_samples': num_samples, 'test_dataloader.num_workers': 0,
                       'test_dataloader.persistent_workers': False}


def tiny_classifier(vocabulary='toy', templates='single', model_name=TINY, **kwargs):
    """Config of a frozen tiny text classifier."""
    return dict(type='OpenCLIPTextClassifier', model_name=model_name, vocabulary=vocabulary, templates=templates,
                **kwargs)


def _batch(dataset_cfg, n):
    dataset = DATASETS.build(dict(dataset_cfg, num_samples=n))
    items = [dataset[i] for i in range(n)]
    return dict(inputs=[i['inputs'] for i in items], data_samples=[i['data_samples'] for i in items])


def seg_batch(n=2, split='val', pipeline=None):
    """``n`` toy images (64 x 64) with label maps, packed as a data-preprocessor input."""
    pipeline = pipeline or [dict(type='LoadToySample'), dict(type='PackSegInputs')]
    return _batch(dict(type='ToySegDataset', split=split, pipeline=pipeline), n)


def pair_batch(n=6, model_name=TINY, transforms=()):
    """``n`` toy image-caption pairs, captions tokenised for ``model_name``."""
    pipeline = [dict(type='LoadToySample', with_seg=False), *transforms,
                dict(type='TokenizeCaption', model_name=model_name), dict(type='PackImageTextInputs')]
    return _batch(dict(type='ToyCaptionDataset', pipeline=pipeline), n)


def run_model_modes(model, train_batch, val_batch=None, lr=0.1):
    """Loss mode, one SGD ``train_step``, ``val_step`` and tensor mode of a model.

    Returns:
        tuple: (log of the train step, predictions of the val step). Every loss is finite,
        predictions carry ``pred_sem_seg`` at the image size, tensor mode gives a tensor.
    """
    model.train()
    data = model.data_preprocessor(train_batch, True)
    losses = model(**data, mode='loss')
    assert losses and all(torch.isfinite(v).all() for k, v in losses.items() if k.startswith('loss')), losses
    log = model.train_step(train_batch, OptimWrapper(torch.optim.SGD(model.parameters(), lr=lr)))
    model.eval()
    val_batch = val_batch or train_batch
    with torch.no_grad():
        predictions = model.val_step(val_batch)
        for sample, image in zip(predictions, val_batch['inputs']):
            assert sample.pred_sem_seg.data.shape[-2:] == image.shape[-2:]
        data = model.data_preprocessor(val_batch, False)
        assert isinstance(model(data['inputs'], data['data_samples'], mode='tensor'), torch.Tensor)
    return log, predictions


# ---------------------------------------------- the toy CLIP pre-training, shrunk to seconds
TOY_PRETRAIN = osp.join(REPO_ROOT, 'configs', 'toy_clip', 'pretrain.py')


def tiny_pretrain_options(max_iters=4, checkpoint_interval=2, batch_size=8):
    """--cfg-options that shrink the toy CLIP config to seconds on a CPU."""
    return {
        'model.backbone.model_name': TINY,
        'model.text_tower.model_name': TINY,
        'train_cfg.max_iters': max_iters,
        'train_cfg.val_interval': max_iters,
        'param_scheduler.0.end': 1,
        'param_scheduler.1.begin': 1,
        'param_scheduler.1.end': max_iters,
        'train_dataloader.batch_size': batch_size,
        'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False,
        'val_dataloader.num_workers': 0,
        'val_dataloader.persistent_workers': False,
        'val_dataloader.batch_size': 4,
        'val_dataloader.dataset.num_samples': 8,
        'test_dataloader.num_workers': 0,
        'test_dataloader.persistent_workers': False,
        'test_dataloader.dataset.num_samples': 8,
        'default_hooks.checkpoint.interval': checkpoint_interval,
        'default_hooks.checkpoint.max_keep_ckpts': -1,
        'default_hooks.logger.interval': 1,
    }


def tiny_pretrain_cfg(work_dir, **kwargs):
    cfg = Config.fromfile(TOY_PRETRAIN)
    cfg.merge_from_dict(tiny_pretrain_options(**kwargs))
    cfg.work_dir = str(work_dir)
    return cfg


def as_cli(options):
    return [f'{k}={v}' for k, v in options.items()]
