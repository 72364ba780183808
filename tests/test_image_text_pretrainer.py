import torch
from helpers import CLIP_PREPROCESSOR, TINY, pair_batch, run_model_modes, seg_batch
from mmengine.optim import OptimWrapper
from mmseg.registry import MODELS

from mmseg_textsup.models.clip import clip_state_dict_of, split_clip_state_dict


def _model(**kwargs):
    cfg = dict(
        type='ImageTextPretrainer',
        data_preprocessor=dict(CLIP_PREPROCESSOR, size=(64, 64)),
        backbone=dict(type='OpenCLIPVision', model_name=TINY, frozen=False, dense_mode='value'),
        text_tower=dict(type='OpenCLIPText', model_name=TINY),
        vocabulary='toy')
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_train_step_updates_both_towers_and_temperature():
    model = _model()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    log = model.train_step(pair_batch(), optim)
    assert set(log) == {'loss', 'loss_contrastive', 'logit_scale'}
    after = model.state_dict()
    for key in ('backbone.visual.conv1.weight', 'text_encoder.tower.text.token_embedding.weight',
                'loss_module.temperature.log_scale'):
        assert not torch.equal(before[key], after[key]), key


def test_class_embeddings_follow_training_and_are_cached_between():
    model = _model().eval()
    batch = seg_batch()
    out = model.val_step(batch)
    assert out[0].pred_sem_seg.data.shape == (1, 64, 64)
    assert out[0].seg_logits.data.shape == (10, 64, 64)
    cached = model.text_encoder.embeddings()
    assert model.text_encoder.embeddings() is cached  # reused within an evaluation
    model.train()
    model.train_step(pair_batch(), OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.5)))
    model.eval()
    assert not torch.allclose(model.text_encoder.embeddings(), cached)  # recomputed after training


def test_every_mode_runs():
    log, predictions = run_model_modes(_model(), pair_batch(), seg_batch())
    assert predictions[0].seg_logits.data.shape == (10, 64, 64)


def test_exported_clip_weights_round_trip(tmp_path):
    model = _model()
    path = tmp_path / 'clip.pth'
    torch.save(clip_state_dict_of(model), path)
    visual, text = split_clip_state_dict(torch.load(path))
    for k, v in model.backbone.visual.state_dict().items():
        assert torch.equal(visual[k], v)
    for k, v in model.text_encoder.tower.text.state_dict().items():
        assert torch.equal(text[k], v)
    tower = MODELS.build(dict(type='OpenCLIPVision', model_name=TINY, pretrained=str(path)))
    tower.init_weights()
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        a = tower.forward_features(x, ('global', ))['global']
        b = model.backbone.eval().forward_features(x, ('global', ))['global']
    assert torch.allclose(a, b, atol=1e-6)
    # a whole training checkpoint of the pre-trainer loads directly too
    torch.save({'state_dict': model.state_dict()}, tmp_path / 'iter_1.pth')
    tower2 = MODELS.build(dict(type='OpenCLIPVision', model_name=TINY, pretrained=str(tmp_path / 'iter_1.pth')))
    tower2.init_weights()
    assert torch.equal(tower2.visual.conv1.weight, tower.visual.conv1.weight)
