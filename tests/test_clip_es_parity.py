"""CLIP-ES against the official scripts: ``tests/data/clip_es_parity.pt`` holds their inputs and
outputs on a tiny seeded CLIP (regenerate with ``python tools/parity/clip_es.py <CLIP-ES checkout>``)."""
import math
import os.path as osp
import sys
from unittest import mock

import numpy as np
import open_clip
import pytest
import torch
from conftest import REPO_ROOT
from mmseg.registry import MODELS

from mmseg_textsup.models.clip import split_clip_state_dict
from mmseg_textsup.models.clip_es import box_mask, scale_gradcam
from mmseg_textsup.models.clip_es.clip_es import official_crf_image
from mmseg_textsup.testing import seeded_weights
from mmseg_textsup.utils.dense_crf import dense_crf

sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'parity'))
from clip_es import raw_cams  # noqa: E402  the raw maps the official scaling was given

FIXTURES = torch.load(osp.join(REPO_ROOT, 'tests/data/clip_es_parity.pt'))
TINY = FIXTURES['model_name']
ATOL = 1e-4
VOC = ['aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow', 'diningtable', 'dog',
       'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor']
IMAGES = FIXTURES['images']


def build(model_name):
    """The reproduction config's CLIP-ES on the fixture's weights (seeded, float16-rounded)."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs/clip_es/voc21_caa_crf.py')).model
    cfg.backbone.update(model_name=model_name, pretrained=None)
    cfg.text_encoder.update(model_name=model_name, pretrained=None)
    assert cfg.logit_scale == pytest.approx(math.exp(4.60546875), abs=1e-4)  # ln(100) as stored in float16
    es = MODELS.build(dict(cfg, logit_scale=FIXTURES['logit_scale']))  # 10: see tools/parity/clip_es.py
    clip = open_clip.create_model(model_name, pretrained=None)
    vision, text = split_clip_state_dict({k: v.half().float() for k, v in seeded_weights(clip, 0).items()})
    es.backbone.visual.load_state_dict(vision)
    es.text_encoder.tower.text.load_state_dict(text)
    return es.eval()


@pytest.fixture(scope='module')
def model():
    return build(TINY)


def _labels(item):
    return np.array([VOC.index(n) + 1 for n in item['names']])


def test_prompts_are_the_official_strings(model):
    """One sentence per class (synonyms inside), the official names, then the background words."""
    prompts = []
    encode = model.text_encoder.encode_prompts

    def record(texts):
        prompts.extend(texts)
        return encode(texts)

    model.text_encoder.invalidate()
    with mock.patch.object(model.text_encoder, 'encode_prompts', side_effect=record):
        model.text_encoder.embeddings()
    official = FIXTURES['prompts']  # background words first, then the classes
    assert sorted(prompts) == sorted(official) and len(prompts) == len(official) == 45
    assert 'a clean origami person with clothes,people,human.' in prompts


@pytest.mark.parametrize('index', range(len(IMAGES)))
def test_cams_and_caa_refined_cams_are_the_official(model, index):
    item = IMAGES[index]
    rgb = item['rgb'].numpy()
    present = model._to_vocabulary(_labels(item))
    order = [present.index(int(k)) for k in item['keys']]  # the official order: the XML's
    model.caa = False
    grid = model.image_cams(model.clip_input(rgb), present)[order]
    torch.testing.assert_close(grid, item['grid_cams'], atol=ATOL, rtol=0)
    if 'cams' in item:  # upsampled as the official cv2.resize
        cams = model.full_size_cams(rgb, _labels(item))[1][order]
        torch.testing.assert_close(cams, item['cams'], atol=ATOL, rtol=0)
    model.caa = True
    refined = model.full_size_cams(rgb, _labels(item))[1][order]
    torch.testing.assert_close(refined, item['refined'], atol=ATOL, rtol=0)


def test_gradcam_scaling_is_the_officials_two_passes_down_to_a_range_of_1e_6():
    scaled = scale_gradcam(raw_cams())
    torch.testing.assert_close(scaled, FIXTURES['scaled_cams'], atol=ATOL, rtol=0)
    assert FIXTURES['raw_cams']['maxima'][0] <= 1e-6  # one pass leaves that map's maximum at 0.91


def test_caa_averages_the_last_8_of_12_blocks_as_the_official():
    """A 12-block tower: the CAMs and CAA-refined CAMs of the first photograph."""
    deep = FIXTURES['deep']
    es = build(deep['model_name'])
    assert es.backbone.num_blocks == 12 and es.caa_blocks == 8
    item = IMAGES[0]
    present = es._to_vocabulary(_labels(item))
    order = [present.index(int(k)) for k in deep['keys']]
    es.caa = False
    torch.testing.assert_close(es.image_cams(es.clip_input(item['rgb'].numpy()), present)[order], deep['grid_cams'],
                               atol=ATOL, rtol=0)
    es.caa = True
    refined = es.full_size_cams(item['rgb'].numpy(), _labels(item))[1][order]
    torch.testing.assert_close(refined, deep['refined'], atol=ATOL, rtol=0)


def _rectangles(boxes, shape):
    mask = np.zeros(shape, np.float32)
    for x0, y0, x1, y1 in boxes.tolist():
        mask[y0:y1, x0:x1] = 1  # the official aff_mask
    return mask


def test_box_masks_are_the_official_on_the_cams_and_200_random_maps():
    for item in IMAGES:
        for cam, boxes in zip(item['grid_cams'].numpy(), item['boxes']):
            np.testing.assert_array_equal(box_mask(cam, 0.4), _rectangles(boxes, cam.shape))
    g = torch.Generator().manual_seed(FIXTURES['random_maps']['seed'])
    maps = torch.rand(FIXTURES['random_maps']['n'], *FIXTURES['random_maps']['shape'], generator=g) ** 3
    flat = maps.flatten(1) - maps.flatten(1).amin(1, keepdim=True)
    maps = (flat / flat.amax(1, keepdim=True)).reshape(maps.shape).numpy()
    boxes = FIXTURES['random_boxes'].long()
    differ = sum(not np.array_equal(box_mask(m, 0.4), _rectangles(boxes[boxes[:, 0] == i, 1:], m.shape))
                 for i, m in enumerate(maps))
    assert differ == 0
    assert len(boxes) > 1.5 * len(maps)  # several regions per map: the connectivity matters


def test_the_crf_image_is_the_official():
    item = IMAGES[0]
    assert torch.equal(torch.from_numpy(official_crf_image(item['rgb'].numpy())), item['crf_image'])


def _official_labels(item):
    """The official pseudo mask: labels where the CRF is confident, 255 elsewhere."""
    return item['pseudo_mask'].long()


@pytest.mark.parametrize('index', range(len(IMAGES)))
def test_crf_labels_and_the_cgl_ignore_map_from_the_official_cams(model, index):
    """Our CRF + confidence stage on the official CAMs (as its .npy files store them)."""
    item = IMAGES[index]
    rgb = item['rgb'].numpy()
    present = model._to_vocabulary(_labels(item))
    order = [int(k) for k in item['keys']]
    names = torch.tensor([k + 1 for k in order])
    names, scores = model.label_scores(names, item['refined'])
    probs = torch.from_numpy(dense_crf(official_crf_image(rgb), scores.numpy(), **model.crf_cfg))
    labels, confident = names[probs.argmax(0)], probs.amax(0) >= 0.95
    if 'crf_confidence' in item:  # the confidence maps we write, near the cut too
        torch.testing.assert_close(probs.amax(0), item['crf_confidence'], atol=ATOL, rtol=0)
        assert ((item['crf_confidence'] - 0.95).abs() < 0.01).sum() > 10
    official = _official_labels(item)
    assert torch.equal(~confident, official == 255)
    assert torch.equal(labels[confident], official[confident])
    assert present == sorted(order)


@pytest.mark.parametrize('index', range(len(IMAGES)))
def test_pseudo_masks_end_to_end_are_the_official(model, index):
    """Image -> labels and confidence through segment_batch; mu = 0.95 gives the official 255s."""
    item = IMAGES[index]
    (labels, confidence, _), = model.segment_batch([item['rgb'].numpy()], [_labels(item)])
    official = _official_labels(item)
    ignored = confidence < 0.95
    assert torch.equal(ignored, official == 255)
    assert torch.equal(labels[~ignored], official[~ignored])
    assert 0 < ignored.float().mean() < 0.5  # the rule is exercised
