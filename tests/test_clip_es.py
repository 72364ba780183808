"""CLIP-ES: Softmax-GradCAM (eq. 4), Sinkhorn / CAA (eq. 6-7), box masks, confidence (eq. 8),
image-level labels and the pseudo-mask model."""
import os.path as osp

import numpy as np
import pytest
import torch
from conftest import REPO_ROOT
from helpers import TINY
from mmseg.registry import MODELS, TRANSFORMS
from mmseg.structures import SegDataSample
from PIL import Image

from mmseg_textsup.models.clip_es import box_mask, caa_affinity, caa_refine, cam_confidence, sinkhorn, softmax_gradcam
from mmseg_textsup.models.clip_es.clip_es import official_crf_image
from mmseg_textsup.utils.dense_crf import dense_crf


def test_softmax_gradcam_matches_the_hand_derivation_of_eq4():
    """Logits y_k = w_k . mean_n(A_n) over the N patch tokens: d s_c / d A_n =
    (1/N) [s_c (1 - s_c) w_c - sum_{c' != c} s_c s_c' w_c']; the class token (row 0) is left out
    of the channel weights and the map, as in the official GradCAM."""
    g = torch.Generator().manual_seed(0)
    A = torch.rand(6, 3, generator=g).requires_grad_()
    w = torch.randn(2, 3, generator=g)
    probs = (A[1:].mean(dim=0) @ w.t() + A[0] @ w.t()).softmax(dim=0)  # the class token also feeds the score
    cams = softmax_gradcam(A, probs, [0, 1])
    assert cams.shape == (2, 5)
    s = probs.detach()
    for c in range(2):
        other = 1 - c
        weights = (s[c] * (1 - s[c]) * w[c] - s[c] * s[other] * w[other]) / 5
        torch.testing.assert_close(cams[c], torch.relu(A.detach()[1:] @ weights))


def test_sinkhorn_is_doubly_stochastic_and_the_affinity_symmetric():
    g = torch.Generator().manual_seed(0)
    m = torch.rand(6, 6, generator=g) + 0.1
    d = sinkhorn(m, iterations=50)
    torch.testing.assert_close(d.sum(dim=0), torch.ones(6), atol=1e-5, rtol=0)
    torch.testing.assert_close(d.sum(dim=1), torch.ones(6), atol=1e-5, rtol=0)
    attention = torch.rand(8, 7, 7, generator=g).softmax(dim=-1)
    a = caa_affinity(attention, iterations=3, power=1)
    torch.testing.assert_close(a, a.t())
    a2 = caa_affinity(attention, iterations=3, power=2)
    torch.testing.assert_close(a2, a @ a)


def test_box_masks_are_the_official_contour_boxes():
    """8-connected regions above int(lambda * max) of the uint8 map; right / bottom ends clipped
    to w - 1 / h - 1 (the last column and row never inside a box)."""
    cam = np.zeros((10, 12), np.float32)
    cam[2, 3] = cam[3, 4] = cam[4, 3] = 0.9
    cam[3, 3] = 0.5  # 127 > int(0.4 * 229) = 91: part of the blob
    cam[0, 8] = cam[1, 9] = 0.8  # touching at a corner only: one 8-connected region, one box
    cam[8:10, 10:12] = 0.7  # in the last rows and columns: its box loses them
    cam[6, 0] = 0.36  # 91 = int(0.4 * 229) is not above the threshold
    mask = box_mask(cam, 0.4)
    expected = np.zeros_like(mask)
    expected[2:5, 3:5] = 1
    expected[0:2, 8:10] = 1
    expected[8:9, 10:11] = 1
    np.testing.assert_array_equal(mask, expected)
    assert not box_mask(np.zeros((4, 4), np.float32), 0.4).any()


def test_caa_refinement_masks_the_affinity_columns_with_the_boxes():
    """refined = normalise((A * B_c) vec(M_c)): only CAM inside the boxes is spread, everywhere."""
    g = torch.Generator().manual_seed(0)
    cams = torch.rand(1, 4, 4, generator=g) * 0.3  # below lambda * max: outside every box
    cams[0, 1:3, 1:3] = 1.0
    a = torch.rand(16, 16, generator=g)
    affinity = (a + a.t()) / 2
    refined = caa_refine(cams, affinity, threshold=0.4)
    box = torch.zeros(16)
    box[[5, 6, 9, 10]] = 1
    expected = affinity @ (cams[0].flatten() * box)
    expected = (expected - expected.min()) / (1e-7 + (expected - expected.min()).max())
    torch.testing.assert_close(refined[0].flatten(), expected)
    assert (refined[0] > 0).sum() > 4  # the refinement reaches pixels outside the box
    cams[0, 0, 0] = 0.35  # a change outside the boxes does not reach the result
    torch.testing.assert_close(caa_refine(cams, affinity, threshold=0.4), refined)


def test_confidence_is_eq8():
    cams = torch.tensor([[[0.1, 0.6]], [[0.3, 0.2]]])
    torch.testing.assert_close(cam_confidence(cams), torch.tensor([[0.7, 0.6]]))


def test_image_level_labels_from_mask_xml_and_file(tmp_path):
    mask = np.array([[0, 3], [255, 15]], np.uint8)
    t = TRANSFORMS.build(dict(type='LoadImageLevelLabels', exclude=(0, )))
    assert t(dict(gt_seg_map=mask))['image_labels'].tolist() == [3, 15]
    classes = ['background', 'aeroplane', 'bicycle', 'bird', 'pottedplant']
    (tmp_path / 'a.xml').write_text('<annotation><object><name>bird</name></object>'
                                    '<object><name>pottedplant</name></object><object><name>bird</name></object>'
                                    '</annotation>')
    t = TRANSFORMS.build(dict(type='LoadImageLevelLabels', source='voc_xml', classes=classes, xml_dir=str(tmp_path)))
    assert t(dict(img_path='/x/a.jpg'))['image_labels'].tolist() == [3, 4]
    labels = tmp_path / 'labels.txt'
    labels.write_text('a 1 3\nb 2\n')
    t = TRANSFORMS.build(dict(type='LoadImageLevelLabels', source='file', classes=classes, label_file=str(labels)))
    assert t(dict(img_path='b.jpg'))['image_labels'].tolist() == [2]
    labels.write_text('a 1 3\nb 9\n')
    with pytest.raises(ValueError, match=r'labels.txt, line 2: unknown class ids \[9\]'):
        TRANSFORMS.build(dict(type='LoadImageLevelLabels', source='file', classes=classes, label_file=str(labels)))
    coco = tmp_path / 'instances.json'
    coco.write_text('{"images": [{"id": 7, "file_name": "c.jpg"}, {"id": 8, "file_name": "d.jpg"}], '
                    '"categories": [{"id": 16, "name": "bird"}, {"id": 2, "name": "bicycle"}], '
                    '"annotations": [{"image_id": 7, "category_id": 16}, {"image_id": 7, "category_id": 2}]}')
    t = TRANSFORMS.build(dict(type='LoadImageLevelLabels', source='coco', classes=classes, label_file=str(coco)))
    assert t(dict(img_path='c.jpg'))['image_labels'].tolist() == [2, 3]
    assert t(dict(img_path='d.jpg'))['image_labels'].tolist() == []
    with pytest.raises(ValueError, match=r"\['bird'\] are not classes"):
        TRANSFORMS.build(dict(type='LoadImageLevelLabels', source='coco', classes=classes[:3], label_file=str(coco)))
    with pytest.raises(FileNotFoundError, match='nope.txt'):
        TRANSFORMS.build(dict(type='LoadImageLevelLabels', source='file', classes=classes,
                              label_file=str(tmp_path / 'nope.txt')))


def _tiny_clip_es(**kwargs):
    model = MODELS.build(dict(
        type='CLIPES',
        data_preprocessor=dict(type='SegDataPreProcessor', mean=[122.8, 116.7, 104.1], std=[68.5, 66.6, 70.3],
                               bgr_to_rgb=True),
        backbone=dict(type='OpenCLIPVision', model_name=TINY, outputs=('dense', )),
        text_encoder=dict(type='OpenCLIPTextClassifier', model_name=TINY, vocabulary=['cat', 'dog', 'bird'],
                          templates='clip_es'),
        background_words=['grass', 'sky'], caa_blocks=2, **kwargs))
    model.init_weights()
    return model.eval()


@pytest.mark.parametrize('caa,crf', [(False, False), (True, False), (True, True)])
def test_clip_es_labels_only_present_classes_and_background(caa, crf):
    model = _tiny_clip_es(caa=caa, crf=crf)
    sample = SegDataSample(metainfo=dict(img_shape=(40, 36), ori_shape=(40, 36), image_labels=np.array([1, 3])))
    inputs = torch.randn(1, 3, 40, 36)
    with torch.no_grad():  # as in MMEngine's test loop: CLIP-ES enables gradients itself
        out = model.predict(inputs, [sample])[0]
    labels = out.pred_sem_seg.data
    assert labels.shape == (1, 40, 36) and set(labels.unique().tolist()) <= {0, 1, 3}
    conf = out.confidence.data
    assert conf.shape == (1, 40, 36) and (conf >= 1 / 3).all() and (conf <= 1 + 1e-6).all()  # 3 labels
    assert not any(p.grad is not None for p in model.parameters())
    with pytest.raises(NotImplementedError):
        model.loss(inputs, [sample])


def test_clip_input_is_the_pil_bicubic_resize_to_the_patch_grid():
    model = _tiny_clip_es(crf=False)
    rgb = np.random.default_rng(0).integers(0, 256, (20, 30, 3), dtype=np.uint8)
    x = model.clip_input(rgb)
    assert x.shape == (1, 3, 24, 32)  # rounded up to the patch (8)
    resized = np.asarray(Image.fromarray(rgb).resize((32, 24), Image.BICUBIC)).astype(np.float32)
    pre = model.data_preprocessor
    torch.testing.assert_close(x[0], (torch.from_numpy(resized).permute(2, 0, 1) - pre.mean) / pre.std)
    exact = np.zeros((16, 24, 3), np.uint8)
    torch.testing.assert_close(model.clip_input(exact)[0], ((torch.zeros(3, 16, 24) - pre.mean) / pre.std))


def test_label_scores_background_power_and_float16_storage():
    model = _tiny_clip_es(crf=False, bg_power=2)
    cams = torch.tensor([[[0.1, 0.123456789]], [[0.6, 0.2]]])
    names, scores = model.label_scores(torch.tensor([1, 3]), cams)
    assert names.tolist() == [0, 1, 3]
    stored = cams.half().float()
    torch.testing.assert_close(scores[1:], stored, rtol=0, atol=0)
    torch.testing.assert_close(scores[0], (1 - stored.amax(dim=0)) ** 2)
    assert scores[1, 0, 1] != cams[0, 0, 1]  # rounded as the official .npy files store them


def test_official_crf_image_wraps_like_the_uint8_cast():
    rgb = np.array([[[0, 0, 0], [255, 200, 110]]], np.uint8)
    # BGR - (104.008, 116.669, 122.675), truncated, modulo 256
    np.testing.assert_array_equal(official_crf_image(rgb), [[[152, 140, 134], [5, 83, 132]]])


@pytest.mark.parametrize('confidence', ['crf', 'cam'])
def test_confidence_is_the_crf_probability_or_eq8(confidence):
    torch.manual_seed(0)
    model = _tiny_clip_es(crf=True, confidence=confidence)
    rgb = np.random.default_rng(1).integers(0, 256, (24, 32, 3), dtype=np.uint8)
    (labels, conf, _), = model.segment_batch([rgb], [np.array([1, 3])])
    names, cams = model.full_size_cams(rgb, np.array([1, 3]))
    names, scores = model.label_scores(names, cams)
    probs = torch.from_numpy(dense_crf(official_crf_image(rgb), scores.numpy(), **model.crf_cfg))
    assert torch.equal(labels, names[probs.argmax(dim=0)])
    expected = probs.amax(dim=0) if confidence == 'crf' else cam_confidence(cams)
    torch.testing.assert_close(conf, expected)


def test_clip_es_refuses_labels_outside_the_vocabulary():
    model = _tiny_clip_es(crf=False)
    sample = SegDataSample(metainfo=dict(img_shape=(16, 16), image_labels=np.array([7])))
    with pytest.raises(ValueError, match=r'\[7\]'):
        model.predict(torch.randn(1, 3, 16, 16), [sample])


@pytest.mark.slow
def test_crf_workers_give_the_same_pseudo_masks_as_the_main_process():
    torch.manual_seed(0)
    serial = _tiny_clip_es(crf=True)
    pooled = _tiny_clip_es(crf=True, crf_workers=2)
    pooled.load_state_dict(serial.state_dict())
    shapes = [(40, 36), (32, 40), (40, 40)]  # padded batch: every image keeps its own size
    labels = [np.array([1, 3]), np.array([2]), np.array([1, 2, 3])]
    inputs = torch.randn(3, 3, 40, 40)

    def samples():
        return [SegDataSample(metainfo=dict(img_shape=s, ori_shape=s, image_labels=lab))
                for s, lab in zip(shapes, labels)]

    with torch.no_grad():
        a, b = serial.predict(inputs, samples()), pooled.predict(inputs, samples())
    for x, y, s in zip(a, b, shapes):
        assert x.pred_sem_seg.data.shape == (1, *s)
        assert torch.equal(x.pred_sem_seg.data, y.pred_sem_seg.data)
        torch.testing.assert_close(x.confidence.data, y.confidence.data)
    assert pooled._crf_pool is not None


OFFICIAL_CRF = dict(unary='softmax_float16', iterations=10, gaussian_sxy=1, gaussian_compat=3, bilateral_sxy=67,
                    bilateral_srgb=3, bilateral_compat=4)  # eval_cam_with_crf.py's DenseCRF(...)
# what each config's official script runs: generate_cams_voc12.py / _coco14.py (CAA: the last 8 attention
# maps, 1 + 2 Sinkhorn rounds, one matrix product = t 2, box threshold 0.4 / 0.7), eval_cam.py (raw CAMs:
# --cam_eval_thres 2), eval_cam_with_crf.py (background power 1 before its CRF)
OFFICIAL_SETTINGS = {
    'voc21_cams.py': dict(caa=False, crf=False, bg_power=2),
    'voc21_caa.py': dict(caa=True, crf=False, bg_power=2),
    'voc21_caa_crf.py': dict(caa=True, crf=True, bg_power=1, crf_cfg=OFFICIAL_CRF),
    'voc21_pseudo_masks.py': dict(caa=True, crf=True, bg_power=1, crf_cfg=OFFICIAL_CRF, confidence='crf'),
    'voc21_pseudo_masks_eq8.py': dict(caa=True, crf=True, bg_power=1, confidence='cam'),
    'coco_object_pseudo_masks.py': dict(caa=True, crf=True, bg_power=1, crf_cfg=OFFICIAL_CRF, caa_threshold=0.7),
    'toy.py': dict(caa=True, crf=True, bg_power=1, crf_cfg=OFFICIAL_CRF, caa_blocks=2),
}


@pytest.mark.parametrize('name', sorted(OFFICIAL_SETTINGS))
def test_configs_run_the_official_scripts_settings(name):
    """Every CLIP-ES model setting, the defaults the configs rely on included, as the official scripts."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs/clip_es', name)).model
    for tower in (cfg.backbone, cfg.text_encoder):
        tower.update(model_name=TINY, pretrained=None)
    model = MODELS.build(cfg)
    expected = dict(dict(caa_blocks=8, caa_power=2, sinkhorn_iterations=3, caa_threshold=0.4),
                    **OFFICIAL_SETTINGS[name])
    assert {k: getattr(model, k) for k in expected} == expected
