"""ResCLIP's tower against the official code (fixtures from ``tools/parity/resclip.py``): at two sizes
(one not square) with two official configs' settings; its semantic feedback on a hand-made grid; the
segmentor handing it the classifier's embeddings."""
import os.path as osp
import sys

import pytest
import torch
from conftest import REPO_ROOT
from helpers import tiny_classifier
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from mmseg_textsup.models.training_free import ResCLIPVision
from mmseg_textsup.models.training_free.resclip_vision import same_entity_paths, semantic_feedback

sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'parity'))
import resclip as parity  # noqa: E402  tools/parity/resclip.py: the same weights and inputs
import sc_clip  # noqa: E402

FIXTURE = torch.load(osp.join(REPO_ROOT, 'tests', 'data', 'resclip_parity.pt'))


def tower(temp_thd, rcs, sfr):
    """The official tower's settings: QuickGELU, no padding, position embeddings by scale factor."""
    model = ResCLIPVision(parity.ARCH, rcs_weights=rcs, sfr_weights=sfr, temp_thd=temp_thd,
                          logit_scale=parity.LOGIT_SCALE, quick_gelu=True, pad_to_patch=False,
                          pos_embed_by_scale_factor=True).eval()
    model.visual.load_state_dict(sc_clip.visual_state(sc_clip.clip_state()))
    return model


@pytest.mark.parametrize('size, temp_thd, rcs, sfr', parity.SETTINGS, ids=lambda s: str(s))
def test_dense_tokens_match_the_official_tower(size, temp_thd, rcs, sfr):
    with torch.no_grad():
        dense = tower(temp_thd, rcs, sfr)(parity.image(size), text_embeddings=parity.text())['dense']
    torch.testing.assert_close(dense.flatten(2).transpose(1, 2), FIXTURE[f'resclip_{size[0]}x{size[1]}'], atol=1e-4,
                               rtol=0)


def test_the_feedback_changes_the_tokens():
    size, temp_thd, rcs, _ = parity.SETTINGS[0]
    with torch.no_grad():
        dense = tower(temp_thd, rcs, (1.0, 0.0))(parity.image(size), text_embeddings=parity.text())['dense']
    assert (dense.flatten(2).transpose(1, 2) - FIXTURE[f'resclip_{size[0]}x{size[1]}']).abs().max() > 1e-3


def test_paths_that_leave_the_label_are_decayed():
    labels = torch.tensor([[1, 2, 1]])  # the two 1s are separated by a 2
    valid, steps = same_entity_paths(labels)
    assert steps[0, 2] == 2 and not valid[0, 2] and valid[0, 0] and valid[1, 1]
    feedback = semantic_feedback(labels, std=0.1)  # a kernel of 1: no smoothing
    assert feedback.shape == (4, 4) and (feedback[0] == 0).all() and (feedback[:, 0] == 0).all()
    row = torch.tensor([1.0, 0.0, torch.exp(torch.tensor(-1.0))])  # same label, decayed by exp(-2 / 2)
    torch.testing.assert_close(feedback[1, 1:], row / row.sum())


def test_the_segmentor_hands_the_tower_its_class_embeddings():
    init_default_scope('mmseg')
    model = MODELS.build(dict(
        type='OpenVocabEncoderDecoder', data_preprocessor=dict(type='SegDataPreProcessor', mean=[0] * 3, std=[1] * 3),
        backbone=dict(type='ResCLIPVision', model_name=parity.ARCH),
        decode_head=dict(type='MaskCLIPHead', text_encoder=tiny_classifier(model_name=parity.ARCH), logit_scale=40.0),
        test_cfg=dict(mode='whole'))).eval()
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        feats = model.extract_feat(x)
        direct = model.backbone(x, text_embeddings=model.text_encoder.embeddings())
    torch.testing.assert_close(feats['dense'], direct['dense'])
    with pytest.raises(ValueError, match='needs the text embeddings'):
        model.backbone(x)


@pytest.mark.parametrize('benchmark', ['voc21', 'context60', 'coco_object', 'voc20', 'cityscapes', 'context59',
                                       'ade20k', 'coco_stuff'])
def test_configs_segment_the_first_pass_at_the_heads_logit_scale(benchmark):
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'resclip', f'{benchmark}.py'))
    assert cfg.model.backbone.type == 'ResCLIPVision'
    assert cfg.model.backbone.logit_scale == cfg.model.decode_head.logit_scale == 40.0
