import open_clip
import pytest
import torch
import torch.nn.functional as F

from mmseg_textsup.models.backbones import OpenCLIPVision


def _wrapper_like(model_name, clip_model, **kwargs):
    tower = OpenCLIPVision(model_name, **kwargs)
    tower.visual.load_state_dict(clip_model.visual.state_dict())
    return tower.eval()


@pytest.mark.parametrize('model_name', ['ViT-B-16', 'RN50'])
def test_global_embedding_equals_open_clip(model_name):
    clip_model = open_clip.create_model(model_name, pretrained=None).eval()
    tower = _wrapper_like(model_name, clip_model, outputs=('global', ))
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        ref = clip_model.encode_image(x)
        out = tower(x)['global']
    assert out.shape == ref.shape
    assert (out - ref).abs().max().item() < 1e-5


def _value_path_reference(visual, x):
    """Independent re-computation of MaskCLIP's ViT dense features (paper mode)."""
    tokens = visual.conv1(x)
    B, C, gh, gw = tokens.shape
    tokens = tokens.flatten(2).transpose(1, 2)
    g0 = visual.grid_size[0]
    pos = visual.positional_embedding
    patch_pos = F.interpolate(pos[1:].T.reshape(1, C, g0, g0), size=(gh, gw), mode='bicubic', align_corners=False)
    pos = torch.cat([pos[:1], patch_pos.reshape(C, -1).T])
    tokens = torch.cat([visual.class_embedding.expand(B, 1, C), tokens], dim=1) + pos
    tokens = visual.ln_pre(tokens)
    for block in visual.transformer.resblocks[:-1]:
        tokens = block(tokens)
    last = visual.transformer.resblocks[-1]
    y = last.ln_1(tokens)
    w_v = last.attn.in_proj_weight[2 * C:]
    b_v = last.attn.in_proj_bias[2 * C:]
    v = y @ w_v.T + b_v
    attn_out = v @ last.attn.out_proj.weight.T + last.attn.out_proj.bias
    z = tokens + attn_out
    z = z + last.mlp(last.ln_2(z))
    z = visual.ln_post(z[:, 1:]) @ visual.proj
    return z.transpose(1, 2).reshape(B, -1, gh, gw)


def test_vit_dense_features_at_320x480_match_value_path():
    clip_model = open_clip.create_model('ViT-B-16', pretrained=None).eval()
    tower = _wrapper_like('ViT-B-16', clip_model, outputs=('dense', 'keys'))
    x = torch.randn(1, 3, 320, 480)
    with torch.no_grad():
        out = tower(x)
        ref = _value_path_reference(clip_model.visual, x)
    assert out['dense'].shape == (1, 512, 20, 30)
    assert out['keys'].shape == (1, 768, 20, 30)
    assert (out['dense'] - ref).abs().max().item() < 1e-4


def test_resnet_dense_features_at_320x480():
    tower = OpenCLIPVision('RN50', outputs=('dense', 'keys', 'global')).eval()
    x = torch.randn(1, 3, 320, 480)
    with torch.no_grad():
        out = tower(x)
    assert out['dense'].shape == (1, 1024, 10, 15)
    assert out['keys'].shape == (1, 2048, 10, 15)
    assert out['global'].shape == (1, 1024)
    pool = tower.visual.attnpool
    feat = tower.visual.layer4(tower.visual.layer3(tower.visual.layer2(tower.visual.layer1(tower.visual.stem(x)))))
    ref = pool.c_proj(pool.v_proj(feat[0, :, 3, 7]))  # the two 1x1 convs at one position
    assert torch.allclose(out['dense'][0, :, 3, 7], ref, atol=1e-4)


def test_qk_mode_equals_plain_last_block_tokens():
    tower = OpenCLIPVision('TextSup-Tiny-ViT', dense_mode='qk', outputs=('dense', ), token_blocks=(-1, )).eval()
    x = torch.randn(1, 3, 32, 48)
    with torch.no_grad():
        out = tower(x)
    last_tokens = out['tokens'][tower.num_blocks - 1]
    ref = tower.visual.ln_post(last_tokens[:, 1:]) @ tower.visual.proj
    assert torch.allclose(out['dense'].flatten(2).transpose(1, 2), ref, atol=1e-6)


def test_value_mode_drops_residual_and_ffn():
    tower = OpenCLIPVision('TextSup-Tiny-ViT', dense_mode='value', outputs=('dense', ), token_blocks=(-2, ))
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        out = tower.eval()(x)
        last = tower.visual.transformer.resblocks[-1]
        v = F.linear(last.ln_1(out['tokens'][tower.num_blocks - 2]), last.attn.in_proj_weight,
                     last.attn.in_proj_bias).chunk(3, -1)[2]
        ref = tower.visual.ln_post(last.attn.out_proj(v[:, 1:])) @ tower.visual.proj
    assert torch.allclose(out['dense'].flatten(2).transpose(1, 2), ref, atol=1e-6)


def test_attention_maps_are_row_stochastic_and_do_not_change_outputs():
    tower = OpenCLIPVision('TextSup-Tiny-ViT', outputs=('global', 'dense')).eval()
    x = torch.randn(2, 3, 40, 56)
    with torch.no_grad():
        plain = tower(x)
        with_attn = tower.forward_features(x, ('global', 'dense'), attn_blocks=(0, -1))
    n = 1 + (40 // 8) * (56 // 8)
    assert set(with_attn['attn']) == {0, 1}
    for attn in with_attn['attn'].values():
        assert attn.shape == (2, n, n)
        assert torch.allclose(attn.sum(-1), torch.ones(2, n), atol=1e-5)
    assert torch.allclose(plain['global'], with_attn['global'], atol=1e-6)
    assert torch.allclose(plain['dense'], with_attn['dense'], atol=1e-6)


def test_frozen_by_default_and_trainable_on_request():
    frozen = OpenCLIPVision('TextSup-Tiny-ViT')
    assert not any(p.requires_grad for p in frozen.parameters())
    frozen.train()
    assert not frozen.visual.training
    trainable = OpenCLIPVision('TextSup-Tiny-ViT', frozen=False).train()
    assert all(p.requires_grad for p in trainable.parameters()) and trainable.visual.training


def test_bad_arguments_fail_clearly():
    with pytest.raises(ValueError, match='Unknown open_clip architecture'):
        OpenCLIPVision('ViT-Q-99')
    with pytest.raises(ValueError, match='dense_mode'):
        OpenCLIPVision('TextSup-Tiny-ViT', dense_mode='values')
    with pytest.raises(ValueError, match='Unknown outputs'):
        OpenCLIPVision('TextSup-Tiny-ViT', outputs=('dense', 'logits'))
    with pytest.raises(ValueError, match='attn_blocks needs a ViT'):
        OpenCLIPVision('TextSup-Tiny-RN', attn_blocks=(0, ))
