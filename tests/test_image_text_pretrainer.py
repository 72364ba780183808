import torch
from mmengine.optim import OptimWrapper
from mmseg.registry import DATASETS, MODELS

from mmseg_textsup.models.clip.loading import clip_state_dict_of, split_clip_state_dict

TINY = 'TextSup-Tiny-ViT'


def _model(**kwargs):
    cfg = dict(
        type='ImageTextPretrainer',
        data_preprocessor=dict(type='SegDataPreProcessor', mean=[122.8, 116.7, 104.1], std=[68.5, 66.6, 70.3],
                               bgr_to_rgb=True, size=(64, 64)),
        image_encoder=dict(type='OpenCLIPVision', model_name=TINY, frozen=False, dense_mode='value'),
        text_encoder=dict(type='OpenCLIPText', model_name=TINY),
        vocabulary='toy')
    cfg.update(kwargs)
    return MODELS.build(cfg)


def _pairs(n=6):
    pipeline = [dict(type='LoadToySample', with_seg=False), dict(type='TokenizeCaption', model_name=TINY),
                dict(type='PackImageTextInputs')]
    dataset = DATASETS.build(dict(type='ToyCaptionDataset', num_samples=n, pipeline=pipeline))
    items = [dataset[i] for i in range(n)]
    return dict(inputs=[i['inputs'] for i in items], data_samples=[i['data_samples'] for i in items])


def _seg_batch(n=2):
    pipeline = [dict(type='LoadToySample'), dict(type='PackSegInputs')]
    dataset = DATASETS.build(dict(type='ToySegDataset', split='val', num_samples=n, pipeline=pipeline))
    items = [dataset[i] for i in range(n)]
    return dict(inputs=[i['inputs'] for i in items], data_samples=[i['data_samples'] for i in items])


def test_train_step_updates_both_towers_and_temperature():
    model = _model()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    log = model.train_step(_pairs(), optim)
    assert set(log) == {'loss', 'loss_contrastive', 'logit_scale'}
    after = model.state_dict()
    for key in ('image_encoder.visual.conv1.weight', 'text_encoder.text.token_embedding.weight',
                'loss_module.temperature.log_scale'):
        assert not torch.equal(before[key], after[key]), key


def test_class_embeddings_follow_training_and_are_cached_between():
    model = _model().eval()
    batch = _seg_batch()
    out = model.val_step(batch)
    assert out[0].pred_sem_seg.data.shape == (1, 64, 64)
    assert out[0].seg_logits.data.shape == (10, 64, 64)
    cached = model.class_embeddings()[0]
    assert model.class_embeddings()[0] is cached  # reused within an evaluation
    model.train()
    model.train_step(_pairs(), OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.5)))
    model.eval()
    assert not torch.allclose(model.class_embeddings()[0], cached)  # recomputed after training


def test_exported_clip_weights_round_trip(tmp_path):
    model = _model()
    path = tmp_path / 'clip.pth'
    torch.save(clip_state_dict_of(model), path)
    visual, text = split_clip_state_dict(torch.load(path))
    for k, v in model.image_encoder.visual.state_dict().items():
        assert torch.equal(visual[k], v)
    for k, v in model.text_encoder.text.state_dict().items():
        assert torch.equal(text[k], v)
    tower = MODELS.build(dict(type='OpenCLIPVision', model_name=TINY, pretrained=str(path)))
    tower.init_weights()
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        a = tower.forward_features(x, ('global', ))['global']
        b = model.image_encoder.eval().forward_features(x, ('global', ))['global']
    assert torch.allclose(a, b, atol=1e-6)
    # a whole training checkpoint of the pre-trainer loads directly too
    torch.save({'state_dict': model.state_dict()}, tmp_path / 'iter_1.pth')
    tower2 = MODELS.build(dict(type='OpenCLIPVision', model_name=TINY, pretrained=str(tmp_path / 'iter_1.pth')))
    tower2.init_weights()
    assert torch.equal(tower2.visual.conv1.weight, tower.visual.conv1.weight)
