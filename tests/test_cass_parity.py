"""CASS against the official code (fixtures from ``tools/parity/cass.py``): the whole-image and the
sliding-window logits at two sizes (one not square), the class groups, the text embeddings; each
official behaviour changed back fails a test."""
import os.path as osp
import sys

import pytest
import torch
from conftest import REPO_ROOT
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from mmseg_textsup.models.training_free import cass_vision
from mmseg_textsup.models.training_free.cass_head import text_clusters

sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'parity'))
import cass as parity  # noqa: E402  tools/parity/cass.py: the same weights and inputs

FIXTURE = torch.load(osp.join(REPO_ROOT, 'tests', 'data', 'cass_parity.pt'))


@pytest.fixture(scope='module')
def weights(tmp_path_factory):
    """The tiny CLIP and the tiny DINO of the fixtures, as local weight files."""
    folder = tmp_path_factory.mktemp('cass_weights')
    torch.save(parity.clip_state(), folder / 'clip.pt')
    torch.save(parity.dino_state(), folder / 'dino.pt')
    return folder


def build(weights, case, **changes):
    config, size, window, h_thd, alpha, g = parity.CASES[case]
    init_default_scope('mmseg')
    cfg = dict(
        type='CASSEncoderDecoder', global_from='image',
        data_preprocessor=dict(type='SegDataPreProcessor', mean=[0.0] * 3, std=[1.0] * 3),
        backbone=dict(type='CASSVision', model_name=parity.ARCH, pretrained=str(weights / 'clip.pt'), quick_gelu=True,
                      pad_to_patch=False, pos_embed_by_scale_factor=True,
                      vfm=dict(type='TimmViTTokens', model_name=parity.TIMM_NAME, pretrained=str(weights / 'dino.pt'),
                               pos_embed_by_scale_factor=True, model_kwargs=parity.DINO_ARGS)),
        decode_head=dict(type='CASSHead', cluster_threshold=h_thd, mean_vector_weight=alpha, global_weight=g,
                         logit_scale=40.0,
                         text_encoder=dict(type='OpenCLIPTextClassifier', model_name=parity.ARCH,
                                           pretrained=str(weights / 'clip.pt'), quick_gelu=True,
                                           vocabulary=parity.CLASSES, templates='openai_imagenet_80',
                                           synonym_fusion='max_probability')),
        test_cfg=dict(mode='slide', crop_size=(window[0], ) * 2, stride=(window[1], ) * 2) if window else
        dict(mode='whole'))
    for key, value in changes.items():
        part, name = key.split('.') if '.' in key else (None, key)
        (cfg[part] if part else cfg)[name] = value
    model = MODELS.build(cfg)
    model.init_weights()
    return model.eval()


def logits(model, case):
    size = parity.CASES[case][1]
    img = parity.image(size)
    torch.manual_seed(parity.SEED)
    with torch.no_grad():
        out = model.inference(img, [dict(img_shape=size, ori_shape=size, pad_shape=size)])
    return out[0, :, ::parity.STEP, ::parity.STEP] / 40.0


@pytest.mark.parametrize('case', list(parity.CASES))
def test_logits_match_the_official_code(weights, case):
    model = build(weights, case)
    expected = FIXTURE[case]
    torch.testing.assert_close(model.text_encoder.embeddings(), expected['query_features'], atol=1e-5, rtol=0)
    assert model.decode_head.clusters(model.text_encoder.embeddings()).tolist() == expected['clusters'].tolist()
    torch.testing.assert_close(logits(model, case), expected['logits'], atol=1e-4, rtol=0)


@pytest.mark.parametrize('case, change', [
    ('slide_96x128', {'global_from': 'window'}),  # the windows' own class tokens
    ('whole_80x112', {'backbone.rescale_singular_values': False}),
    ('whole_80x112', {'decode_head.mean_vector_weight': 0.0}),  # no object-presence adjustment
    ('whole_80x112', {'decode_head.global_weight': 0.0}),
])
def test_each_official_behaviour_is_needed(weights, case, change):
    assert (logits(build(weights, case, **change), case) - FIXTURE[case]['logits']).abs().max() > 1e-4


def test_dino_keys_in_float32_differ(weights, monkeypatch):
    """The official code rounds DINO's keys to float16; skipping that moves the logits."""
    model = build(weights, 'whole_80x112')
    monkeypatch.setattr(torch.Tensor, 'half', lambda self: self)
    assert (logits(model, 'whole_80x112') - FIXTURE['whole_80x112']['logits']).abs().max() > 1e-4


def test_clusters_cut_at_the_threshold():
    text = torch.nn.functional.normalize(torch.tensor([[1.0, 0.0], [0.99, 0.14], [0.0, 1.0]]), dim=-1)
    assert text_clusters(text, 0.1).tolist() == [0, 0, 1]
    assert len(set(text_clusters(text, 10.0).tolist())) == 1


def test_dino_sees_the_official_square_image():
    x = torch.zeros(3, 24, 40)
    out = cass_vision.official_dino_image(x, 24, 8)
    assert out.shape == (1, 3, 24, 24)
    # a zero CLIP-normalised pixel is ImageNet's mean (blue with the official 0.255), truncated to uint8
    pixel = torch.tensor([int(0.485 * 255), int(0.456 * 255), int(0.406 * 255)]) / 255
    expected = (pixel - torch.tensor(cass_vision.IMAGENET_MEAN)) / torch.tensor(cass_vision.IMAGENET_STD)
    torch.testing.assert_close(out[0, :, 0, 0], expected)
