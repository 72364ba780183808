import os.path as osp
from unittest import mock

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import REPO_ROOT
from helpers import CLIP_PREPROCESSOR, TINY, seg_batch, tiny_classifier
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from mmseg_textsup.apis import build_open_vocab_model, parse_class_list, segment_image


def _segmentor(**kwargs):
    init_default_scope('mmseg')
    cfg = dict(
        type='OpenVocabEncoderDecoder',
        data_preprocessor=CLIP_PREPROCESSOR,
        backbone=dict(type='OpenCLIPVision', model_name=TINY, outputs=('dense', 'keys')),
        decode_head=dict(type='MaskCLIPHead', text_encoder=tiny_classifier()),
        test_cfg=dict(mode='whole'))
    cfg.update(kwargs)
    return MODELS.build(cfg).eval()


def _toy_batches(n):
    batch = seg_batch(n)
    return [dict(inputs=[i], data_samples=[s]) for i, s in zip(batch['inputs'], batch['data_samples'])]


def test_text_embeddings_are_computed_once_over_an_evaluation():
    model = _segmentor()
    classifier = model.decode_head.text_encoder
    with mock.patch.object(classifier, 'encode_prompts', wraps=classifier.encode_prompts) as encode:
        for batch in _toy_batches(5):
            out = model.test_step(batch)
            assert out[0].pred_sem_seg.data.shape == (1, 64, 64)
    assert encode.call_count == 1


@pytest.mark.parametrize('mode', ['whole', 'slide'])
def test_predictions_are_probabilities_at_image_size(mode):
    test_cfg = dict(mode='slide', crop_size=(32, 32), stride=(16, 16)) if mode == 'slide' else dict(mode='whole')
    model = _segmentor(test_cfg=test_cfg)
    out = model.test_step(_toy_batches(1)[0])[0]
    probs = out.seg_logits.data
    assert probs.shape == (10, 64, 64)
    assert torch.allclose(probs.sum(0), torch.ones(64, 64), atol=1e-4)
    assert torch.equal(out.pred_sem_seg.data[0], probs.argmax(0))


def test_vocabulary_swap_and_threshold_background():
    model = _segmentor(bg_threshold=0.6)
    model.set_vocabulary(['cat', 'dog'])
    assert model.class_names == ['background', 'cat', 'dog']
    out = model.predict(torch.randn(1, 3, 32, 32))[0]
    assert out.seg_logits.data.shape == (3, 32, 32)
    assert set(out.pred_sem_seg.data.unique().tolist()) <= {0, 1, 2}


def test_logits_are_cropped_flipped_back_and_resized_before_the_softmax():
    model = _segmentor(bg_threshold=0.3)
    x = torch.randn(1, 3, 32, 48)
    meta = dict(ori_shape=(40, 50), img_shape=(28, 44), pad_shape=(32, 48), padding_size=[0, 4, 0, 4], flip=True,
                flip_direction='horizontal')
    out = model.predict(x, [SegDataSample(metainfo=meta)])[0]
    logits = model.inference(x, [meta])[:, :, :28, :44].flip(3)  # by hand: padding off, flipped back
    expected = model.probabilities(F.interpolate(logits, size=(40, 50), mode='bilinear'))[0]
    torch.testing.assert_close(out.seg_logits.data, expected)
    assert torch.equal(out.pred_sem_seg.data[0], expected.argmax(0))
    softmax_first = F.interpolate(model.probabilities(logits), size=(40, 50), mode='bilinear')[0]
    assert (softmax_first - expected).abs().max() > 1e-3  # the order matters


def test_key_smoothing_and_prompt_denoising_run_in_the_head():
    model = _segmentor()
    model.decode_head.key_smoothing = True
    model.decode_head.prompt_denoising = 0.5
    out = model.test_step(_toy_batches(1)[0])[0]
    assert out.pred_sem_seg.data.shape == (1, 64, 64)


def test_training_free_head_refuses_to_train():
    model = _segmentor()
    sample = SegDataSample()
    sample.set_metainfo(dict(img_shape=(32, 32), pad_shape=(32, 32)))
    from mmengine.structures import PixelData
    sample.gt_sem_seg = PixelData(data=torch.zeros(1, 32, 32, dtype=torch.long))
    with pytest.raises(NotImplementedError, match='training-free'):
        model.loss(torch.randn(1, 3, 32, 32), [sample])


def test_api_segments_a_photograph(tmp_path):
    import mmcv
    import skimage.data
    path = str(tmp_path / 'astronaut.png')
    mmcv.imwrite(skimage.data.astronaut()[..., ::-1], path)
    model = build_open_vocab_model(osp.join(REPO_ROOT, 'configs/maskclip/demo.py'), cfg_options={
        'model.backbone.model_name': TINY, 'model.backbone.pretrained': None,
        'model.decode_head.text_encoder.model_name': TINY, 'model.decode_head.text_encoder.pretrained': None})
    result = segment_image(model, path, parse_class_list('person/astronaut, flag, sky'))
    assert result.labels.shape == (512, 512)
    assert result.scores.shape == (3, 512, 512)
    assert result.class_names == ['person', 'flag', 'sky']
    assert np.allclose(result.scores.sum(0), 1, atol=1e-4)


def test_api_segments_an_image_with_a_benchmark_config():
    """Benchmark configs load their labels with LoadCheckedAnnotations, which the inference drops
    (mmseg's drops only LoadAnnotations: KeyError 'seg_map_path')."""
    model = build_open_vocab_model(osp.join(REPO_ROOT, 'configs/sclip/voc21.py'), cfg_options={
        'model.backbone.model_name': TINY, 'model.backbone.pretrained': None,
        'model.decode_head.text_encoder.model_name': TINY, 'model.decode_head.text_encoder.pretrained': None,
        'model.decode_head.text_encoder.templates': 'single'})
    image = np.random.default_rng(0).integers(0, 255, (60, 90, 3), dtype=np.uint8)
    result = segment_image(model, image, ['cat', 'dog', 'grass'])
    assert result.labels.shape == (60, 90) and result.class_names == ['cat', 'dog', 'grass']
