"""Trident's configs, SAM's weight file, the image SAM sees, and the windows' stitching."""
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from conftest import REPO_ROOT
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from mmseg_textsup.models.training_free import trident_resize, window_boxes

#: configs/cfg_*.py of github.com/YuHengsss/Trident: (prob_thd, cos_fac, refine_neg_cos, short side, stride);
#: Cityscapes' SAM sees the two halves
OFFICIAL = {
    'voc21': (0.2, 1.2, True, 448, 224), 'context60': (0.15, 1.2, True, 576, 224),
    'coco_object': (0.25, 1.2, True, 448, 224), 'voc20': (None, 0.0, True, 336, 112),
    'cityscapes': (None, 3.0, False, 688, 224), 'context59': (None, 1.2, True, 576, 224),
    'coco_stuff': (None, 1.2, True, 448, 224), 'ade20k': (None, 1.2, False, 576, 224)
}
TINY_SAM = dict(embed_dim=48, depth=2, num_heads=2, global_attn_indexes=(1, ))


def config(benchmark):
    return Config.fromfile(osp.join(REPO_ROOT, 'configs', 'trident', f'{benchmark}.py'))


@pytest.mark.parametrize('benchmark', list(OFFICIAL))
def test_configs_hold_the_official_settings(benchmark):
    cfg = config(benchmark)
    model = cfg.model
    resize = [t for t in cfg.test_dataloader.dataset.pipeline if t['type'] == 'Resize']
    assert (model.get('bg_threshold'), model.get('cos_fac', 1.2), model.get('refine_neg_cos', True),
            resize[0]['scale'][1], model.test_cfg.stride[0]) == OFFICIAL[benchmark]
    assert model.get('sam_halves', False) == (benchmark == 'cityscapes')
    assert model.test_cfg.crop_size == (336, 336) and model.backbone.similarity_mean == 'batch'
    assert model.backbone.vfm.model_name == 'vit_base_patch16_224.dino' and model.sam.model_type == 'vit_b'
    assert model.decode_head.text_encoder.vocabulary.startswith('proxyclip_') and model.decode_head.logit_scale == 40


def tiny_model(**changes):
    init_default_scope('mmseg')
    cfg = config('voc21').model
    cfg.backbone.update(model_name='TextSup-Tiny-ViT16', pretrained=None,
                        vfm=dict(cfg.backbone.vfm, pretrained=None,
                                 model_kwargs=dict(embed_dim=64, depth=1, num_heads=2)))
    cfg.decode_head.text_encoder.update(model_name='TextSup-Tiny-ViT16', pretrained=None, templates='single')
    cfg.sam.update(pretrained=None, encoder_kwargs=TINY_SAM)
    cfg.update(changes)
    model = MODELS.build(cfg)
    model.init_weights()
    return model.eval()


def test_a_missing_sam_file_names_the_config_key(tmp_path):
    init_default_scope('mmseg')
    sam = MODELS.build(dict(type='SAMGuidance', pretrained=str(tmp_path / 'sam_vit_b_01ec64.pth'),
                            encoder_kwargs=TINY_SAM))
    with pytest.raises(FileNotFoundError, match=r'sam_vit_b_01ec64.pth.*model\.sam\.pretrained.*dl\.fbaipublicfiles'):
        sam.init_weights()


def test_sam_loads_its_published_checkpoint_layout(tmp_path):
    """SAM's file holds the whole model (image encoder, prompt encoder, mask decoder: the refinement uses
    all three), loaded strictly."""
    init_default_scope('mmseg')
    source = MODELS.build(dict(type='SAMGuidance', encoder_kwargs=TINY_SAM))
    state = {k: v + 1 for k, v in source.sam.state_dict().items()}
    torch.save(state, tmp_path / 'sam.pth')
    sam = MODELS.build(dict(type='SAMGuidance', pretrained=str(tmp_path / 'sam.pth'), encoder_kwargs=TINY_SAM))
    sam.init_weights()
    torch.testing.assert_close(sam.sam.image_encoder.blocks[1].attn.rel_pos_h,
                               state['image_encoder.blocks.1.attn.rel_pos_h'])
    torch.save({k: v for k, v in state.items() if not k.startswith('mask_decoder.')}, tmp_path / 'encoder.pth')
    with pytest.raises(RuntimeError, match='mask_decoder'):
        MODELS.build(dict(type='SAMGuidance', pretrained=str(tmp_path / 'encoder.pth'),
                          encoder_kwargs=TINY_SAM)).init_weights()


def test_sam_reads_the_image_file_or_else_the_input(tmp_path):
    """With ``img_path`` SAM sees the file; without, the un-normalised network input: the same image gives
    the same logits both ways."""
    model = tiny_model()
    rgb = np.random.default_rng(0).integers(0, 256, (96, 128, 3), dtype=np.uint8)
    cv2.imwrite(str(tmp_path / 'image.png'), rgb[..., ::-1])
    pre = model.data_preprocessor
    x = (torch.from_numpy(rgb).permute(2, 0, 1)[None].float() - pre.mean) / pre.std
    meta = dict(img_shape=(96, 128), ori_shape=(96, 128), pad_shape=(96, 128))
    with torch.no_grad():
        from_file = model.inference(x, [dict(meta, img_path=str(tmp_path / 'image.png'))])[0]
        from_input = model.inference(x, [meta])[0]
        other = model.inference(x, [dict(meta, img_path=str(tmp_path / 'other.png'))])[0]  # missing: the input
    assert from_file.shape[2:] == (48, 64)  # SAM's grid: 768 x 1024 / 16
    torch.testing.assert_close(from_file, from_input, atol=1e-5, rtol=0)
    torch.testing.assert_close(other, from_input)


def test_with_an_identity_guide_trident_is_proxyclip_on_one_window():
    model = tiny_model(test_cfg=dict(mode='slide', crop_size=(64, 64), stride=(32, 32)))
    x = torch.randn(1, 3, 64, 64)
    model.sam.forward = lambda image, cos_fac, refine: (torch.eye(16), (4, 4))
    with torch.no_grad():
        trident = model.inference(x, [dict(img_shape=(64, 64), ori_shape=(64, 64))])[0]
        proxy = model.decode_head({'dense': model.backbone.dense_features(x)})
    torch.testing.assert_close(trident, proxy)


def test_windows_cover_the_resized_image_and_overlaps_are_averaged():
    x = torch.zeros(1, 3, 150, 210)
    resized = trident_resize(x, 16, 112)
    assert resized.shape[2:] == (160, 224)  # the longer side to the next multiple, both up to multiples
    assert trident_resize(torch.zeros(1, 3, 64, 48), 16, 112).shape[2:] == (64, 48)  # multiples: unchanged
    boxes = window_boxes(160, 224, 112, 64)
    assert boxes == [(0, 0, 112, 112), (0, 64, 112, 176), (0, 112, 112, 224),
                     (48, 0, 160, 112), (48, 64, 160, 176), (48, 112, 160, 224)]
    model = tiny_model()
    values = torch.arange(len(boxes), dtype=torch.float32).view(-1, 1, 1, 1).expand(-1, 2, 7, 7)
    stitched = model._stitch(values, boxes, (10, 14))
    assert stitched.shape == (1, 2, 10, 14)
    assert stitched[0, 0, 0, 0] == 0 and stitched[0, 0, 0, 5] == 0.5 and stitched[0, 0, 4, 5] == (0 + 1 + 3 + 4) / 4
