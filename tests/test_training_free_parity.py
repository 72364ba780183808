"""The dense modes of SCLIP, ClearCLIP and NACLIP against their official image towers (fixtures
from ``tools/parity/training_free.py``), at the trained size and at a non-square one."""
import os.path as osp
import sys

import pytest
import torch
from conftest import REPO_ROOT

from mmseg_textsup.models.backbones import OpenCLIPVision

sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'parity'))
import training_free as parity  # noqa: E402  tools/parity/training_free.py: the same weights and inputs

FIXTURE = torch.load(osp.join(REPO_ROOT, 'tests', 'data', 'training_free_parity.pt'))


def tower(mode, **kwargs):
    """The official towers' settings: QuickGELU, no padding (the patch grid floors), position
    embeddings resized by scale factor."""
    model = OpenCLIPVision(parity.ARCH, dense_mode=mode, quick_gelu=True, pad_to_patch=False,
                           pos_embed_by_scale_factor=True, **kwargs).eval()
    model.visual.load_state_dict(parity.visual_state(parity.clip_state()))
    return model


@pytest.mark.parametrize('mode', ['sclip', 'clearclip', 'naclip'])
@pytest.mark.parametrize('size', parity.SIZES, ids=lambda s: f'{s[0]}x{s[1]}')
def test_dense_tokens_match_the_official_tower(mode, size):
    with torch.no_grad():
        dense = tower(mode)(parity.images(size))['dense']
    torch.testing.assert_close(dense.flatten(2).transpose(1, 2), FIXTURE[f'{mode}_{size[0]}x{size[1]}'], atol=1e-4,
                               rtol=0)


def test_size_based_position_resizing_is_not_the_official_one():
    model = tower('sclip')
    model.pos_embed_by_scale_factor = False
    with torch.no_grad():
        dense = model(parity.images((48, 80)))['dense'].flatten(2).transpose(1, 2)
    assert (dense - FIXTURE['sclip_48x80']).abs().max() > 0.05


def test_attention_modes_need_a_vit():
    with pytest.raises(ValueError, match='needs a ViT tower'):
        OpenCLIPVision('TextSup-Tiny-RN', dense_mode='sclip')
