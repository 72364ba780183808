"""PEARL against the official code (fixtures from ``tools/parity/pearl.py``): the Procrustes-aligned
last attention at two sizes (one not square) for both official ``alpha_kk`` values, and the
text-aware propagation at a size it pools and one it does not; then in the segmentor."""
import os.path as osp
import sys

import pytest
import torch
from conftest import REPO_ROOT
from helpers import TINY, tiny_classifier
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from mmseg_textsup.models.backbones import OpenCLIPVision
from mmseg_textsup.models.training_free import PEARLPropagation
from mmseg_textsup.models.training_free.pearl import polar_rotation

sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'parity'))
import pearl as parity  # noqa: E402  tools/parity/pearl.py: the same weights and inputs
import training_free  # noqa: E402

FIXTURE = torch.load(osp.join(REPO_ROOT, 'tests', 'data', 'pearl_parity.pt'))


@pytest.mark.parametrize('alpha', parity.ALPHAS)
@pytest.mark.parametrize('size', parity.SIZES, ids=lambda s: f'{s[0]}x{s[1]}')
def test_dense_tokens_match_the_official_tower(alpha, size):
    tower = OpenCLIPVision(parity.ARCH, dense_mode=dict(type='pearl', alpha_kk=alpha), quick_gelu=True,
                           pad_to_patch=False, pos_embed_by_scale_factor=True).eval()
    tower.visual.load_state_dict(training_free.visual_state(training_free.clip_state()))
    with torch.no_grad():
        dense = tower(training_free.images(size))['dense']
    torch.testing.assert_close(dense.flatten(2).transpose(1, 2), FIXTURE[f'pearl_{alpha}_{size[0]}x{size[1]}'],
                               atol=1e-4, rtol=0)


@pytest.mark.parametrize('size', parity.PROPAGATION_SIZES, ids=lambda s: f'{s[0]}x{s[1]}')
def test_propagation_matches_the_official_one(size):
    image, cosines, text = parity.propagation_inputs(size)
    refined = PEARLPropagation(grid=parity.GRID, logit_scale=40.0)(image, cosines * 40.0, text)
    expected = FIXTURE[f'propagation_{size[0]}x{size[1]}']
    torch.testing.assert_close(refined / 40.0, expected, atol=1e-4, rtol=0)
    assert (expected - cosines).abs().max() > 1e-3  # the propagation changes the logits


def test_polar_rotation_is_orthogonal():
    m = torch.randn(3, 8, 8, generator=torch.Generator().manual_seed(0))
    r = polar_rotation(m, iterations=30)
    torch.testing.assert_close(r.transpose(1, 2) @ r, torch.eye(8).expand(3, 8, 8), atol=1e-3, rtol=0)


def test_segmentor_propagates_with_the_classifier_embeddings():
    init_default_scope('mmseg')
    model = MODELS.build(dict(
        type='OpenVocabEncoderDecoder', data_preprocessor=dict(type='SegDataPreProcessor', mean=[0] * 3, std=[1] * 3),
        backbone=dict(type='OpenCLIPVision', model_name=TINY, outputs=('dense', ), dense_mode='pearl'),
        decode_head=dict(type='MaskCLIPHead', text_encoder=tiny_classifier(), logit_scale=40.0),
        refiner=dict(type='PEARLPropagation', grid=20, logit_scale=40.0))).eval()
    x = torch.randn(1, 3, 32, 48)
    sample = SegDataSample(metainfo=dict(ori_shape=(40, 60), img_shape=(32, 48), pad_shape=(32, 48)))
    out = model.predict(x, [sample])[0]
    logits = torch.nn.functional.interpolate(model.inference(x, [sample.metainfo]), size=(40, 60), mode='bilinear')
    image = torch.nn.functional.interpolate(x, size=(40, 60), mode='bilinear')
    refined = model.refiner(image, logits, model.text_encoder.embeddings())
    torch.testing.assert_close(out.seg_logits.data, model.probabilities(refined)[0])


@pytest.mark.parametrize('benchmark', ['voc21', 'context60', 'coco_object', 'voc20', 'cityscapes', 'context59',
                                       'ade20k', 'coco_stuff'])
def test_configs_propagate_at_the_heads_logit_scale(benchmark):
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'pearl', f'{benchmark}.py'))
    assert cfg.model.refiner.type == 'PEARLPropagation'
    assert cfg.model.refiner.logit_scale == cfg.model.decode_head.logit_scale
    assert cfg.model.backbone.dense_mode == dict(type='pearl', alpha_kk=0.3 if benchmark in ('ade20k', 'cityscapes')
                                                 else 0.08)
    assert cfg.model.refiner.grid == (224 if benchmark == 'cityscapes' else 80)
