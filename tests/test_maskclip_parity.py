"""MaskCLIP / MaskCLIP+ against the official code: ``tests/data/maskclip_parity.pt`` holds the
official functions' inputs and outputs on the tiny seeded CLIP (regenerate with
``python tools/parity/maskclip.py <MaskCLIP checkout>``)."""
import os.path as osp

import open_clip
import pytest
import torch
import torch.nn.functional as F
from conftest import REPO_ROOT
from mmseg.registry import MODELS

from mmseg_textsup.models.backbones import OpenCLIPVision
from mmseg_textsup.models.clip import split_clip_state_dict
from mmseg_textsup.models.maskclip_plus import merge_pseudo_labels
from mmseg_textsup.testing import seeded_weights

FIXTURES = torch.load(osp.join(REPO_ROOT, 'tests/data/maskclip_parity.pt'))
TINY = FIXTURES['model_name']
ATOL = 1e-4


@pytest.fixture(scope='module')
def clip_weights():
    model = open_clip.create_model(TINY, pretrained=None)
    return split_clip_state_dict(seeded_weights(model, 0))


@pytest.fixture(scope='module')
def tower(clip_weights):
    """The official configs' image tower: exact GELU, LayerNorm eps 1e-6, keys after out_proj."""
    tower = OpenCLIPVision(TINY, quick_gelu=False, norm_eps=1e-6, outputs=('dense', 'keys'))
    tower.visual.load_state_dict(clip_weights[0])
    return tower.eval()


def _classifier(clip_weights):
    cfg = dict(type='OpenCLIPTextClassifier', model_name=TINY, vocabulary=FIXTURES['classes'], templates='maskclip_85')
    clf = MODELS.build(cfg)
    clf.tower.text.load_state_dict(clip_weights[1])
    return cfg, clf.eval()


def _head(clip_weights, **kwargs):
    cfg, clf = _classifier(clip_weights)
    head = MODELS.build(dict(type='MaskCLIPHead', text_encoder=cfg, logit_scale=1.0, **kwargs))
    head.text_encoder = clf
    return head.eval()


def test_the_text_classifier_is_the_official_prompt_engineering(clip_weights):
    assert FIXTURES['num_templates'] == 85
    torch.testing.assert_close(_classifier(clip_weights)[1].embeddings(), FIXTURES['text_embeddings'], atol=ATOL,
                               rtol=0)


@pytest.mark.parametrize('size', FIXTURES['sizes'])
def test_dense_features_and_keys_are_the_official_vit_value_path(tower, size):
    fixture = FIXTURES[size]
    with torch.no_grad():
        out = tower(fixture['image'].float())
    torch.testing.assert_close(out['dense'], fixture['dense'], atol=ATOL, rtol=0)
    torch.testing.assert_close(out['keys'], fixture['keys'], atol=ATOL, rtol=0)


@pytest.mark.parametrize('size', FIXTURES['sizes'])
@pytest.mark.parametrize('refinement', ['none', 'pd', 'ks', 'kspd'])
def test_head_logits_are_the_official_refined_output(tower, clip_weights, size, refinement):
    fixture = FIXTURES[size]
    expected = fixture['cosines'] if refinement == 'none' else fixture['refined'][refinement]
    head = _head(clip_weights, key_smoothing='ks' in refinement, ks_threshold=1.0,
                 prompt_denoising=0.5 if 'pd' in refinement else None)
    with torch.no_grad():
        logits = head(tower(fixture['image'].float()))
    torch.testing.assert_close(logits, expected, atol=ATOL, rtol=0)
    assert torch.equal(logits.argmax(1), expected.argmax(1))


def test_aspp_v2_and_the_student_classifier_are_the_official_heads(clip_weights):
    fixture = FIXTURES['aspp']
    head = MODELS.build(dict(type='ASPPV2Head', in_channels=8, channels=32, dilations=(1, 2), num_classes=5,
                             norm_cfg=dict(type='BN'), dropout_ratio=0.0))
    seeded_weights(head, 1)
    head.eval()
    cfg, clf = _classifier(clip_weights)
    student = MODELS.build(dict(type='TextEmbeddingClassifier', text_encoder=cfg, in_channels=32))
    student.text_encoder = clf
    with torch.no_grad():
        features = sum(branch(fixture['features']) for branch in head.branches)
        logits = student(features)
    torch.testing.assert_close(features, fixture['output'], atol=ATOL, rtol=0)
    torch.testing.assert_close(logits, fixture['student_logits'], atol=ATOL, rtol=0)


@pytest.mark.parametrize('mode', ['zero_shot', 'annotation_free'])
def test_pseudo_labels_follow_the_official_rule(tower, clip_weights, mode):
    """Zero-shot: unseen classes 2, 3 (ground truth -1 there officially), seen ground truth and 255 kept;
    annotation-free (key smoothing + prompt denoising): every pixel but the 255 ones."""
    fixture = FIXTURES['pseudo_labels']
    size = FIXTURES['sizes'][-1]
    official_gt = fixture['zero_shot_gt'].long()[:, 0]
    if mode == 'zero_shot':
        head, unseen = _head(clip_weights), torch.tensor([2, 3])
        gt = torch.where(official_gt < 0, 2, official_gt)  # here unseen classes keep their (never read) label
    else:
        head, unseen = _head(clip_weights, key_smoothing=True, prompt_denoising=0.5), None
        gt = torch.where(official_gt == 255, 255, 0)
    with torch.no_grad():
        logits = head(tower(FIXTURES[size]['image'].float()))
    probs = F.interpolate(100 * logits, size=size, mode='bilinear', align_corners=False).softmax(dim=1)
    targets = merge_pseudo_labels(probs, gt, unseen, 0.0, 255)
    assert torch.equal(targets, fixture[mode].long()[:, 0])
