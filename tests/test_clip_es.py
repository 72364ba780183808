"""CLIP-ES: Softmax-GradCAM (eq. 4), Sinkhorn / CAA (eq. 6-7), box masks, confidence (eq. 8),
image-level labels and the pseudo-mask model."""
import numpy as np
import pytest
import torch
from helpers import TINY
from mmseg.registry import MODELS, TRANSFORMS
from mmseg.structures import SegDataSample

from mmseg_textsup.models.clip_es import box_mask, caa_affinity, caa_refine, cam_confidence, sinkhorn, softmax_gradcam


def test_softmax_gradcam_matches_the_hand_derivation_of_eq4():
    """Logits y_k = w_k . mean_n(A_n): d s_c / d A_n = (1/N) [s_c (1 - s_c) w_c - sum_{c' != c} s_c s_c' w_c']."""
    g = torch.Generator().manual_seed(0)
    A = torch.rand(5, 3, generator=g).requires_grad_()
    w = torch.randn(2, 3, generator=g)
    probs = (A.mean(dim=0) @ w.t()).softmax(dim=0)
    cams = softmax_gradcam(A, probs, [0, 1])
    s = probs.detach()
    for c in range(2):
        other = 1 - c
        weights = (s[c] * (1 - s[c]) * w[c] - s[c] * s[other] * w[other]) / 5
        torch.testing.assert_close(cams[c], torch.relu(A.detach() @ weights))
    # with two classes the competitor pushes the other way: the maps are complementary in sign
    assert torch.allclose(torch.relu(-(A.detach() @ ((s[0] * (1 - s[0]) * (w[0] - w[1])) / 5))), cams[1], atol=1e-6)


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


def test_box_mask_covers_the_bounding_boxes_of_planted_blobs():
    cam = np.zeros((10, 12), np.float32)
    cam[2, 3] = cam[3, 4] = cam[4, 3] = 0.9  # an L-ish blob: box rows 2-4, cols 3-4 (8-connectivity off)
    cam[3, 3] = 0.5
    cam[7:9, 9:11] = 0.8
    mask = box_mask(cam, 0.4)
    expected = np.zeros_like(mask)
    expected[2:5, 3:5] = 1
    expected[7:9, 9:11] = 1
    np.testing.assert_array_equal(mask, expected)


def test_caa_refinement_masks_the_output_with_the_boxes():
    cams = torch.zeros(1, 4, 4)
    cams[0, 1:3, 1:3] = 1.0
    affinity = torch.full((16, 16), 1 / 16)  # spreads every pixel everywhere
    refined = caa_refine(cams, affinity, threshold=0.4)
    assert (refined[0, 1:3, 1:3] == 1).all() and refined.sum() == 4  # nothing leaks out of the box
    spread = caa_refine(cams, affinity, threshold=0.4, mask_on='source')
    assert spread.unique().numel() == 1  # the official variant masks the sources: the spread is uniform


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
    assert conf.shape == (1, 40, 36) and (conf >= 0.5).all() and (conf <= 1).all()
    assert not any(p.grad is not None for p in model.parameters())
    with pytest.raises(NotImplementedError):
        model.loss(inputs, [sample])


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
