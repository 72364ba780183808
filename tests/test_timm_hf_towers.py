"""open_clip towers with a timm image tower and a Hugging Face text tower (SimSeg's official
tower types), tested on the tiny TextSup-Tiny-Timm-BERT built offline."""

import numpy as np
import pytest
import torch
from helpers import as_cli, run_tool, tiny_pretrain_options
from mmseg.registry import TRANSFORMS

from mmseg_textsup.models.backbones import OpenCLIPVision
from mmseg_textsup.models.clip import get_tokenizer
from mmseg_textsup.models.text_encoders import OpenCLIPText

ARCH = 'TextSup-Tiny-Timm-BERT'


def test_timm_tower_gives_the_normed_patch_tokens_through_the_projection():
    torch.manual_seed(0)
    tower = OpenCLIPVision(ARCH, outputs=('global', 'dense'), dense_mode='qk').eval()
    vit, x = tower.visual.trunk, torch.randn(2, 3, 224, 224)
    out = tower(x)
    # SimSeg's official image features: patch_embed, class token, position embeddings, blocks,
    # norm; patch tokens only; the image projection applied to each
    t = vit.patch_embed(x).flatten(1, 2)
    t = torch.cat([vit.cls_token.expand(2, -1, -1), t], dim=1) + vit.pos_embed
    t = vit.norm(vit.blocks(t))[:, 1:] @ tower.visual.head.proj.weight.T
    assert torch.allclose(out['dense'].flatten(2).transpose(1, 2), t, atol=1e-5)
    assert torch.allclose(out['global'], tower.visual(x), atol=1e-6)
    assert tower(torch.randn(1, 3, 50, 72))['dense'].shape == (1, 32, 4, 5)  # padded to the patch
    with pytest.raises(ValueError, match="dense_mode='qk'"):
        OpenCLIPVision(ARCH, dense_mode='maskclip')


def test_hf_text_tower_gives_cls_and_every_token_of_the_last_hidden_state(toy_tokenizer):
    torch.manual_seed(0)
    text = OpenCLIPText(ARCH, hf_tokenizer=toy_tokenizer).eval()
    tokens = text.tokenize(['a ripe tomato on the grass.', 'a zebra.'])
    assert tokens.shape == (2, 25) and text.context_length == 25
    out = text(tokens, return_tokens=True)
    mask = tokens != 0
    hidden = text.text.transformer(input_ids=tokens, attention_mask=mask.long()).last_hidden_state
    assert text.text.transformer.pooler is None  # [CLS] is read from the last hidden state
    assert torch.allclose(out['tokens'], text.text.proj(hidden), atol=1e-6)
    assert torch.allclose(out['global'], text.text.proj(hidden[:, 0]), atol=1e-6)
    assert torch.allclose(out['global'], text(tokens)['global'], atol=1e-6)
    assert out['mask'].sum(1).tolist() == [9, 5]  # [CLS] words . [SEP]


def test_towers_load_weights_from_local_files_and_name_missing_ones(tmp_path, toy_tokenizer):
    torch.manual_seed(0)
    source_vision, source_text = OpenCLIPVision(ARCH, dense_mode='qk'), OpenCLIPText(ARCH)
    torch.save(source_vision.visual.trunk.state_dict(), tmp_path / 'vit.pth')
    source_text.text.transformer.save_pretrained(tmp_path / 'bert')
    vision = OpenCLIPVision(ARCH, dense_mode='qk', pretrained=str(tmp_path / 'vit.pth'))
    text = OpenCLIPText(ARCH, pretrained=str(tmp_path / 'bert'), hf_tokenizer=toy_tokenizer)
    vision.init_weights()
    text.init_weights()
    pairs = (vision.visual.trunk, source_vision.visual.trunk), (text.text.transformer, source_text.text.transformer)
    for a, b in pairs:
        assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))
    assert not torch.equal(text.text.proj.weight, source_text.text.proj.weight)  # the projection starts anew
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        OpenCLIPVision(ARCH, dense_mode='qk', pretrained=str(tmp_path / 'missing.pth')).init_weights()
    with pytest.raises(FileNotFoundError, match='no_bert'):
        OpenCLIPText(ARCH, pretrained=str(tmp_path / 'no_bert')).init_weights()


def test_tokenizer_override_needs_a_hf_tower_and_an_existing_directory(tmp_path, toy_tokenizer):
    with pytest.raises(ValueError, match='no Hugging Face text tower'):
        get_tokenizer('TextSup-Tiny-ViT', toy_tokenizer)
    with pytest.raises(FileNotFoundError, match='absent'):
        get_tokenizer(ARCH, str(tmp_path / 'absent'))
    step = TRANSFORMS.build(dict(type='TokenizeCaption', model_name=ARCH, hf_tokenizer=toy_tokenizer))
    assert step.transform(dict(caption='a lemon.'))['text_tokens'].shape == (25, )


def test_torchvision_transform_changes_the_image_only():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 255, (40, 60, 3), dtype=np.uint8)
    crop = TRANSFORMS.build(dict(type='TorchvisionTransform', name='RandomResizedCrop', size=24, scale=[0.6, 1.0]))
    out = crop.transform(dict(img=img.copy()))
    assert out['img'].shape == (24, 24, 3) and out['img_shape'] == (24, 24)
    flip = TRANSFORMS.build(dict(type='TorchvisionTransform', name='RandomHorizontalFlip', p=1.0))
    assert np.array_equal(flip.transform(dict(img=img.copy()))['img'], img[:, ::-1])  # BGR order kept
    TRANSFORMS.build(dict(type='TorchvisionTransform', name='AutoAugment', policy='imagenet'))
    with pytest.raises(ValueError, match='segmentation maps'):
        flip.transform(dict(img=img, gt_seg_map=img[..., 0]))
    with pytest.raises(ValueError, match='NoSuchTransform'):
        TRANSFORMS.build(dict(type='TorchvisionTransform', name='NoSuchTransform'))


@pytest.mark.slow
def test_simseg_with_the_official_tower_types_trains_through_tools_train(tmp_path, toy_tokenizer):
    options = tiny_pretrain_options(max_iters=2, checkpoint_interval=2, batch_size=4)
    del options['model.backbone.model_name'], options['model.text_tower.model_name']
    options.update({'model.text_tower.hf_tokenizer': toy_tokenizer,
                    'train_dataloader.dataset.pipeline.2.hf_tokenizer': toy_tokenizer})
    log = run_tool('tools/train.py', ['configs/simseg/toy_pretrain_official_towers.py', '--work-dir', tmp_path,
                                      '--cfg-options', *as_cli(options)], tmp_path)
    assert (tmp_path / 'iter_2.pth').is_file()
    assert 'loss_loda' in log and 'mIoU' in log
