"""SegCLIP: the hard assignment, the superpixel KL loss, the MAE reconstruction loss, the
superpixel transform, zero-shot read-out, learning rates and checkpoint round trip."""
import os.path as osp

import mmcv
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import REPO_ROOT
from helpers import TINY, run_tool, tiny_pretrain_options
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner, load_checkpoint
from mmseg.registry import MODELS, TRANSFORMS
from mmseg.structures import SegDataSample
from skimage.segmentation import felzenszwalb
from torch import nn

from mmseg_textsup.models.segclip import (SemanticGroup, SuperpixelKLLoss, patch_superpixel_ids, patchify, random_keep,
                                          super_patch_means)

TOY_SEGCLIP = osp.join(REPO_ROOT, 'configs', 'segclip', 'toy_pretrain.py')


def _model(**kwargs):
    init_default_scope('mmseg')
    cfg = dict(
        type='SegCLIPPretrainer',
        backbone=dict(type='SegCLIPVision', model_name=TINY, group_after=1, num_centers=4),
        text_tower=dict(type='OpenCLIPText', model_name=TINY),
        reconstruction=dict(type='SegCLIPReconstructionLoss', decoder_width=32, decoder_heads=2, num_extra_layers=1),
        vocabulary=['cat', 'dog', 'sky'],
        data_preprocessor=dict(type='SegDataPreProcessor', mean=[0, 0, 0], std=[1, 1, 1]))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_hard_assignment_is_one_hot_while_gradients_reach_the_centers():
    torch.manual_seed(0)
    group = SemanticGroup(width=16, num_heads=2, num_centers=5).train()
    patches = torch.randn(3, 12, 16)
    out = group(patches)
    m = out['assignment']
    assert m.shape == (3, 12, 5)
    assert torch.equal(m.sum(-1), torch.ones(3, 12)) and set(m.unique().tolist()) <= {0.0, 1.0}
    (out['regions'] * torch.randn_like(out['regions'])).sum().backward()
    assert group.centers.grad is not None and group.centers.grad.abs().sum() > 0
    # the keys are used only in the assignment logits: their gradient can only come through
    # the straight-through estimator of the one-hot assignment
    assert group.norm_keys.weight.grad.abs().sum() > 0
    # the soft distribution is the Gumbel-perturbed softmax: rows sum to one, argmax = the one-hot
    torch.testing.assert_close(out['probs'].sum(-1), torch.ones(3, 12))
    assert torch.equal(out['probs'].argmax(-1), m.argmax(-1))


def test_new_layers_start_as_the_official_model():
    """Every linear layer of the group module and the MAE branch N(0, 0.02) with zero bias (the
    official ``PreTrainedModel.init_weights``); attention input projections keep their xavier init."""
    torch.manual_seed(0)
    group = SemanticGroup(128, 4)
    loss = MODELS.build(dict(type='SegCLIPReconstructionLoss', width=128, patch_size=8, num_centers=8))
    for module in (group, loss):
        linears = [m for m in module.modules() if isinstance(m, nn.Linear)]
        assert torch.cat([m.weight.flatten() for m in linears]).std().item() == pytest.approx(0.02, rel=0.02)
        assert not any(m.bias.any() for m in linears if m.bias is not None)
    in_proj = group.cross_layers[0].attn.in_proj_weight  # (3 x 128, 128): xavier std sqrt(2 / 512)
    assert in_proj.std().item() == pytest.approx((2 / 512)**0.5, rel=0.05)
    # 'pytorch' keeps PyTorch's defaults (nonzero biases; the toy rows comparing inits); anything else is refused
    assert SemanticGroup(128, 4, linear_init='pytorch').region_mlp[1].fc1.bias.any()
    # a float: the official scheme at that std (the toy configs' 0.049)
    wide = SemanticGroup(128, 4, linear_init=0.05).region_mlp[1]
    assert wide.fc2.weight.std().item() == pytest.approx(0.05, rel=0.02) and not wide.fc2.bias.any()
    for bad in ('xavier', -0.02, True):
        with pytest.raises(ValueError, match='linear_init'):
            SemanticGroup(128, 4, linear_init=bad)


def test_assignment_is_deterministic_argmax_in_eval():
    torch.manual_seed(1)
    group = SemanticGroup(width=16, num_heads=2, num_centers=5).eval()
    patches = torch.randn(2, 10, 16)
    a, b = group(patches), group(patches)
    torch.testing.assert_close(a['assignment'], b['assignment'])
    torch.testing.assert_close(a['assignment'].argmax(-1), a['logits'].argmax(-1))
    torch.testing.assert_close(a['probs'], a['logits'].softmax(-1))  # no temperature in evaluation


def test_assignment_logits_are_keys_times_normed_centers_and_regions_mlp_of_value_means():
    torch.manual_seed(3)
    group = SemanticGroup(width=16, num_heads=2, num_centers=3, num_cross_layers=0).eval()
    patches = torch.randn(1, 6, 16)
    out = group(patches)
    normed = group.norm(patches).transpose(1, 2)
    keys = group.norm_keys(group.key_proj(normed).transpose(1, 2))
    values = group.value_proj(normed).transpose(1, 2)[0]
    centers = group.norm_centers(group.centers[None])
    torch.testing.assert_close(out['logits'], keys @ centers.transpose(1, 2))  # eq. 2, unscaled
    m = out['assignment'][0]
    for k in range(3):
        members = m[:, k].bool()
        mean = values[members].mean(0) if members.any() else torch.zeros(16)
        torch.testing.assert_close(out['regions'][0, k], group.region_mlp(centers[0, k] + mean))


def test_official_cross_context_reads_keys_across_the_batch_and_per_image_does_not():
    torch.manual_seed(4)
    official = SemanticGroup(width=16, num_heads=2, num_centers=2, num_cross_layers=1).eval()
    per_image = SemanticGroup(width=16, num_heads=2, num_centers=2, num_cross_layers=1,
                              cross_context='per_image').eval()
    per_image.load_state_dict(official.state_dict())
    patches = torch.randn(3, 4, 16)
    alone = [per_image(p[None])['regions'] for p in patches]
    torch.testing.assert_close(per_image(patches)['regions'], torch.cat(alone))  # images independent
    torch.testing.assert_close(official(patches[:1])['regions'], alone[0])  # one image: the same
    changed = patches.clone()
    changed[1:] = torch.randn(2, 4, 16)
    assert not torch.allclose(official(changed)['regions'][0], official(patches)['regions'][0])
    with pytest.raises(ValueError, match='cross_context'):
        SemanticGroup(width=16, num_heads=2, cross_context='mixed')
    vision = MODELS.build(dict(type='SegCLIPVision', model_name=TINY, group_after=1, cross_context='per_image'))
    assert vision.group.cross_context == 'per_image'


def test_region_attention_self_runs_stage_3_on_each_region_alone():
    torch.manual_seed(5)
    joint = MODELS.build(dict(type='SegCLIPVision', model_name=TINY, group_after=1, num_centers=4)).eval()
    alone = MODELS.build(dict(type='SegCLIPVision', model_name=TINY, group_after=1, num_centers=4,
                              region_attention='self')).eval()
    alone.load_state_dict(joint.state_dict())
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        r = joint.group_patches(x)['regions']  # B, L, C
        for block in joint.visual.transformer.resblocks[1:]:  # a one-token attention is out_proj(value)
            attn, width = block.attn, r.shape[-1]
            value = F.linear(block.ln_1(r), attn.in_proj_weight[2 * width:], attn.in_proj_bias[2 * width:])
            r = r + block.ls_1(attn.out_proj(value))
            r = r + block.ls_2(block.mlp(block.ln_2(r)))
        out = alone.forward_features(x, ('regions', 'global'))
        torch.testing.assert_close(out['regions'], joint.head(r))
        torch.testing.assert_close(out['global'], joint.head(r.amax(dim=1)))
        assert not torch.allclose(joint.forward_features(x, ('regions', ))['regions'], out['regions'], atol=1e-3)
    with pytest.raises(ValueError, match='region_attention'):
        MODELS.build(dict(type='SegCLIPVision', model_name=TINY, group_after=1, region_attention='none'))


def test_superpixel_kl_is_the_official_symmetric_kl_of_softmaxed_assignments():
    sp = torch.tensor([[[0, 0], [1, 1]]])  # one pixel per patch: super-patches {0, 1} and {2, 3}
    m = torch.tensor([[[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]])
    loss = SuperpixelKLLoss()
    assert loss(m, sp, (2, 2)).item() == pytest.approx(0.0, abs=1e-7)
    q = m.clone()
    q[0, 1] = torch.tensor([0.0, 1.0])  # patch 1 disagrees with patch 0
    p, mean = q.softmax(-1), torch.tensor([[0.5, 0.5]] * 2 + [[0.0, 1.0]] * 2).softmax(-1)
    expected = float(((p - mean) * (p.log() - mean.log())).sum()) / (2 * q.numel())
    assert loss(q, sp, (2, 2)).item() == pytest.approx(expected, rel=1e-5)


def test_super_patch_means_never_mix_images():
    probs = torch.tensor([[[1.0, 0.0], [0.0, 1.0]], [[0.5, 0.5], [0.5, 0.5]]])
    ids = torch.tensor([[3, 3], [3, 4]])  # id 3 in both images: two different super-patches
    means = super_patch_means(probs, ids)
    torch.testing.assert_close(means[0], torch.full((2, 2), 0.5))
    torch.testing.assert_close(means[1], probs[1])


def test_patch_superpixel_ids_are_the_floor_of_the_mean_pixel_id():
    sp = torch.tensor([[[0, 0, 5, 5], [0, 1, 5, 5], [2, 2, 3, 3], [2, 2, 3, 4]]])
    # floor(mean) per 2x2 patch: 0.25 -> 0, 5 -> 5, 2 -> 2, 3.25 -> 3
    assert patch_superpixel_ids(sp, (2, 2)).tolist() == [[0, 5, 2, 3]]
    assert patch_superpixel_ids(torch.tensor([[[1, 9], [9, 9]]]), (1, 1)).tolist() == [[7]]  # floor(28 / 4)


def test_reconstruction_scores_only_masked_patches():
    torch.manual_seed(3)
    model = _model()
    rec = model.reconstruction
    images = torch.randn(2, 3, 32, 32)
    keep, masked = random_keep(2, 16, 0.75)
    assert keep.shape == (2, 3) and masked.sum().item() == 26  # official: int(17 * 0.25) tokens kept, one the class
    assert not masked.gather(1, keep).any()
    pred = torch.randn(2, 16, 8 * 8 * 3, requires_grad=True)
    rec.reconstruct = lambda encoder, x, k: pred
    loss = rec(model.backbone, images, keep, masked)
    target = patchify(images, 8)
    expected = ((pred - target).pow(2).mean(-1) * masked).sum() / masked.sum()
    torch.testing.assert_close(loss, expected)
    loss.backward()
    row_has_grad = pred.grad.abs().sum(-1) > 0
    assert torch.equal(row_has_grad, masked)


def test_patchify_is_row_major_with_pixels_per_patch():
    img = torch.arange(2 * 4 * 4, dtype=torch.float).reshape(1, 2, 4, 4)
    p = patchify(img, 2)
    assert p.shape == (1, 4, 8)
    # patch 1 = rows 0-1, columns 2-3; pixel (0, 0) of it has channels (img[0,0,0,2], img[0,1,0,2])
    assert p[0, 1, :2].tolist() == [2.0, 18.0]


def test_masked_encoder_sees_only_visible_patches():
    torch.manual_seed(4)
    model = _model()
    enc = model.backbone.eval()
    images = torch.randn(1, 3, 32, 32)
    keep = torch.tensor([[0, 5, 10, 15]])
    out = enc.group_patches(images, keep)
    assert out['assignment'].shape == (1, 4, 4)
    # changing a masked patch's pixels does not change anything
    changed = images.clone()
    changed[..., :8, 8:16] += 5.0  # patch 1 is masked
    torch.testing.assert_close(enc.group_patches(changed, keep)['regions'], out['regions'])
    changed[..., :8, :8] += 5.0  # patch 0 is visible
    assert not torch.allclose(enc.group_patches(changed, keep)['regions'], out['regions'])


def test_training_step_gives_three_losses_and_updates_the_group_module():
    torch.manual_seed(5)
    model = _model()
    samples = []
    for _ in range(2):
        s = SegDataSample()
        s.text_tokens = torch.randint(1, 500, (16, ))
        s.superpixels = torch.randint(0, 4, (32, 32))
        samples.append(s)
    losses = model.loss(torch.randn(2, 3, 32, 32), samples)
    assert {'loss_contrastive', 'loss_reconstruction', 'loss_superpixel_kl'} <= set(losses)
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    for name in ('backbone.group.centers', 'reconstruction.mask_token',
                 'text_encoder.tower.text.token_embedding.weight'):
        assert dict(model.named_parameters())[name].grad is not None, name
    with pytest.raises(KeyError, match='Superpixels transform'):
        model.loss(torch.randn(2, 3, 32, 32), [SegDataSample(text_tokens=s.text_tokens) for s in samples])
    ablation = _model(reconstruction=None, superpixel_kl=None)
    assert set(ablation.loss(torch.randn(2, 3, 32, 32), samples)) == {'loss_contrastive', 'logit_scale'}


def test_zero_shot_gives_each_pixel_its_regions_affinities_and_a_background_channel():
    torch.manual_seed(6)
    model = _model(bg_threshold=0.5).eval()  # the read-out's numbers: tests/test_segclip_parity.py
    images = torch.randn(1, 3, 32, 32)
    out = model.backbone.forward_features(images, ('regions', 'assignment', 'dense', 'global'))
    scores = model.zero_shot(model, images)[0]  # background + 3 classes, at the input size
    assert scores.shape == (4, 32, 32)
    assert set(scores[0].unique().tolist()) <= {0.0, 1.0}
    fg = scores[1:].flatten(1).t()
    assert len(fg.unique(dim=0)) <= model.backbone.group.num_centers  # one row per region
    assert (fg.sum(-1) <= 1 + 1e-6).all()
    # the dense output is M @ regions; the image embedding is the max-pool of the stage-3 regions
    # before ln_post and the projection (the official order), not the max of the projected regions
    torch.testing.assert_close(out['dense'][0].flatten(1).t(), out['assignment'][0] @ out['regions'][0])
    assert not torch.allclose(out['global'], out['regions'].amax(1))
    sample = model.predict(images)[0]
    assert sample.pred_sem_seg.data.shape == (1, 32, 32)
    torch.testing.assert_close(sample.seg_logits.data, scores)  # no softmax or threshold after the read-out
    with pytest.raises(ValueError, match='SegCLIPVision returns only'):
        model.backbone.forward_features(images, ('keys', ))


def test_group_after_must_leave_blocks_on_both_sides():
    with pytest.raises(ValueError, match='group_after'):
        MODELS.build(dict(type='SegCLIPVision', model_name=TINY, group_after=2))


def _image(seed=0, size=48):
    rng = np.random.default_rng(seed)
    img = np.zeros((size, size, 3), np.uint8)
    img[:, size // 2:] = (200, 30, 30)
    return np.clip(img.astype(int) + rng.integers(0, 20, img.shape), 0, 255).astype(np.uint8)


def test_superpixel_transform_follows_crop_and_flip_and_is_packed(tmp_path):
    img = _image()
    results = TRANSFORMS.build(dict(type='Superpixels', scale=224, sigma=1, min_size=20))(dict(img=img.copy()))
    expected = felzenszwalb(img[..., ::-1], scale=224, sigma=1, min_size=20)
    np.testing.assert_array_equal(results['gt_seg_map'], expected)
    assert len(np.unique(expected)) >= 2
    flipped = TRANSFORMS.build(dict(type='RandomFlip', prob=1.0))(dict(results))
    np.testing.assert_array_equal(flipped['gt_seg_map'], expected[:, ::-1])
    cropped = TRANSFORMS.build(dict(type='RandomCrop', crop_size=(16, 16)))(dict(results))
    assert cropped['gt_seg_map'].shape == (16, 16) == cropped['img'].shape[:2]
    packed = TRANSFORMS.build(dict(type='PackImageTextInputs'))(dict(results, text_tokens=[1, 2]))
    assert torch.equal(packed['data_samples'].superpixels, torch.from_numpy(expected.astype(np.int64)))


def test_precomputed_superpixels_are_read_and_missing_ones_named(tmp_path):
    img = _image(1)
    ids = felzenszwalb(img[..., ::-1], scale=224, sigma=1, min_size=20).astype(np.uint16)
    mmcv.imwrite(ids, str(tmp_path / 'shard-000' / 'k1.png'))
    t = TRANSFORMS.build(dict(type='Superpixels', precomputed=str(tmp_path)))
    out = t(dict(img=img, shard_path='/data/shard-000.tar', key='k1'))
    np.testing.assert_array_equal(out['gt_seg_map'], ids)
    with pytest.raises(FileNotFoundError, match='k2.png'):
        t(dict(img=img, shard_path='/data/shard-000.tar', key='k2'))


def _tiny_toy_cfg(work_dir):
    cfg = Config.fromfile(TOY_SEGCLIP)
    options = tiny_pretrain_options(max_iters=2, checkpoint_interval=2, batch_size=4)
    options.update({
        'model.backbone.pretrained': None,
        'model.backbone.group_after': 1,  # the tiny tower has 2 blocks
        'model.text_tower.pretrained': None,
        'model.reconstruction.decoder_width': 32,
        'model.reconstruction.decoder_heads': 2,
        'custom_hooks': [],
    })
    cfg.merge_from_dict(options)
    cfg.work_dir = str(work_dir)
    return cfg


def test_toy_config_learning_rates_follow_the_paper_split(tmp_path):
    cfg = _tiny_toy_cfg(tmp_path)
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    names = {id(p): n for n, p in model.named_parameters()}
    lr = {names[id(p)]: g['lr'] for g in wrapper.optimizer.param_groups for p in g['params']}
    base = cfg.optim_wrapper.optimizer.lr
    assert base == pytest.approx(4e-3)  # the official learning rate (main_task_align.py), as pretrain.py
    slow = ['text_encoder.tower.text.token_embedding.weight', 'backbone.visual.conv1.weight',
            'backbone.visual.positional_embedding',
            'backbone.visual.transformer.resblocks.0.attn.in_proj_weight',
            'backbone.visual.transformer.resblocks.1.attn.in_proj_weight',  # the toy config's blocks 0-1
            'loss_module.temperature.log_scale']  # the official logit_scale is in the slow group too
    fast = ['backbone.group.centers', 'backbone.visual.ln_post.weight',
            'reconstruction.pixel_head.weight', 'backbone.visual.proj']
    for name in slow:
        assert lr[name] == pytest.approx(base * 1e-3), name
    for name in fast:
        assert lr[name] == pytest.approx(base), name
    full = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'segclip', 'pretrain.py'))
    keys = full.optim_wrapper.paramwise_cfg.custom_keys
    assert full.model.backbone.group_after == 10
    blocks = [f'backbone.visual.transformer.resblocks.{i}.' for i in range(10)]
    assert [k for k in keys if 'resblocks' in k] == blocks
    assert full.optim_wrapper.optimizer.lr * keys['text_encoder.'].lr_mult == pytest.approx(4e-6)


@pytest.mark.slow
def test_trained_checkpoint_reloads_with_the_same_predictions(tmp_path):
    cfg = _tiny_toy_cfg(tmp_path)
    runner = Runner.from_cfg(cfg)
    runner.train()
    trained = runner.model.eval()
    batch = next(iter(runner.val_dataloader))
    data = trained.data_preprocessor(batch, False)
    with torch.no_grad():
        before = trained.predict(data['inputs'])
    fresh = MODELS.build(cfg.model).eval()
    with torch.no_grad():
        untrained = fresh.predict(data['inputs'])
    load_checkpoint(fresh, osp.join(tmp_path, 'iter_2.pth'), map_location='cpu')
    with torch.no_grad():
        after = fresh.predict(data['inputs'])
    for a, b in zip(before, after):
        torch.testing.assert_close(a.seg_logits.data, b.seg_logits.data)
    assert any(not torch.allclose(a.seg_logits.data, u.seg_logits.data) for a, u in zip(before, untrained))


@pytest.mark.slow
def test_grouping_stats_tool_reads_a_trained_checkpoint(tmp_path, monkeypatch, capsys):
    import runpy
    import sys
    cfg = _tiny_toy_cfg(tmp_path)
    runner = Runner.from_cfg(cfg)
    runner.train()
    cfg.dump(str(tmp_path / 'cfg.py'))
    tool = osp.join(REPO_ROOT, 'tools', 'analysis_tools', 'segclip_grouping_stats.py')
    monkeypatch.setattr(sys, 'argv', [tool, str(tmp_path / 'cfg.py'), str(tmp_path / 'iter_2.pth'), '--images', '4'])
    runpy.run_path(tool, run_name='__main__')
    out = dict(line.rsplit(': ', 1) for line in capsys.readouterr().out.splitlines() if ': ' in line)
    # the same figures computed here from the trained model's logits, on the same first 4 test images
    model = runner.model.eval()
    dataset = runner.test_dataloader.dataset
    data = model.data_preprocessor(dict(inputs=[dataset[i]['inputs'] for i in range(4)]), False)
    with torch.no_grad():
        logits = model.backbone.forward_features(data['inputs'], ('logits', ))['logits']
    used = sum(len(row.argmax(-1).unique()) for row in logits) / 4
    max_prob = logits.softmax(-1).amax(-1).mean().item()
    assert float(out['centers used per image']) == pytest.approx(used, abs=0.005)
    assert float(out['mean maximum soft probability']) == pytest.approx(max_prob, abs=0.0005)
    assert -1 <= float(out["mean pairwise cosine of an image's regions"]) <= 1
    with torch.no_grad():
        entering = F.normalize(model.backbone.group_patches(data['inputs'])['regions'], dim=-1)
    n = entering.shape[1]
    expected = ((entering @ entering.transpose(1, 2)).sum() - 4 * n) / (4 * n * (n - 1))
    assert float(out['the same, region tokens entering stage 3']) == pytest.approx(expected.item(), abs=0.0005)
    with torch.no_grad():
        regions = model.backbone.group_patches(data['inputs'])['regions']
        tokens = model.backbone.embed(data['inputs'])[0][:, 1:]
        patches = model.backbone.blocks[0](tokens)  # group_after=1
    norm = float(out['mean norm of the region tokens entering stage 3'])
    assert norm == pytest.approx(regions.norm(dim=-1).mean().item(), abs=0.0005)
    norm = float(out['mean norm of the patch tokens entering the group module'])
    assert norm == pytest.approx(patches.norm(dim=-1).mean().item(), abs=0.0005)
    # purity / accuracy from per-region class counts (a patch's class: the most frequent pixel label)
    labels = torch.stack([dataset[i]['data_samples'].gt_sem_seg.data[0] for i in range(4)]).long()
    p = model.backbone.patch_size
    patch_classes = torch.stack([torch.bincount(labels[b, y:y + p, x:x + p].flatten(), minlength=256).argmax()
                                 for b in range(4) for y in range(0, labels.shape[1], p)
                                 for x in range(0, labels.shape[2], p)]).view(4, -1)
    with torch.no_grad():
        grouped = model.backbone.forward_features(data['inputs'], ('regions', 'assignment'))
        named = model.text_encoder(grouped['regions'].transpose(1, 2)).argmax(1)
    counts = grouped['assignment'].transpose(1, 2) @ F.one_hot(patch_classes, 256).float()  # B, L, classes
    total = patch_classes.numel()
    assert float(out['region purity']) == pytest.approx(counts.amax(-1).sum().item() / total, abs=0.0005)
    right = (counts.sum(-1) * (named == counts.argmax(-1))).sum().item()
    assert float(out['region accuracy']) == pytest.approx(right / total, abs=0.0005)


@pytest.mark.slow
def test_precompute_tool_writes_the_maps_the_transform_reads(tmp_path):
    import subprocess
    import sys

    from mmseg_textsup.datasets.toy.export import write_shards
    shards = write_shards(str(tmp_path / 'shards'), num_samples=6, samples_per_shard=4)
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(f"""custom_imports = dict(imports=['mmseg_textsup'], allow_failed_imports=False)
train_dataloader = dict(dataset=dict(type='ConcatDataset', datasets=[dict(type='WebDatasetPairs',
    shards={shards!r}, pipeline=[dict(type='LoadImageTextPair'), dict(type='Superpixels', sigma=1, min_size=20)])]))
""")
    out = tmp_path / 'sp'
    cmd = [sys.executable, 'tools/dataset_converters/segclip_superpixels.py', str(cfg), str(out), '--workers', '2']
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert '6 written, 0 already there' in proc.stdout
    init_default_scope('mmseg')
    from mmseg.registry import DATASETS
    dataset = DATASETS.build(dict(type='WebDatasetPairs', shards=shards, pipeline=[
        dict(type='LoadImageTextPair'), dict(type='Superpixels', precomputed=str(out)),
        dict(type='TokenizeCaption', model_name=TINY), dict(type='PackImageTextInputs')]))
    item = dataset[5]
    image = item['inputs'].permute(1, 2, 0).numpy()  # BGR as loaded
    expected = felzenszwalb(image[..., ::-1], scale=224, sigma=1, min_size=20)
    np.testing.assert_array_equal(item['data_samples'].superpixels.numpy(), expected)
    assert '0 written, 6 already there' in run_tool(cmd[1], cmd[2:], out)  # again, in this process


def test_coco_captions_become_a_csv_list_for_csv_pairs(tmp_path):
    import importlib.util
    import json
    spec = importlib.util.spec_from_file_location(
        'coco_captions', osp.join(REPO_ROOT, 'tools', 'dataset_converters', 'coco_captions.py'))
    converter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(converter)
    (tmp_path / 'annotations').mkdir()
    (tmp_path / 'annotations' / 'captions_train2017.json').write_text(json.dumps(dict(
        images=[dict(id=7, file_name='000007.jpg')],
        annotations=[dict(image_id=7, caption='A dog,\n on grass. '), dict(image_id=7, caption='a "cat"')])))
    init_default_scope('mmseg')
    from mmseg.registry import DATASETS
    dataset = DATASETS.build(dict(type='CsvPairs', ann_file=converter.convert(str(tmp_path)), data_root=str(tmp_path)))
    assert [d['caption'] for d in dataset] == ['A dog, on grass.', 'a "cat"']
    assert dataset[0]['img_path'] == osp.join(str(tmp_path), 'train2017', '000007.jpg')
