"""The dense modes of SCLIP, ClearCLIP and NACLIP against their official image towers (fixtures
from ``tools/parity/training_free.py``), at the trained size and at a non-square one; NACLIP's
PAMR; ProxyCLIP's last block."""
import os.path as osp
import sys
from unittest import mock

import pytest
import torch
import torch.nn.functional as F
from conftest import REPO_ROOT
from helpers import TINY, tiny_classifier
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from mmseg_textsup.models.backbones import OpenCLIPVision
from mmseg_textsup.models.training_free import ProxyCLIPVision, pamr, proxy_attention
from mmseg_textsup.models.training_free.proxy_clip_vision import CLIP_MEAN, CLIP_STD, IMAGENET_MEAN, IMAGENET_STD

sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'parity'))
import training_free as parity  # noqa: E402  tools/parity/training_free.py: the same weights and inputs

FIXTURE = torch.load(osp.join(REPO_ROOT, 'tests', 'data', 'training_free_parity.pt'))


def tower(mode, **kwargs):
    """The official towers' settings: QuickGELU, no padding (the patch grid floors), position
    embeddings resized by scale factor."""
    model = OpenCLIPVision(parity.ARCH, dense_mode=mode, quick_gelu=True, pad_to_patch=False,
                           pos_embed_by_scale_factor=True, **kwargs).eval()
    model.visual.load_state_dict(parity.visual_state(parity.clip_state()))
    return model


@pytest.mark.parametrize('mode', ['sclip', 'clearclip', 'naclip'])
@pytest.mark.parametrize('size', parity.SIZES, ids=lambda s: f'{s[0]}x{s[1]}')
def test_dense_tokens_match_the_official_tower(mode, size):
    with torch.no_grad():
        dense = tower(mode)(parity.images(size))['dense']
    torch.testing.assert_close(dense.flatten(2).transpose(1, 2), FIXTURE[f'{mode}_{size[0]}x{size[1]}'], atol=1e-4,
                               rtol=0)


def test_size_based_position_resizing_is_not_the_official_one():
    model = tower('sclip')
    model.pos_embed_by_scale_factor = False
    with torch.no_grad():
        dense = model(parity.images((48, 80)))['dense'].flatten(2).transpose(1, 2)
    assert (dense - FIXTURE['sclip_48x80']).abs().max() > 0.05


def test_pamr_matches_naclips_official_refinement():
    image, scores = parity.pamr_inputs()
    torch.testing.assert_close(pamr(image, scores, steps=10, dilations=(8, 16)), FIXTURE['naclip_pamr'], atol=1e-4,
                               rtol=0)


def test_segmentor_refines_logits_at_the_original_size_before_the_background_rule():
    init_default_scope('mmseg')
    model = MODELS.build(dict(
        type='OpenVocabEncoderDecoder', data_preprocessor=dict(type='SegDataPreProcessor', mean=[0] * 3, std=[1] * 3),
        backbone=dict(type='OpenCLIPVision', model_name=TINY, outputs=('dense', ), dense_mode='naclip'),
        decode_head=dict(type='MaskCLIPHead', text_encoder=tiny_classifier(), logit_scale=40.0),
        bg_threshold=0.5, vocabulary_has_background=True, refiner=dict(type='PAMR', steps=2, dilations=(1, 2)))).eval()
    x = torch.randn(1, 3, 32, 48)
    sample = SegDataSample(metainfo=dict(ori_shape=(40, 60), img_shape=(32, 48), pad_shape=(32, 48)))
    out = model.predict(x, [sample])[0]
    # by hand: logits and image resized to 40 x 60, PAMR, softmax + SCLIP's background rule
    logits = F.interpolate(model.inference(x, [sample.metainfo]), size=(40, 60), mode='bilinear')
    probs = model.probabilities(pamr(F.interpolate(x, size=(40, 60), mode='bilinear'), logits, 2, (1, 2)))[0]
    torch.testing.assert_close(out.seg_logits.data, probs)
    assert torch.equal(out.pred_sem_seg.data[0], probs.argmax(0))
    assert not torch.equal(probs, model.probabilities(logits)[0])  # the refinement changes the scores


def test_proxyclip_tokens_match_the_official_tower_given_the_same_foundation_features():
    init_default_scope('mmseg')
    model = ProxyCLIPVision(parity.ARCH, vfm=dict(type='TimmViTTokens', model_name='vit_tiny_patch16_224'),
                            quick_gelu=True, pad_to_patch=False, pos_embed_by_scale_factor=True).eval()
    model.visual.load_state_dict(parity.visual_state(parity.clip_state()))
    image, feats = parity.proxy_inputs()
    with mock.patch.object(model, 'vfm_tokens', return_value=feats):
        dense = model(image)['dense']
    assert dense.shape == (1, 32, 8, 8)  # the foundation model's grid, not CLIP's 4 x 4
    torch.testing.assert_close(dense.flatten(2).transpose(1, 2), FIXTURE['proxyclip_64x64'], atol=1e-4, rtol=0)


def test_proxy_attention_shifts_scales_and_drops_dissimilar_patches():
    s = torch.tensor([[[1.0, 0.5, -0.2], [0.5, 1.0, 0.1], [-0.2, 0.1, 1.0]]])
    w = proxy_attention(s, beta=1.2, gamma=3.0)
    shifted = (s - 1.2 * s.mean()) * 3.0  # mean 0.4222: entries below 0.5067 get no weight
    expected = torch.where(shifted < 0, torch.zeros_like(s), shifted.exp())
    torch.testing.assert_close(w, expected / expected.sum(-1, keepdim=True))
    assert (w[0, 0] > 0).tolist() == [True, False, False]


def test_proxyclip_renormalises_the_input_for_the_foundation_model():
    init_default_scope('mmseg')
    model = ProxyCLIPVision(parity.ARCH, vfm=dict(type='TimmViTTokens', model_name='vit_tiny_patch16_224'))
    pixels = torch.rand(1, 3, 4, 4)
    clip_mean, clip_std = torch.tensor(CLIP_MEAN)[:, None, None], torch.tensor(CLIP_STD)[:, None, None]
    with mock.patch.object(model.vfm, 'forward', side_effect=lambda t: t):
        seen = model.vfm_tokens((pixels - clip_mean) / clip_std)
    torch.testing.assert_close(seen, (pixels - torch.tensor(IMAGENET_MEAN)[:, None, None]) /
                               torch.tensor(IMAGENET_STD)[:, None, None])
