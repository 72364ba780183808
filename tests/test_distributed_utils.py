"""CPU distributed set-up helpers."""
import os.path as osp

from conftest import REPO_ROOT
from mmengine.config import Config

from mmseg_textsup.engine.runner.distributed import _sync_bn_to_bn, use_separate_ddp_for_testing


def test_sync_bn_becomes_bn_everywhere_in_a_real_config():
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs/maskclip_plus/context60.py'))
    assert 'SyncBN' in str(cfg.model)
    assert _sync_bn_to_bn(cfg.model) == 2  # backbone and DeepLabv3+ head
    assert 'SyncBN' not in str(cfg.model)


def test_distributed_testing_wraps_only_trainable_submodules():
    cfg = Config(dict(model_wrapper_cfg=dict(find_unused_parameters=True)))
    use_separate_ddp_for_testing(cfg, 'none')
    assert cfg.model_wrapper_cfg == dict(find_unused_parameters=True)
    use_separate_ddp_for_testing(cfg, 'pytorch')
    assert cfg.model_wrapper_cfg == dict(type='MMSeparateDistributedDataParallel', find_unused_parameters=True)
