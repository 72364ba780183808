"""Trident against the official code (fixtures from ``tools/parity/trident.py``): the logits, the labels and
scores after SAM's refinement, at two sizes (one not square), with VOC21's and with Cityscapes' settings
(SAM on the two halves), and the text embeddings; each official behaviour changed back fails a test."""
import os.path as osp
import sys

import pytest
import torch
from conftest import REPO_ROOT
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'parity'))
import trident as parity  # noqa: E402  tools/parity/trident.py: the same weights and inputs

FIXTURE = torch.load(osp.join(REPO_ROOT, 'tests', 'data', 'trident_parity.pt'))


@pytest.fixture(scope='module')
def weights(tmp_path_factory):
    """The tiny CLIP, DINO and SAM of the fixtures as local weight files, and the image files."""
    folder = tmp_path_factory.mktemp('trident_weights')
    torch.save(parity.clip_state(), folder / 'clip.pt')
    torch.save(parity.dino_state(), folder / 'dino.pt')
    torch.save(parity.sam_state(), folder / 'sam.pt')
    for name, (_, file_size, _) in parity.CASES.items():
        parity.write_image(str(folder / f'{name}.png'), parity.file_image(file_size))
    return folder


def build(weights, case, **changes):
    official = dict(parity.COMMON, **parity.CASES[case][2])
    init_default_scope('mmseg')
    cfg = dict(
        type='TridentEncoderDecoder', cos_fac=official['cos_fac'], refine_neg_cos=official['refine_neg_cos'],
        sam_halves='dataset_type' in official, bg_threshold=official.get('prob_thd'), vocabulary_has_background=True,
        refinement=dict(coarse_thresh=official['coarse_thresh'], minimal_area=official['minimal_area'],
                        mask_coefficient=official['sam_mask_coff'], iou_threshold=official['sam_iou_thresh']),
        sam=dict(type='SAMGuidance', pretrained=str(weights / 'sam.pt'), encoder_kwargs=parity.SAM_ARGS),
        data_preprocessor=dict(type='SegDataPreProcessor', mean=list(parity.CLIP_MEAN), std=list(parity.CLIP_STD)),
        backbone=dict(type='ProxyCLIPVision', model_name=parity.ARCH, pretrained=str(weights / 'clip.pt'),
                      quick_gelu=True, pad_to_patch=False, pos_embed_by_scale_factor=True, similarity_mean='batch',
                      vfm=dict(type='TimmViTTokens', model_name=parity.DINO_TIMM, pretrained=str(weights / 'dino.pt'),
                               pos_embed_by_scale_factor=True, model_kwargs=parity.DINO_ARGS)),
        decode_head=dict(type='MaskCLIPHead', logit_scale=40.0,
                         text_encoder=dict(type='OpenCLIPTextClassifier', model_name=parity.ARCH,
                                           pretrained=str(weights / 'clip.pt'), quick_gelu=True,
                                           vocabulary=[c.replace('; ', ', ') for c in parity.CLASSES],
                                           templates='openai_imagenet_80', synonym_fusion='max_probability')),
        test_cfg=dict(mode='slide', crop_size=(parity.CROP, ) * 2, stride=(parity.STRIDE, ) * 2))
    for key, value in changes.items():
        part, name = key.split('.') if '.' in key else (None, key)
        (cfg[part] if part else cfg)[name] = value
    model = MODELS.build(cfg)
    model.init_weights()
    return model.eval()


def meta(weights, case):
    size, file_size, _ = parity.CASES[case]
    return dict(img_shape=size, ori_shape=file_size, pad_shape=size, img_path=str(weights / f'{case}.png'))


def run(model, weights, case):
    """The logits (cosines, every STEP-th pixel) at the original size, and the labels and scores of the
    background rule alone and after SAM's refinement, from one pass."""
    m = meta(weights, case)
    with torch.no_grad():
        full = model.original_size_logits(model.inference(parity.image(case), [m]), 0, m)
        plain = super(type(model), model).scores_and_labels(full, m)[1]
        scores, labels = model.scores_and_labels(full, m) if model.refinement else (None, None)
    sub = (slice(None), slice(None, None, parity.STEP), slice(None, None, parity.STEP))
    return dict(logits=full[0][sub] / 40.0, plain_labels=plain[0], labels=None if labels is None else labels[0],
                scores=None if scores is None else scores[sub])


@pytest.fixture(scope='module')
def outputs(weights):
    models = {case: build(weights, case) for case in parity.CASES}
    return {case: (model.text_encoder.embeddings(), run(model, weights, case)) for case, model in models.items()}


@pytest.mark.parametrize('case', list(parity.CASES))
def test_logits_labels_and_scores_match_the_official_code(outputs, case):
    embeddings, ours = outputs[case]
    expected = FIXTURE[case]
    torch.testing.assert_close(embeddings, expected['query_features'], atol=1e-5, rtol=0)
    torch.testing.assert_close(ours['logits'], expected['logits'], atol=1e-4, rtol=0)
    assert torch.equal(ours['labels'], expected['labels'].long())
    torch.testing.assert_close(ours['scores'], expected['scores'], atol=1e-4, rtol=0)
    # the fixtures exercise the refinement: without it the labels differ
    assert not torch.equal(ours['plain_labels'], expected['labels'].long())


@pytest.mark.parametrize('case, change', [
    ('voc21_150x210', {'backbone.similarity_mean': 'image'}),  # ProxyCLIP's mean per window
    ('voc21_150x210', {'cos_fac': 0.0}),  # SAM's attention unthresholded
    ('cityscapes_128x256', {'sam_halves': False}),  # SAM on the whole image
    ('voc21_150x210', {'refine_neg_cos': False}),  # negative thresholds raised to 0.6
])
def test_each_official_behaviour_is_needed(weights, case, change):
    changed = run(build(weights, case, refinement=None, **change), weights, case)['logits']
    # NaN counts as changed too (ProxyCLIP's mean per window leaves rows of -inf here)
    assert not torch.allclose(changed, FIXTURE[case]['logits'], atol=1e-4, rtol=0)
