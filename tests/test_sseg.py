"""S-Seg: batched K-means, mask matching, dice / focal terms, MaskFormer combination, the
pseudo-mask generator and oracle, caption filtering and the pre-training model."""
import itertools
from unittest import mock

import pytest
import torch
from helpers import TINY
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import MODELS, TRANSFORMS
from mmseg.structures import SegDataSample
from torch import nn

from mmseg_textsup.models.sseg import (MaskMatchingLoss, batched_kmeans, combine_masks, dice_loss, match_batch,
                                       oracle_labels, pairwise_dice_cost, pairwise_focal_cost, winning_mask_classes)

TINY_SWIN = dict(type='SwinTransformer', pretrain_img_size=64, embed_dims=32, depths=[1, 1, 1, 1],
                 num_heads=[1, 2, 4, 8], window_size=4, out_indices=(0, 1, 2, 3))
TINY_HEAD = dict(type='SSegMaskFormerHead', in_channels=[32, 64, 128, 256], channels=64, num_queries=16, num_layers=2,
                 num_heads=4, ffn_channels=128, norm_cfg=dict(type='GN', num_groups=8))


def _same_partition(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Labels a and b (N,) describe the same clusters up to renaming."""
    pairs = set(zip(a.tolist(), b.tolist()))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def test_kmeans_recovers_planted_clusters_in_every_image_at_once():
    g = torch.Generator().manual_seed(0)
    B, k, per, D = 4, 5, 30, 8
    centers = torch.randn(B, k, D, generator=g) * 10
    truth = torch.arange(k).repeat_interleave(per)  # N = 150
    points = centers[:, truth] + 0.1 * torch.randn(B, k * per, D, generator=g)
    perm = torch.randperm(k * per, generator=g)
    labels, found = batched_kmeans(points[:, perm], k, iters=10, generator=torch.Generator().manual_seed(1))
    assert labels.shape == (B, k * per) and found.shape == (B, k, D)
    for b in range(B):
        assert _same_partition(labels[b], truth[perm])
    with pytest.raises(ValueError, match='k must be'):
        batched_kmeans(points[:, :3], 4)


def test_matching_picks_the_optimal_assignment():
    targets = torch.tensor([[1., 1., 0., 0., 0., 0.], [0., 0., 1., 1., 0., 0.], [0., 0., 0., 0., 1., 1.]])
    order = [2, 0, 1]  # prediction i resembles target order[i]
    logits = 6 * (2 * targets[order] - 1)
    logits = torch.cat([logits, torch.zeros(1, 6)])  # a 4th, uninformative prediction
    _, rows, cols = match_batch(logits[None], targets[None])
    assert dict(zip(rows.tolist(), cols.tolist())) == {0: 2, 1: 0, 2: 1}
    # on random costs the Hungarian result equals the brute-force optimum
    g = torch.Generator().manual_seed(2)
    logits, targets = torch.randn(4, 20, generator=g), (torch.rand(3, 20, generator=g) > 0.5).float()
    cost = pairwise_dice_cost(logits, targets) + 20 * pairwise_focal_cost(logits, targets)
    _, rows, cols = match_batch(logits[None], targets[None])
    best = min(sum(cost[r, c] for c, r in enumerate(p)) for p in itertools.permutations(range(4), 3))
    assert cost[rows, cols].sum().item() == pytest.approx(best.item(), rel=1e-6)


def test_dice_and_focal_terms_match_hand_computation():
    logits, target = torch.tensor([[0.0, 2.0]]), torch.tensor([[1.0, 0.0]])
    p = torch.sigmoid(torch.tensor(2.0)).item()  # 0.8808
    dice = 1 - (2 * 0.5 + 1) / (0.5 + p + 1 + 1)
    assert dice_loss(logits, target).item() == pytest.approx(dice, rel=1e-6)
    focal = (0.25 * 0.5**2 * -torch.log(torch.tensor(0.5)) + 0.75 * p**2 * -torch.log(torch.tensor(1 - p))) / 2
    assert pairwise_focal_cost(logits, target).item() == pytest.approx(focal.item(), rel=1e-5)
    assert pairwise_dice_cost(logits, target).item() == pytest.approx(dice, rel=1e-6)
    # the loss on one image: pseudo map of 2 pixels, one cluster = pixel 0; the matched prediction's
    # terms are weighted 1 (dice) and 20 (focal); the unmatched prediction costs nothing
    loss_fn = MaskMatchingLoss()
    pred = torch.tensor([[[[0.0, 2.0]], [[-9.0, 9.0]]]], requires_grad=True)  # B=1, N=2, 1x2
    pseudo = torch.tensor([[[0, 1]]])  # two clusters: {pixel 0}, {pixel 1}
    loss = loss_fn(pred, pseudo)
    # prediction 1 matches cluster 1 ({pixel 1}) almost perfectly, prediction 0 takes cluster 0
    t0, t1 = torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 1.0]])
    expected = (dice_loss(pred[0, 0].flatten(0)[None], t0) + dice_loss(pred[0, 1].flatten(0)[None], t1)) / 2
    expected = expected + 20 * (pairwise_focal_cost(pred[0, 0].flatten(0)[None], t0)
                                + pairwise_focal_cost(pred[0, 1].flatten(0)[None], t1))[0, 0] / 2
    torch.testing.assert_close(loss, expected[0])


def test_unmatched_predictions_are_not_penalised():
    loss_fn = MaskMatchingLoss()
    pseudo = torch.zeros(1, 4, 4, dtype=torch.long)
    pseudo[:, :, 2:] = 1
    pred = torch.zeros(1, 3, 4, 4)
    pred[0, 0] = 8 * (2 * (pseudo[0] == 0).float() - 1)
    pred[0, 1] = 8 * (2 * (pseudo[0] == 1).float() - 1)
    pred.requires_grad_(True)
    loss_fn(pred, pseudo).backward()
    assert pred.grad[0, 2].abs().sum() == 0 and pred.grad[0, :2].abs().sum() > 0


def test_combination_gives_the_expected_label_map():
    masks = torch.full((1, 2, 2, 4), -10.0)
    masks[0, 0, :, :2] = 10.0  # mask 0: left half
    masks[0, 1, :, 2:] = 10.0  # mask 1: right half
    class_probs = torch.tensor([[[0.9, 0.1, 0.0], [0.2, 0.0, 0.8]]])  # mask 0 -> class 0, mask 1 -> class 2
    scores = combine_masks(masks, class_probs)
    assert scores.argmax(1).tolist() == [[[0, 0, 2, 2], [0, 0, 2, 2]]]
    torch.testing.assert_close(scores[0, :, 0, 0], torch.tensor([0.9, 0.1, 0.0]), atol=1e-4, rtol=0)


def test_oracle_gives_each_cluster_its_majority_label():
    clusters = torch.tensor([[0, 0, 1], [0, 2, 1]])
    gt = torch.tensor([[3, 3, 1], [5, 255, 255]])
    # cluster 0: votes 3, 3, 5 -> 3; cluster 1: 1 (255 ignored); cluster 2: only ignored -> 255
    assert oracle_labels(clusters, gt, num_classes=6).tolist() == [[3, 3, 1], [3, 255, 1]]


class _PlantedTokens(nn.Module):
    """A 'ViT' whose tokens are two planted groups: left and right half of a 4x4 grid."""

    def forward(self, x):
        feats = torch.zeros(x.shape[0], 3, 4, 4)
        feats[:, 0, :, :2] = 1.0
        feats[:, 1, :, 2:] = 1.0
        return {'dense': feats}


def test_generator_clusters_tokens_and_resizes_to_the_image():
    MODELS.register_module('_PlantedTokens', module=_PlantedTokens, force=True)
    gen = MODELS.build(dict(type='PseudoMaskGenerator', backbone=dict(type='_PlantedTokens'), num_clusters=2,
                            seed=0))
    labels = gen(torch.zeros(2, 3, 16, 16))
    assert labels.shape == (2, 16, 16)
    for b in range(2):
        assert labels[b, :, :8].unique().numel() == 1 and labels[b, :, 8:].unique().numel() == 1
        assert labels[b, 0, 0] != labels[b, 0, 15]
    assert not gen.train().training  # always frozen


def _sseg(**kwargs):
    init_default_scope('mmseg')
    cfg = dict(
        type='SSegPretrainer',
        backbone=dict(type='SSegMaskFormer', backbone=TINY_SWIN, head=TINY_HEAD, embed_dim=32),
        text_tower=dict(type='MLPProjectedText', model_name=TINY, embed_dim=32),
        pseudo_masks=dict(type='PseudoMaskGenerator',
                          backbone=dict(type='OpenCLIPVision', model_name=TINY, dense_mode='qk'), num_clusters=4),
        vocabulary=['cat', 'dog', 'sky'],
        bg_threshold=0.5,
        data_preprocessor=dict(type='SegDataPreProcessor', mean=[0, 0, 0], std=[1, 1, 1]))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_sseg_training_step_and_frozen_generator_outside_the_model():
    torch.manual_seed(0)
    model = _sseg().train()
    assert not any(k.startswith('pseudo_masks') for k in model.state_dict())
    assert not any(n.startswith('pseudo_masks') for n, _ in model.named_parameters())
    assert not model.pseudo_masks.training
    samples = [SegDataSample(text_tokens=torch.randint(1, 500, (16, ))) for _ in range(2)]
    losses = model.loss(torch.randn(2, 3, 64, 64), samples)
    assert set(losses) == {'loss_mask', 'loss_contrastive', 'logit_scale'}
    (losses['loss_mask'] + losses['loss_contrastive']).backward()
    params = dict(model.named_parameters())
    for name in ('backbone.head.query_embed.weight', 'backbone.projection.0.weight',
                 'text_encoder.tower.projection.3.weight', 'backbone.backbone.patch_embed.projection.weight',
                 'loss_module.temperature.log_scale'):
        assert params[name].grad is not None and params[name].grad.abs().sum() > 0, name
    assert all(p.grad is None for p in model.pseudo_masks.parameters())
    model.double()  # the hidden generator follows conversions
    assert next(model.pseudo_masks.parameters()).dtype == torch.float64


def test_sseg_outputs_and_zero_shot_prediction():
    torch.manual_seed(1)
    model = _sseg().eval()
    x = torch.randn(1, 3, 64, 64)
    out = model.backbone.forward_features(x, ('masks', 'mask_embeddings', 'global'))
    assert out['masks'].shape == (1, 16, 16, 16) and out['mask_embeddings'].shape == (1, 16, 32)
    queries = model.backbone.head(model.backbone.backbone(x))['queries']
    torch.testing.assert_close(out['global'], model.backbone.projection(queries.mean(1)))
    sample = model.predict(x)[0]
    probs = sample.seg_logits.data  # background (threshold) + 3 classes
    assert probs.shape == (4, 64, 64)
    torch.testing.assert_close(probs[1:].sum(0), torch.ones(64, 64))  # class distribution per pixel
    expected = torch.where(probs[1:].amax(0) < 0.5, 0, probs[1:].argmax(0) + 1)
    assert torch.equal(sample.pred_sem_seg.data[0], expected)


def test_oracle_segmentor_scores_clusters_and_refuses_training():
    init_default_scope('mmseg')
    MODELS.register_module('_PlantedTokens', module=_PlantedTokens, force=True)
    oracle = MODELS.build(dict(type='PseudoMaskOracle', num_classes=3,
                               pseudo_masks=dict(type='PseudoMaskGenerator', backbone=dict(type='_PlantedTokens'),
                                                 num_clusters=2, seed=0)))
    sample = SegDataSample(metainfo=dict(img_shape=(16, 16), ori_shape=(32, 32)))
    gt = torch.zeros(1, 32, 32, dtype=torch.long)
    gt[:, :, 16:] = 2
    gt[:, :4, :4] = 1  # a small minority inside the left cluster
    sample.gt_sem_seg = PixelData(data=gt)
    pred = oracle.predict(torch.zeros(1, 3, 16, 16), [sample])[0].pred_sem_seg.data[0]
    assert pred.shape == (32, 32)
    assert (pred[:, :16] == 0).all() and (pred[:, 16:] == 2).all()
    with pytest.raises(NotImplementedError, match='nothing to train'):
        oracle.loss(torch.zeros(1, 3, 16, 16), [sample])


def test_captions_keep_nouns_and_verbs_with_a_tagger_and_whole_without():
    tags = {'a': 'DT', 'dog': 'NN', 'runs': 'VBZ', 'on': 'IN', 'green': 'JJ', 'grass': 'NN'}
    t = TRANSFORMS.build(dict(type='KeepNounsAndVerbs', tagger=lambda words: [(w, tags[w]) for w in words]))
    assert t(dict(caption='a dog runs on green grass.'))['caption'] == 'dog runs grass'
    assert t(dict(caption='a green'))['caption'] == 'a green'  # nothing to keep: whole caption
    import mmseg_textsup.models.sseg.keep_nouns_and_verbs as module
    fallback = TRANSFORMS.build(dict(type='KeepNounsAndVerbs'))
    with mock.patch.object(module, 'nltk_tagger', lambda: None), mock.patch.object(module, 'print_log') as log:
        assert fallback(dict(caption='a dog runs'))['caption'] == 'a dog runs'
        assert fallback(dict(caption='two cats'))['caption'] == 'two cats'
    assert log.call_count == 1 and 'no part-of-speech tagger' in log.call_args[0][0]  # said once


def test_timm_vit_tokens_map_and_local_weights(tmp_path):
    init_default_scope('mmseg')
    vit = MODELS.build(dict(type='TimmViTTokens', model_name='vit_tiny_patch16_224')).eval()
    x = torch.randn(1, 3, 64, 96)
    tokens = vit(x)
    assert tokens.shape == (1, 192, 4, 6)
    path = tmp_path / 'vit.pth'
    torch.save(vit.vit.state_dict(), path)
    other = MODELS.build(dict(type='TimmViTTokens', model_name='vit_tiny_patch16_224', pretrained=str(path))).eval()
    other.init_weights()
    torch.testing.assert_close(other(x), tokens)
    missing = MODELS.build(dict(type='TimmViTTokens', model_name='vit_tiny_patch16_224',
                                pretrained=str(tmp_path / 'nope.pth')))
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        missing.init_weights()


def test_project_then_mean_pools_the_mask_embeddings():
    torch.manual_seed(2)
    model = _sseg(backbone=dict(type='SSegMaskFormer', backbone=TINY_SWIN, head=TINY_HEAD, embed_dim=32,
                                     pool='project_then_mean')).eval()
    out = model.backbone.forward_features(torch.randn(1, 3, 64, 64), ('mask_embeddings', 'global'))
    torch.testing.assert_close(out['global'], out['mask_embeddings'].mean(1))
    with pytest.raises(ValueError, match='pool must be'):
        MODELS.build(dict(type='SSegMaskFormer', backbone=TINY_SWIN, head=TINY_HEAD, pool='max'))


def _tiny_head(**kwargs):
    init_default_scope('mmseg')
    return MODELS.build(dict(TINY_HEAD, **kwargs))


def test_decoder_adds_query_positions_to_queries_and_keys_in_every_layer_never_to_values():
    torch.manual_seed(3)
    head = _tiny_head(num_layers=2, memory_level=1).eval()
    memory = torch.randn(2, 64, 8, 8)  # stride 8 of a 64x64 image
    outputs = head.transformer_decoder(memory)
    # by hand, DETR's post-norm layer: zero target, query embeddings as positions of queries and
    # keys (self-attention) and of the queries (cross-attention), memory positions on keys only
    from timm.layers import build_sincos2d_pos_embed
    mem = memory.flatten(2).transpose(1, 2)
    mem_pos = build_sincos2d_pos_embed((8, 8), 64)[None]
    pos = head.query_embed.weight[None].expand(2, -1, -1)
    x = torch.zeros_like(pos)

    def attend(attn, q, k, v):  # torch's attention, sequence first
        return attn(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1))[0].transpose(0, 1)

    for layer, out in zip(head.layers, outputs):
        self_attn, cross_attn = layer.attentions[0].attn, layer.attentions[1].attn
        x = layer.norms[0](x + attend(self_attn, x + pos, x + pos, x))
        x = layer.norms[1](x + attend(cross_attn, x + pos, mem + mem_pos, mem))
        x = layer.norms[2](layer.ffns[0](x))  # mmcv's FFN adds its input
        torch.testing.assert_close(out, head.decoder_norm(x), atol=1e-5, rtol=1e-5)
    assert len(outputs) == 2 and head.input_proj.in_channels == 64


def test_deep_supervision_matches_every_decoder_layer_in_training_only():
    torch.manual_seed(4)
    model = _sseg().train()
    x = torch.randn(2, 3, 64, 64)
    samples = [SegDataSample(text_tokens=torch.randint(1, 500, (16, ))) for _ in range(2)]
    torch.manual_seed(5)  # the same drop paths in both passes
    pseudo = model.pseudo_masks(x)
    out = model.backbone.forward_features(x, ('masks', 'aux_masks'))
    assert len(out['aux_masks']) == 1 and out['aux_masks'][0].shape == out['masks'].shape  # 2 layers
    torch.manual_seed(5)
    losses = model.loss(x, samples)
    expected = model.mask_loss(out['masks'], pseudo) + model.mask_loss(out['aux_masks'][0], pseudo)
    torch.testing.assert_close(losses['loss_mask'], expected)
    assert model.eval().backbone.forward_features(x, ('aux_masks', ))['aux_masks'] == []


def test_mask_pooled_feature_is_the_mask_weighted_average_of_the_pixel_embeddings():
    torch.manual_seed(6)
    head = _tiny_head(query_feature='mask_pooled').eval()
    feats = [torch.randn(1, c, 16 // 2**i, 16 // 2**i) for i, c in enumerate([32, 64, 128, 256])]
    out = head(feats)
    pixels = head.pixel_decoder(feats)[0]  # C, 16, 16
    for n in (0, 7):
        w = out['masks'][0, n].sigmoid()
        torch.testing.assert_close(out['queries'][0, n], (pixels * w).sum((1, 2)) / w.sum(), atol=1e-5, rtol=1e-5)
    with pytest.raises(ValueError, match='query_feature must be'):
        _tiny_head(query_feature='mean')


def test_winner_combination_lets_only_each_pixels_most_likely_mask_vote():
    masks = torch.tensor([[[[5.0, -1.0]], [[4.0, 3.0]], [[-2.0, -3.0]]]])  # B=1, N=3, 1x2
    class_probs = torch.tensor([[[0.7, 0.3], [0.1, 0.9], [0.5, 0.5]]])  # B, N, K
    scores = winning_mask_classes(masks, class_probs)
    # pixel 0: mask 0 wins (5 > 4) -> (0.7, 0.3); pixel 1: mask 1 wins (3) -> (0.1, 0.9)
    torch.testing.assert_close(scores[0, :, 0], torch.tensor([[0.7, 0.1], [0.3, 0.9]]))
    # MaskFormer's sum lets mask 1 outvote mask 0 at pixel 0: class 0 gets
    # s(5) 0.7 + s(4) 0.1 + s(-2) 0.5 = 0.853, class 1 s(5) 0.3 + s(4) 0.9 + s(-2) 0.5 = 1.242
    torch.testing.assert_close(combine_masks(masks, class_probs)[0, :, 0, 0], torch.tensor([0.853, 1.242]),
                               atol=1e-3, rtol=0)
    with pytest.raises(ValueError, match='combine must be'):
        MODELS.build(dict(type='SSegZeroShot', combine='max'))


def test_mask_stats_tool_reports_the_mask_embeddings_of_a_checkpoint(tmp_path, monkeypatch, capsys):
    import runpy
    import sys

    import torch.nn.functional as F
    from conftest import REPO_ROOT
    from mmengine.config import Config
    config = f'{REPO_ROOT}/configs/sseg/toy_pretrain.py'
    options = ['model.pseudo_masks.backbone.pretrained=None']
    cfg = Config.fromfile(config)
    cfg.merge_from_dict({'model.pseudo_masks.backbone.pretrained': None})
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model).eval()
    torch.save({'state_dict': model.state_dict()}, tmp_path / 'sseg.pth')
    tool = f'{REPO_ROOT}/tools/analysis_tools/sseg_mask_stats.py'
    monkeypatch.setattr(sys, 'argv', [tool, config, str(tmp_path / 'sseg.pth'), '--images', '3', '--cfg-options',
                                      *options])
    runpy.run_path(tool, run_name='__main__')
    out = dict(line.rsplit(': ', 1) for line in capsys.readouterr().out.splitlines() if ': ' in line)
    from mmseg.registry import DATASETS
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    data = model.data_preprocessor(dict(inputs=[dataset[i]['inputs'] for i in range(3)]), False)
    with torch.no_grad():
        emb = model.backbone.forward_features(data['inputs'], ('mask_embeddings', ))['mask_embeddings']
    emb = F.normalize(emb, dim=-1)
    cosine = (emb @ emb.transpose(1, 2))[:, ~torch.eye(16, dtype=torch.bool)].mean()
    assert float(out["mean pairwise cosine of an image's mask embeddings"]) == pytest.approx(cosine.item(), abs=5e-4)
    assert 1 <= float(out["distinct classes among an image's masks"]) <= 10
    assert 1 <= int(out['queries matched to a pseudo mask on these images'].split(' of ')[0]) <= 16
