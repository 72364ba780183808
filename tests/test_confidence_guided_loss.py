"""CLIP-ES's confidence-guided loss (eq. 9): the registered loss, the confidence map's way from the
written files through the training pipeline to the loss, and the head that hands it over."""
import mmcv
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.structures import PixelData
from mmseg.registry import MODELS, TRANSFORMS
from mmseg.structures import SegDataSample

from mmseg_textsup.models.clip_es import ConfidenceGuidedHead


def test_loss_is_eq9_by_hand():
    logits = torch.tensor([[[[2.0, 0.0]], [[0.0, 1.0]]]])  # (1, 2, 1, 2)
    label = torch.tensor([[[0, 0]]])
    confidence = torch.tensor([[[0.97, 0.5]]])
    loss = MODELS.build(dict(type='ConfidenceGuidedCELoss', mu=0.95))
    assert loss.loss_name == 'loss_cgl'
    # only pixel 0 is confident: its CE alone, divided by one pixel (not two)
    expected = -torch.log_softmax(torch.tensor([2.0, 0.0]), 0)[0]
    torch.testing.assert_close(loss(logits, label, weight=confidence), expected)
    # without a confidence map: CE over the non-ignored pixels, averaged over them
    label = torch.tensor([[[0, 255]]])
    torch.testing.assert_close(loss(logits, label), expected)
    assert loss(logits, torch.full_like(label, 255)) == 0  # nothing confident: zero, not NaN


def test_loss_equals_ce_on_labels_with_the_unconfident_pixels_ignored():
    """The cheap path (unconfident pixels written as 255, the official files) gives the same
    value and gradients."""
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 5, 6, 7, generator=g, requires_grad=True)
    label = torch.randint(0, 5, (2, 6, 7), generator=g)
    label[0, 0] = 255
    confidence = torch.rand(2, 6, 7, generator=g)
    ours = MODELS.build(dict(type='ConfidenceGuidedCELoss', mu=0.6))(logits, label, weight=confidence)
    g_ours, = torch.autograd.grad(ours, logits)
    ignored = label.masked_fill(confidence < 0.6, 255)
    ce = F.cross_entropy(logits, ignored, ignore_index=255)
    g_ce, = torch.autograd.grad(ce, logits)
    torch.testing.assert_close(ours, ce)
    torch.testing.assert_close(g_ours, g_ce)


def _written_pair(root, label, confidence16):
    (root / 'labels').mkdir(exist_ok=True)
    (root / 'confidence').mkdir(exist_ok=True)
    mmcv.imwrite(label, str(root / 'labels/x.png'))
    mmcv.imwrite(confidence16, str(root / 'confidence/x.png'))
    return str(root / 'labels/x.png')


def test_confidence_map_follows_the_geometric_transforms_to_the_data_sample(tmp_path):
    """The confidence map is a function of the label here; after mmseg's random resize, crop
    and flip the packed confidence must still be that function of the packed label."""
    rng = np.random.default_rng(0)
    label = np.kron(rng.integers(0, 6, (6, 8)), np.ones((8, 8), np.int64)).astype(np.uint8)  # 48 x 64 blocks
    confidence = (label.astype(np.uint16) + 1) * 9000
    path = _written_pair(tmp_path, label, confidence)
    img = rng.integers(0, 255, (48, 64, 3), dtype=np.uint8)
    pipeline = [TRANSFORMS.build(t) for t in [
        dict(type='LoadConfidenceMap'),
        dict(type='RandomResize', scale=(128, 96), ratio_range=(0.5, 2.0), keep_ratio=True),
        dict(type='RandomCrop', crop_size=(40, 40)),
        dict(type='RandomFlip', prob=1.0),
        dict(type='PackSegInputsWithConfidence'),
    ]]
    results = dict(img=img, img_shape=img.shape[:2], ori_shape=img.shape[:2], seg_map_path=path,
                   gt_seg_map=label.copy(), seg_fields=['gt_seg_map'])
    for t in pipeline:
        results = t(results)
    sample = results['data_samples']
    packed_label = sample.gt_sem_seg.data[0]
    packed_conf = sample.gt_confidence.data[0]
    assert packed_conf.dtype == torch.float32 and packed_conf.shape == packed_label.shape
    torch.testing.assert_close(packed_conf, (packed_label + 1).float() * 9000 / 65535)


def test_confidence_map_reads_8_and_16_bit_files_and_names_what_is_missing(tmp_path):
    label = np.zeros((2, 2), np.uint8)
    path = _written_pair(tmp_path, label, np.array([[65535, 0], [62258, 62259]], np.uint16))
    t = TRANSFORMS.build(dict(type='LoadConfidenceMap'))
    conf = t(dict(seg_map_path=path, gt_seg_map=label))['gt_confidence']
    assert conf[0, 0] == 1 and ((conf >= 0.95) == [[True, False], [False, True]]).all()
    mmcv.imwrite(np.array([[255, 0], [128, 0]], np.uint8), str(tmp_path / 'confidence/x.png'))  # an older 8-bit run
    conf = t(dict(seg_map_path=path, gt_seg_map=label))['gt_confidence']
    np.testing.assert_allclose(conf, [[1, 0], [128 / 255, 0]])
    with pytest.raises(ValueError, match="'labels' folder"):
        t(dict(seg_map_path=str(tmp_path / 'x.png'), gt_seg_map=label))
    (tmp_path / 'confidence/x.png').unlink()
    with pytest.raises(FileNotFoundError, match='confidence/x.png'):
        t(dict(seg_map_path=path, gt_seg_map=label))


def _head(**kwargs):
    cfg = dict(in_channels=8, in_index=0, channels=4, dilations=(1, 2), num_classes=3, norm_cfg=None, act_cfg=None,
               dropout_ratio=0.0, align_corners=False, **kwargs)
    return cfg


def test_confidence_guided_head_hands_the_confidence_to_its_losses():
    torch.manual_seed(0)
    plain = MODELS.build(dict(type='ASPPV2Head', **_head(
        loss_decode=dict(type='CrossEntropyLoss', avg_non_ignore=True))))
    head = MODELS.build(dict(type='ConfidenceGuidedHead', head_type='ASPPV2Head', **_head(
        loss_decode=dict(type='ConfidenceGuidedCELoss', mu=0.9))))
    assert type(head).__name__ == 'ConfidenceGuidedASPPV2Head' and head.sampler is None
    assert head.state_dict().keys() == plain.state_dict().keys()  # checkpoints load either way
    head.load_state_dict(plain.state_dict())
    feats = [torch.randn(2, 8, 4, 4)]
    samples = []
    for b in range(2):
        label = torch.randint(0, 3, (1, 6, 6))
        conf = torch.rand(1, 5, 6)  # one row short: the label was padded by the data preprocessor
        samples.append(SegDataSample(gt_sem_seg=PixelData(data=label), gt_confidence=PixelData(data=conf)))
    loss = head.loss(feats, samples, {})['loss_cgl']
    assert head.sampler is None
    ignored = []
    for s in samples:
        conf = F.pad(s.gt_confidence.data[0], (0, 0, 0, 1))  # the padded row counts as unconfident
        ignored.append(s.gt_sem_seg.data.masked_fill(conf[None] < 0.9, 255))
    reference = plain.loss(feats, [SegDataSample(gt_sem_seg=PixelData(data=lab)) for lab in ignored], {})
    torch.testing.assert_close(loss, reference['loss_ce'])
    with pytest.raises(KeyError, match='LoadConfidenceMap'):
        head.loss(feats, [SegDataSample(gt_sem_seg=PixelData(data=s.gt_sem_seg.data)) for s in samples], {})


def test_confidence_guided_head_refuses_what_it_cannot_wrap():
    with pytest.raises(ValueError, match='not a registered mmseg decode head'):
        ConfidenceGuidedHead(head_type='ConfidenceGuidedCELoss')
    with pytest.raises(ValueError, match='no sampler'):
        ConfidenceGuidedHead(head_type='ASPPV2Head', sampler=dict(type='OHEMPixelSampler'), **_head())
