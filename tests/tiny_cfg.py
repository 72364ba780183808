"""A tiny, fast variant of the toy CLIP pre-training config for engine tests."""
import os.path as osp

from conftest import REPO_ROOT
from mmengine.config import Config

TOY_PRETRAIN = osp.join(REPO_ROOT, 'configs', 'toy_clip', 'pretrain.py')
TINY = 'TextSup-Tiny-ViT'


def tiny_pretrain_options(max_iters=4, checkpoint_interval=2, batch_size=8):
    """--cfg-options that shrink the toy CLIP config to seconds on a CPU."""
    return {
        'model.image_encoder.model_name': TINY,
        'model.text_encoder.model_name': TINY,
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
