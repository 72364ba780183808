"""Every config family through one inference path: ``build_open_vocab_model`` + ``segment_image``
on a generated image, each with its config's own protocol (resize, whole or sliding windows,
post-processing, background rule), tiny towers, and for trained methods a checkpoint."""
import glob
import os.path as osp

import numpy as np
import pytest
import torch
from conftest import REPO_ROOT
from helpers import TINY, TINY_RN
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.apis import MMSegInferencer
from mmseg.registry import MODELS

from mmseg_textsup.apis import build_open_vocab_model, model_class_names, segment_image
from mmseg_textsup.apis.open_vocab import inference_pipeline

CLASSES = ['cat', ['grass', 'lawn'], 'sky']


def _towers(*keys, model_name=TINY):
    options = {}
    for key in keys:
        options.update({f'{key}.model_name': model_name, f'{key}.pretrained': None})
    return options


def _training_free(extra=(), model_name=TINY):
    return dict(_towers('model.backbone', 'model.decode_head.text_encoder', model_name=model_name),
                **{'model.decode_head.text_encoder.templates': 'single'}, **dict(extra))


TINY_MAE = {
    'model.pretrained': None, 'model.backbone.embed_dims': 64, 'model.backbone.num_layers': 4,
    'model.backbone.num_heads': 2, 'model.backbone.out_indices': [0, 1, 2, 3], 'model.backbone.drop_path_rate': 0.0,
    'model.neck.embed_dim': 64, 'model.decode_head.in_channels': [64] * 4, 'model.decode_head.channels': 32,
    'model.auxiliary_head.in_channels': 64, 'model.auxiliary_head.channels': 16}
TINY_DEEPLAB = {'model.backbone.depth': 18, 'model.backbone.init_cfg': None, 'model.decode_head.in_channels': 512}
TINY_SWIN = {
    'model.backbone.backbone.embed_dims': 32, 'model.backbone.backbone.depths': [1, 1, 2, 1],
    'model.backbone.backbone.num_heads': [1, 2, 4, 8], 'model.backbone.backbone.init_cfg': None,
    'model.backbone.head.in_channels': [32, 64, 128, 256], 'model.backbone.head.channels': 64,
    'model.backbone.head.num_layers': 2, 'model.backbone.head.ffn_channels': 128,
    'model.backbone.head.norm_cfg': dict(type='GN', num_groups=16), 'model.backbone.embed_dim': 64,
    'model.text_tower.embed_dim': 64, 'model.pseudo_masks.backbone.model_name': 'vit_tiny_patch16_224',
    'model.pseudo_masks.backbone.pretrained': None}

# folder -> [(config, tiny-tower options, trained: segmented from a checkpoint of the config)]
FAMILIES = {
    'maskclip': [('voc20.py', _training_free(), False), ('slide_context60.py', _training_free(), False)],
    'sclip': [('voc21.py', _training_free(), False)],  # SCLIP's area rule and fused names
    'clearclip': [('cityscapes.py', _training_free(), False)],
    'naclip': [('voc21.py', _training_free(), False)],  # PAMR
    'pearl': [('context60.py', _training_free(), False)],
    'resclip': [('voc21.py', _training_free({'model.backbone.rcs_blocks': [0, 1],
                                             'test_dataloader.dataset.pipeline.1.scale': (2048, 160)},
                                            'TextSup-Tiny-ViT16'), False)],
    # text-guided backbone (patch 16 and a short side of 160: its path check over every pair of patches of
    # the whole image is quadratic in their number; at patch 8 and 336 px its affinities take 29 GB)
    'sc_clip': [('coco_object.py', _training_free({
        f'model.backbone.{k}': v for k, v in dict(pre_adjust_idx=0, post_adjust_idx=0, multi_start_idx=0,
                                                  multi_end_idx=1).items()}), False)],
    'proxyclip': [('voc21.py', _training_free({'model.backbone.vfm.model_name': 'vit_tiny_patch16_224',
                                               'model.backbone.vfm.pretrained': None}), False)],
    'cass': [('context60.py', _training_free({  # DINO as wide as CLIP; the whole image's prior in every window
        'model.backbone.vfm.model_kwargs': dict(embed_dim=128, depth=1, num_heads=2),
        'model.backbone.vfm.pretrained': None}, 'TextSup-Tiny-ViT16'), False)],
    'trident': [('cityscapes.py', _training_free({  # SAM on the halves of the un-normalised input (no file)
        'model.backbone.vfm.model_kwargs': dict(embed_dim=64, depth=1, num_heads=2),
        'model.backbone.vfm.pretrained': None, 'model.sam.pretrained': None,
        'model.sam.encoder_kwargs': dict(embed_dim=48, depth=2, num_heads=2, global_attn_indexes=[1])},
        'TextSup-Tiny-ViT16'), False)],
    'clip_es': [('voc21_caa_crf.py', dict(_towers('model.backbone', 'model.text_encoder'),
                                          **{'model.caa_blocks': 2, 'model.text_encoder.templates': 'single'}), False),
                ('voc21_deeplabv2.py', TINY_DEEPLAB, True)],  # the closed-set student
    'maskclip_plus': [('voc.py', dict(TINY_DEEPLAB, **_towers(
        'model.teacher.backbone', 'model.teacher.decode_head.text_encoder', 'model.classifier.text_encoder',
        model_name=TINY_RN), **{'model.decode_head.channels': 64}), True)],
    'segclip': [('voc21.py', dict(_towers('model.backbone', 'model.text_tower'), **{
        'model.backbone.group_after': 1, 'model.reconstruction.decoder_width': 32}), True)],
    'simseg': [('voc21.py', dict(_towers('model.backbone', 'model.text_tower', model_name='TextSup-Tiny-Timm-BERT'),
                                 **{'model.templates': 'single', 'model.text_tower.hf_tokenizer': 'TOY'}), True)],
    'sseg': [('voc21.py', dict(TINY_SWIN, **_towers('model.text_tower', model_name='TextSup-Toy-ViT')), True)],
    'sseg_plus': [('voc21.py', TINY_MAE, True)],
    'toy_clip': [('pretrain.py', {}, True), ('supervised.py', {}, True)],
}
CASES = [(folder, *case) for folder, cases in FAMILIES.items() for case in cases]


def test_every_config_folder_is_a_tested_family():
    folders = {osp.basename(p.rstrip('/')) for p in glob.glob(osp.join(REPO_ROOT, 'configs', '*/'))} - {'_base_'}
    assert set(FAMILIES) == folders


def _checkpoint(tmp_path, config, options):
    """A checkpoint of the config's model (random weights, as tools/train.py saves them)."""
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(options)
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model)
    path = str(tmp_path / 'model.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)
    return path


@pytest.mark.slow  # 21 configs, ~80 s
@pytest.mark.parametrize('folder,config,options,trained', CASES, ids=[f'{c[0]}/{c[1]}' for c in CASES])
def test_every_family_segments_an_image(folder, config, options, trained, tmp_path, toy_tokenizer):
    config = osp.join(REPO_ROOT, 'configs', folder, config)
    options = {k: (toy_tokenizer if v == 'TOY' else v) for k, v in options.items()}  # the toy BERT tokenizer
    checkpoint = _checkpoint(tmp_path, config, options) if trained else None
    model = build_open_vocab_model(config, checkpoint, cfg_options=options)
    rng = np.random.default_rng(0)
    images = [rng.integers(0, 255, (60, 90, 3), dtype=np.uint8) for _ in range(2)]
    open_vocabulary = hasattr(model, 'set_vocabulary')
    classes = CLASSES if open_vocabulary else None
    results = segment_image(model, images, classes, batch_size=2)
    names = model_class_names(model)
    if open_vocabulary:
        assert [n for n in names if n != 'background'][:3] == ['cat', 'grass', 'sky'], names
    for image, result in zip(images, results):
        assert result.labels.shape == image.shape[:2] and result.class_names == names
        assert result.scores.shape == (len(names), *image.shape[:2])
        assert np.isfinite(result.scores).all()
        assert result.labels.min() >= 0 and result.labels.max() < len(names)
        assert np.array_equal(result.scores.argmax(0), result.labels) or folder in ('simseg', 'clip_es')
    one = segment_image(model, images[1], classes)  # batched (with images[0]) or alone: the same labels
    # (but for SegCLIP, whose official cross-attention mixes the images of a batch: cross_context, and
    # CASS, whose randomised SVD draws from the global generator as in the official code)
    assert np.array_equal(one.labels, results[1].labels) or folder in ('segclip', 'cass')


@pytest.mark.parametrize('config, short_side', [('sclip/voc21.py', 336), ('cass/cityscapes.py', 560),
                                                ('proxyclip/ade20k.py', 448), ('maskclip/voc20.py', 512),
                                                ('trident/context60.py', 576)])
def test_own_images_get_the_test_loops_resize(config, short_side):
    """The pipeline of the test dataset, not the base's ``test_pipeline`` variable left behind by a leaf
    config that sets its protocol's pipeline (SCLIP's short side 336, not the dataset base's 512)."""
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', config))
    resize = [t for t in inference_pipeline(cfg) if t['type'] == 'Resize']
    assert [tuple(t['scale']) for t in resize] == [(2048, short_side)]


def test_closed_set_student_names_its_classes_when_given_others(tmp_path):
    config = osp.join(REPO_ROOT, 'configs', 'clip_es', 'voc21_deeplabv2.py')
    model = build_open_vocab_model(config, _checkpoint(tmp_path, config, TINY_DEEPLAB), cfg_options=TINY_DEEPLAB)
    assert model_class_names(model)[:2] == ['background', 'aeroplane']
    with pytest.raises(ValueError, match='closed-set network trained on 21 classes'):
        segment_image(model, np.zeros((32, 32, 3), np.uint8), ['cat', 'dog'])


def test_mmseg_inferencer_takes_our_configs_and_checkpoints(tmp_path):
    """mmseg's MMSegInferencer drops only its own LoadAnnotations; ours passes images that belong
    to no dataset, so a benchmark config and a trained checkpoint run through it."""
    config = osp.join(REPO_ROOT, 'configs', 'clip_es', 'voc21_deeplabv2.py')
    checkpoint = _checkpoint(tmp_path, config, TINY_DEEPLAB)
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(TINY_DEEPLAB)
    image = np.random.default_rng(0).integers(0, 255, (60, 90, 3), dtype=np.uint8)
    inferencer = MMSegInferencer(model=cfg, weights=checkpoint, device='cpu')
    sample = inferencer(image, return_datasamples=True)
    expected = segment_image(build_open_vocab_model(config, checkpoint, cfg_options=TINY_DEEPLAB), image)
    assert np.array_equal(sample.pred_sem_seg.data[0].numpy(), expected.labels)
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'sclip', 'voc21.py'))
    cfg.merge_from_dict(_training_free())
    sample = MMSegInferencer(model=cfg, weights=None, device='cpu')(image, return_datasamples=True)
    assert sample.pred_sem_seg.data.shape == (1, 60, 90)
