"""One contract for every registered dense mode and every registered vision backbone (as timm's
tests run over ``list_models()``): shapes, finite values, and the parity fixture where one exists.
A new mode or backbone is covered by registering it; a backbone also needs a tiny config here."""
import os.path as osp
import sys

import pytest
import torch
from conftest import REPO_ROOT
from helpers import TINY
from mmengine.model import BaseModule
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from mmseg_textsup.models.backbones import DENSE_MODES, OpenCLIPVision, build_dense_mode
from mmseg_textsup.models.backbones.open_clip_vision import RESNET_DENSE_MODES

sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'parity'))
import training_free as parity  # noqa: E402  tools/parity/training_free.py: the same weights and inputs

FIXTURE = torch.load(osp.join(REPO_ROOT, 'tests', 'data', 'training_free_parity.pt'))
TIMM_TINY = 'vit_tiny_patch16_224'

#: A tiny build of every registered vision backbone (the test below fails for one missing here).
TINY_BACKBONES = {
    'CASSVision': dict(model_name=TINY, vfm=dict(type='TimmViTTokens', model_name=TIMM_TINY,
                                                 model_kwargs=dict(embed_dim=64, num_heads=2, depth=1))),
    'OpenCLIPVision': dict(model_name=TINY, outputs=('dense', 'global')),
    'ProxyCLIPVision': dict(model_name=TINY, vfm=dict(type='TimmViTTokens', model_name=TIMM_TINY)),
    'ResCLIPVision': dict(model_name=TINY, rcs_blocks=(0, )),
    'SCCLIPVision': dict(model_name=TINY, pre_adjust_idx=0, post_adjust_idx=0, multi_start_idx=0, multi_end_idx=1),
    'SegCLIPVision': dict(model_name=TINY, group_after=1, num_centers=4),
    'TimmViTTokens': dict(model_name=TIMM_TINY),
}


def registered_vision_backbones():
    names = []
    for name, cls in MODELS.module_dict.items():
        if not (isinstance(cls, type) and issubclass(cls, BaseModule) and cls.__module__.startswith('mmseg_textsup')):
            continue
        if issubclass(cls, OpenCLIPVision) or cls.__module__.startswith('mmseg_textsup.models.backbones'):
            names.append(name)
    return sorted(names)


DENSE_MODE_NAMES = sorted(DENSE_MODES.module_dict)


def test_the_registries_hold_every_method():
    assert {'qk', 'value', 'maskclip', 'sclip', 'clearclip', 'naclip'} <= set(DENSE_MODE_NAMES)
    assert registered_vision_backbones() == sorted(TINY_BACKBONES)


@pytest.mark.parametrize('mode', DENSE_MODE_NAMES)
def test_dense_mode_contract(mode):
    tower = OpenCLIPVision(TINY, dense_mode=mode, outputs=('dense', 'global')).eval()
    with torch.no_grad():
        out = tower(torch.randn(2, 3, 64, 96))  # non-square, a multiple of the patch
    assert out['dense'].shape == (2, tower.embed_dim, 64 // tower.patch_size, 96 // tower.patch_size)
    assert torch.isfinite(out['dense']).all() and out['global'].shape == (2, tower.embed_dim)
    official = OpenCLIPVision(parity.ARCH, dense_mode=mode, quick_gelu=True, pad_to_patch=False,
                              pos_embed_by_scale_factor=True).eval()
    official.visual.load_state_dict(parity.visual_state(parity.clip_state()))
    for size in parity.SIZES:
        key = f'{mode}_{size[0]}x{size[1]}'
        if key in FIXTURE:
            with torch.no_grad():
                dense = official(parity.images(size))['dense']
            torch.testing.assert_close(dense.flatten(2).transpose(1, 2), FIXTURE[key], atol=1e-4, rtol=0)


@pytest.mark.parametrize('mode', DENSE_MODE_NAMES)
def test_resnet_towers_take_their_modes_and_refuse_the_others(mode):
    if mode in RESNET_DENSE_MODES:
        assert OpenCLIPVision('TextSup-Tiny-RN', dense_mode=mode)(torch.randn(1, 3, 64, 64))['dense'].ndim == 4
    else:
        with pytest.raises(ValueError, match='needs a ViT tower'):
            OpenCLIPVision('TextSup-Tiny-RN', dense_mode=mode)


@pytest.mark.parametrize('name', sorted(TINY_BACKBONES))
def test_vision_backbone_contract(name):
    init_default_scope('mmseg')
    model = MODELS.build(dict(type=name, **TINY_BACKBONES[name])).eval()
    model.init_weights()  # no pretrained= given: keeps the random weights, loads nothing
    x = torch.randn(2, 3, 64, 96)
    text = {'text_embeddings': torch.randn(3, 32)} if getattr(model, 'text_guided', False) else {}
    with torch.no_grad():  # every CLIP tower gives a 'dense' map on request; a plain backbone returns one
        out = model.forward_features(x, ('dense', ), **text) if isinstance(model, OpenCLIPVision) else model(x)
    dense = out['dense'] if isinstance(out, dict) else out
    assert dense.ndim == 4 and dense.shape[0] == 2 and torch.isfinite(dense).all()


def test_a_mode_option_reaches_the_computation():
    """NACLIP's std from a config: another std gives other tokens, the default std the default's."""
    x = torch.randn(1, 3, 64, 64)
    outs = {}
    modes = dict(name='naclip', default=dict(type='naclip', std=5.0), wide=dict(type='naclip', std=50.0))
    for key, mode in modes.items():
        torch.manual_seed(0)
        with torch.no_grad():
            outs[key] = OpenCLIPVision(TINY, dense_mode=mode).eval()(x)['dense']
    torch.testing.assert_close(outs['name'], outs['default'])
    assert (outs['name'] - outs['wide']).abs().max() > 1e-3


def test_naclip_configs_set_the_official_std():
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'naclip', 'voc21.py'))
    assert cfg.model.backbone.dense_mode == dict(type='naclip', std=5.0)
    assert cfg.model.refiner == dict(type='PAMR', steps=10, dilations=(8, 16))


def test_bad_dense_modes_are_named():
    with pytest.raises(ValueError, match="one of .*'naclip'"):
        build_dense_mode('nacllip')
    with pytest.raises(ValueError, match="takes the options \\['std'\\], not \\['sigma'\\]"):
        build_dense_mode(dict(type='naclip', sigma=3.0))
