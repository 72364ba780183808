"""MaskCLIP+: the student classifier, the ASPP-v2 head, the frozen teacher, pseudo labels,
the zero-shot targets, the self-training switch and the zero-shot metric."""
import logging
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F
from helpers import CLIP_MEAN, CLIP_STD, TINY
from mmengine.optim import OptimWrapper
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from mmseg_textsup.models.maskclip_plus import SelfTrainingHook, ZeroShotIoUMetric, pseudo_labels
from mmseg_textsup.models.maskclip_plus.zero_shot_iou_metric import harmonic_mean

VOCAB = ['cat', 'dog', 'grass', 'sky']
TEXT = dict(type='OpenCLIPTextClassifier', model_name=TINY, pretrained=None, vocabulary=VOCAB, templates='single')
CLIP_NORM = dict(mean=CLIP_MEAN, std=CLIP_STD)


def tiny_maskclip_plus(**kwargs):
    cfg = dict(
        type='MaskCLIPPlus',
        data_preprocessor=dict(type='SegDataPreProcessor', bgr_to_rgb=True, size=(32, 32), **CLIP_NORM),
        teacher=dict(
            type='OpenVocabEncoderDecoder',
            backbone=dict(type='OpenCLIPVision', model_name=TINY, outputs=('dense', ), dense_mode='value'),
            decode_head=dict(type='MaskCLIPHead', text_encoder=TEXT),
            test_cfg=dict(mode='whole')),
        backbone=dict(type='ResNetV1c', depth=18, stem_channels=8, base_channels=8, strides=(1, 2, 1, 1),
                      dilations=(1, 1, 2, 4), norm_cfg=dict(type='BN', requires_grad=True)),
        decode_head=dict(type='ASPPV2Head', in_channels=64, in_index=3, channels=32, dilations=(1, 2),
                         dropout_ratio=0.0, loss_decode=dict(type='CrossEntropyLoss', loss_weight=1.0)),
        classifier=dict(type='TextEmbeddingClassifier', text_encoder=TEXT))
    cfg.update(kwargs)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def batch(gt=None, n=2, size=32, img_shape=None):
    samples = []
    for i in range(n):
        sample = SegDataSample(metainfo=dict(img_shape=img_shape or (size, size), pad_shape=(size, size)))
        if gt is not None:
            sample.gt_sem_seg = PixelData(data=gt[i][None].clone())
        samples.append(sample)
    return torch.randn(n, 3, size, size), samples


# --------------------------------------------------------------------------- classifier / head


def test_text_embedding_classifier_is_raw_features_times_normalised_text_with_learnable_background():
    clf = MODELS.build(dict(type='TextEmbeddingClassifier', text_encoder=TEXT, in_channels=32,
                            learnable_background=True, bg_index=0))
    clf.init_weights()
    feats = torch.randn(2, 32, 3, 3)
    logits = clf(feats)
    assert logits.shape == (2, 5, 3, 3) and clf.class_names == ['background'] + VOCAB
    text = F.normalize(clf.text_encoder.embeddings(), dim=-1)
    expected = torch.einsum('bchw,kc->bkhw', feats, text)
    torch.testing.assert_close(logits[:, 1:], expected, atol=1e-5, rtol=1e-5)
    bg = torch.einsum('bchw,c->bhw', feats, F.normalize(clf.background, dim=0))
    torch.testing.assert_close(logits[:, 0], bg, atol=1e-5, rtol=1e-5)
    # the text embeddings are frozen; the background is learnt
    assert [n for n, p in clf.named_parameters() if p.requires_grad] == ['background']


def test_classifier_projects_other_widths():
    clf = MODELS.build(dict(type='TextEmbeddingClassifier', text_encoder=TEXT, in_channels=48))
    assert clf.projection.in_channels == 48 and clf.projection.out_channels == 32
    assert clf(torch.randn(1, 48, 2, 2)).shape == (1, 4, 2, 2)


def test_aspp_v2_sums_dilated_branches():
    """Plain DeepLabv2 branches (no norm, no activation): 1x1 for dilation 1, else dilated 3x3."""
    head = MODELS.build(dict(type='ASPPV2Head', in_channels=8, channels=6, num_classes=3, dilations=(1, 2, 3),
                             dropout_ratio=0.0, norm_cfg=None, act_cfg=None))
    head.init_weights()
    convs = [b.conv for b in head.branches]
    assert [c.dilation for c in convs] == [(1, 1), (2, 2), (3, 3)] and convs[0].kernel_size == (1, 1)
    x = torch.randn(2, 8, 9, 9)
    expected = head.conv_seg(sum(F.conv2d(x, c.weight, c.bias, padding=c.padding, dilation=c.dilation)
                                 for c in convs))
    torch.testing.assert_close(head([x]), expected)
    # the official MaskCLIP+ branches: conv + BN + ReLU each, then summed
    official = MODELS.build(dict(type='ASPPV2Head', in_channels=8, channels=6, num_classes=3, dilations=(1, 2),
                                 dropout_ratio=0.0, norm_cfg=dict(type='BN')))
    assert [type(b.bn).__name__ for b in official.branches] == ['BatchNorm2d'] * 2
    assert all(b.activate is not None for b in official.branches)


# --------------------------------------------------------------------------- pseudo labels


def test_pseudo_labels_threshold_and_candidates():
    probs = torch.tensor([[0.7, 0.2, 0.1], [0.4, 0.35, 0.25], [0.1, 0.1, 0.8]]).T.reshape(1, 3, 1, 3)
    assert pseudo_labels(probs, 0.0, 255).tolist() == [[[0, 0, 2]]]
    assert pseudo_labels(probs, 0.5, 255).tolist() == [[[0, 255, 2]]]
    # restricted to classes 1 and 2, renormalised: pixel 0 -> 0.2/0.3 for class 1
    cand = torch.tensor([1, 2])
    assert pseudo_labels(probs, 0.0, 255, cand).tolist() == [[[1, 1, 2]]]
    assert pseudo_labels(probs, 0.6, 255, cand).tolist() == [[[1, 255, 2]]]  # 0.35/0.6 = 0.58 < 0.6


# --------------------------------------------------------------------------- teacher


def test_teacher_is_frozen_hidden_and_untouched_by_a_train_step():
    model = tiny_maskclip_plus()
    teacher_names = {id(p) for p in model.teacher.parameters()}
    assert not teacher_names & {id(p) for p in model.parameters()}, 'the teacher must not reach the optimizer'
    assert not any(k.startswith('teacher.') for k in model.state_dict())
    before = {k: v.clone() for k, v in model.teacher.state_dict().items()}
    student_before = model.backbone.stem[0].weight.clone()
    optim = OptimWrapper(torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1))
    model.train()
    assert not model.teacher.training
    inputs, samples = batch()
    data = dict(inputs=[(x * 50 + 120).clamp(0, 255).to(torch.uint8) for x in inputs], data_samples=samples)
    losses = model.train_step(data, optim)
    assert losses['loss'] > 0 and 0 < losses['pseudo_coverage'] <= 1
    assert all(p.grad is None for p in model.teacher.parameters())
    for k, v in model.teacher.state_dict().items():
        assert torch.equal(v, before[k]), k
    # the student did learn
    assert not torch.equal(model.backbone.stem[0].weight, student_before)


def test_teacher_kept_in_checkpoint_only_when_asked():
    model = tiny_maskclip_plus(keep_teacher_in_checkpoint=True)
    assert any(k.startswith('teacher.backbone.') for k in model.state_dict())
    assert not any(p.requires_grad for p in model.teacher.parameters())
    model.train()
    assert not model.teacher.training


def test_teacher_gets_the_students_batch_as_it_is():
    """The official teacher receives the student's image as the config normalised it."""
    model = tiny_maskclip_plus()
    inputs, _ = batch()
    seen = []
    handle = model.teacher.backbone.register_forward_hook(lambda module, args, out: seen.append(args[0]))
    try:
        model.teacher_probabilities(inputs)
    finally:
        handle.remove()
    assert torch.equal(seen[0], inputs)


def test_teacher_probabilities_follow_the_student_class_order():
    model = tiny_maskclip_plus(classifier=dict(
        type='TextEmbeddingClassifier', text_encoder=dict(TEXT, vocabulary=['sky', 'cat', 'tree']),
        learnable_background=True))
    assert model.class_names == ['background', 'sky', 'cat', 'tree']
    inputs, _ = batch()
    probs = model.teacher_probabilities(inputs)
    teacher_probs = model.teacher.whole_inference(inputs, [dict(img_shape=(32, 32))] * 2).softmax(dim=1)
    torch.testing.assert_close(probs[:, 1], teacher_probs[:, 3])  # sky
    torch.testing.assert_close(probs[:, 2], teacher_probs[:, 0])  # cat
    assert probs[:, 0].abs().sum() == 0 and probs[:, 3].abs().sum() == 0  # unknown to the teacher


def test_teacher_sharing_no_class_is_refused():
    with pytest.raises(ValueError, match='shares no class'):
        tiny_maskclip_plus(classifier=dict(type='TextEmbeddingClassifier', text_encoder=dict(
            TEXT, vocabulary=['car', 'bus'])))


# --------------------------------------------------------------------------- targets


def test_zero_shot_targets_never_use_unseen_ground_truth():
    """Plant 'dog' (unseen) pixels: their targets are the teacher's unseen-only choice."""
    model = tiny_maskclip_plus(unseen_classes=['dog', 'sky'])
    gt = torch.zeros(2, 32, 32, dtype=torch.long)  # cat (seen)
    gt[:, :16] = 1  # dog (unseen): the planted ground truth
    gt[:, :, :4] = 2  # grass (seen)
    gt[:, -2:] = 255  # ignored
    inputs, samples = batch(gt)
    # a teacher that favours 'cat' (seen) but, among the unseen, prefers 'sky' everywhere
    probs = torch.tensor([0.6, 0.1, 0.1, 0.2]).view(1, 4, 1, 1).expand(2, 4, 32, 32)
    model.teacher_probabilities = lambda x: probs
    targets = model.pseudo_targets(inputs, samples, seg_logits=None)
    unlabelled = gt == 1
    assert (targets[unlabelled] == 3).all(), 'unseen pixels take the teacher label, restricted to unseen classes'
    assert not (targets == 1).any(), 'the ground truth of an unseen class leaked into the targets'
    assert torch.equal(targets[~unlabelled], gt[~unlabelled])


def test_zero_shot_with_the_real_teacher_labels_unlabelled_pixels_with_unseen_classes():
    model = tiny_maskclip_plus(unseen_classes=['dog', 'sky'])
    gt = torch.full((2, 32, 32), 1, dtype=torch.long)
    gt[:, 20:] = 0
    inputs, samples = batch(gt)
    targets = model.pseudo_targets(inputs, samples, seg_logits=None)
    assert set(targets[:, :20].unique().tolist()) <= {1, 3}
    assert (targets[:, 20:] == 0).all()


def test_annotation_free_targets_are_the_teacher_argmax_and_padding_is_ignored():
    model = tiny_maskclip_plus(pseudo_label_threshold=0.3)
    inputs, samples = batch(img_shape=(24, 20))
    probs = model.teacher_probabilities(inputs)
    targets = model.pseudo_targets(inputs, samples, seg_logits=None)
    conf, labels = probs.max(dim=1)
    expected = labels.masked_fill(conf < 0.3, 255)
    assert torch.equal(targets[:, :24, :20], expected[:, :24, :20])
    assert (targets[:, 24:] == 255).all() and (targets[:, :, 20:] == 255).all()


def test_annotation_free_keeps_the_ignore_pixels_of_a_loaded_ground_truth():
    """Official rule: annotation-free pseudo labels everywhere but where the ground truth is 255
    (VOC20 / Context59 background, COCO-Stuff unlabelled)."""
    model = tiny_maskclip_plus()
    gt = torch.randint(0, 4, (2, 32, 32))
    gt[:, :5] = 255
    inputs, samples = batch(gt=gt)
    targets = model.pseudo_targets(inputs, samples, seg_logits=None)
    teacher = model.teacher_probabilities(inputs).argmax(dim=1)
    assert (targets[:, :5] == 255).all()
    assert torch.equal(targets[:, 5:], teacher[:, 5:])  # the ground-truth classes themselves are never read


def test_self_training_labels_from_the_student_without_the_teacher():
    model = tiny_maskclip_plus()
    model.self_training = True
    model.teacher_probabilities = lambda x: pytest.fail('the teacher must not run during self-training')
    inputs, samples = batch()
    logits = torch.randn(2, 4, 8, 8)
    targets = model.pseudo_targets(inputs, samples, logits)
    assert torch.equal(targets, F.interpolate(logits, size=(32, 32), mode='bilinear').argmax(dim=1))


# --------------------------------------------------------------------------- self-training switch


class _Runner(SimpleNamespace):
    pass


def _runner(model, iteration, max_iters=100):
    return _Runner(model=model, iter=iteration, max_iters=max_iters, logger=logging.getLogger('test_st'))


def test_self_training_hook_switches_at_the_configured_iteration(caplog):
    caplog.set_level(logging.INFO, logger='test_st')
    model = SimpleNamespace(self_training=False)
    hook = SelfTrainingHook()  # 1/10 of 100 iterations
    runner = _runner(model, 0)
    hook.before_train(runner)
    phases = []
    for it in range(12):
        runner.iter = it
        hook.before_train_iter(runner, it)
        phases.append(model.self_training)
    assert phases == [False] * 10 + [True] * 2
    assert [r.message for r in caplog.records if 'iteration 10' in r.message] == [
        'MaskCLIP+: iteration 10: self-training (the student labels itself)']
    # a resumed run (fresh model flag, iteration past the switch) is in the self-training phase at once
    resumed = SimpleNamespace(self_training=False)
    hook.before_train_iter(_runner(resumed, 57), 0)
    assert resumed.self_training
    # explicit iteration
    explicit = SimpleNamespace(self_training=False)
    SelfTrainingHook(start_iter=3).before_train_iter(_runner(explicit, 2), 0)
    assert not explicit.self_training


def test_self_training_hook_refuses_other_models():
    with pytest.raises(TypeError, match='self_training'):
        SelfTrainingHook().before_train(_runner(torch.nn.Linear(1, 1), 0))


# --------------------------------------------------------------------------- metric and splits


def test_zero_shot_metric_matches_a_hand_computation():
    metric = ZeroShotIoUMetric(unseen_classes=['c', 'd'])
    metric.dataset_meta = dict(classes=['a', 'b', 'c', 'd'])
    # IoU = intersect / union: a 0.5, b 1.0, c 0.25, d 0.75
    intersect = torch.tensor([1., 4., 1., 3.])
    union = torch.tensor([2., 4., 4., 4.])
    results = [(intersect, union, union, union)]
    out = metric.compute_metrics(results)
    assert out['mIoU'] == 62.5
    assert out['mIoU_seen'] == 75.0 and out['mIoU_unseen'] == 50.0
    assert out['hIoU'] == pytest.approx(2 * 75 * 50 / 125)
    assert harmonic_mean(0.0, 0.0) == 0.0


@pytest.mark.parametrize('split,dataset,vocabulary', [
    ('voc', 'PascalVOC20Dataset', 'voc20'),
    ('voc', 'PascalVOC20Dataset', 'maskclip_voc20'),
    ('context', 'PascalContextDataset', 'context60'),
    ('coco_stuff', 'COCOStuffDataset', 'coco_stuff171'),
    ('coco_stuff', 'COCOStuffDataset', 'maskclip_coco_stuff171'),
])
def test_unseen_splits_resolve_in_datasets_and_vocabularies(split, dataset, vocabulary):
    from mmseg.registry import DATASETS

    from mmseg_textsup.models.maskclip_plus import UNSEEN_CLASSES, class_indices
    from mmseg_textsup.vocabularies import load_vocabulary
    classes = DATASETS.get(dataset).METAINFO['classes']
    names = [n[0] for n in load_vocabulary(vocabulary)]
    assert len(names) == len(classes)
    in_dataset = class_indices(UNSEEN_CLASSES[split], classes)
    assert in_dataset == class_indices(UNSEEN_CLASSES[split], names)
    assert len(set(in_dataset)) == {'voc': 5, 'context': 10, 'coco_stuff': 15}[split]
    with pytest.raises(KeyError, match='unicorn'):
        class_indices(['unicorn'], classes)
