"""SC-CLIP's tower against the official code (fixtures from ``tools/parity/sc_clip.py``), at two
sizes with the official defaults; its pieces on hand-made inputs."""
import os.path as osp
import sys

import pytest
import torch
from conftest import REPO_ROOT

from mmseg_textsup.models.training_free import SCCLIPVision
from mmseg_textsup.models.training_free.sc_clip_vision import fill_outliers, lof_outliers

sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'parity'))
import sc_clip as parity  # noqa: E402  tools/parity/sc_clip.py: the same weights and inputs

FIXTURE = torch.load(osp.join(REPO_ROOT, 'tests', 'data', 'sc_clip_parity.pt'))


def official_settings_tower(**kwargs):
    """The official tower's settings: QuickGELU, no padding, position embeddings by scale factor."""
    model = SCCLIPVision(parity.ARCH, quick_gelu=True, pad_to_patch=False, pos_embed_by_scale_factor=True,
                         **kwargs).eval()
    model.visual.load_state_dict(parity.visual_state(parity.clip_state()))
    return model


@pytest.fixture(scope='module')
def tower():
    return official_settings_tower()


@pytest.mark.parametrize('size', parity.SIZES, ids=lambda s: f'{s[0]}x{s[1]}')
def test_dense_tokens_match_the_official_tower(tower, size):
    with torch.no_grad():
        dense = tower(parity.image(size))['dense']
    torch.testing.assert_close(dense.flatten(2).transpose(1, 2), FIXTURE[f'sc_clip_{size[0]}x{size[1]}'], atol=1e-4,
                               rtol=0)


@pytest.mark.parametrize('change', [dict(res_cls=0.0), dict(lof_contamination=0.2), dict(pre_adjust_idx=7),
                                    dict(multi_end_idx=9), dict(beta=0.0)], ids=str)
def test_each_official_setting_changes_the_tokens(change):
    with torch.no_grad():
        dense = official_settings_tower(**change)(parity.image((224, 224)))['dense']
    assert (dense.flatten(2).transpose(1, 2) - FIXTURE['sc_clip_224x224']).abs().max() > 1e-3


def test_a_batch_is_refined_image_by_image(tower):
    images = torch.cat([parity.image((160, 160)), parity.image((160, 160)).flip(-1)])
    with torch.no_grad():
        together = tower(images)['dense']
        alone = tower(images[1:])['dense']
    torch.testing.assert_close(together[1:], alone)
    torch.testing.assert_close(together[:1].flatten(2).transpose(1, 2), FIXTURE['sc_clip_160x160'], atol=1e-4, rtol=0)


def test_non_square_grids_take_outliers_row_major(tower):
    with torch.no_grad():
        dense = tower(parity.image((160, 224)))['dense']
    assert dense.shape == (1, 32, 10, 14) and torch.isfinite(dense).all()


def test_lof_finds_the_isolated_token():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(40, 4, generator=g) * 0.1
    x[17] += 5.0
    assert lof_outliers(x, n_neighbors=5, contamination=0.025).tolist() == [17]


def test_outliers_take_the_mean_of_their_kept_neighbours():
    tokens = torch.arange(9, dtype=torch.float32).view(1, 9, 1)  # a 3 x 3 grid, values 0..8
    out = fill_outliers(tokens, torch.tensor([4, 5]), (3, 3)).view(3, 3)
    assert out[1, 1] == pytest.approx((0 + 1 + 2 + 3 + 6 + 7 + 8) / 7)  # 5 is an outlier too: not counted
    assert out[1, 2] == pytest.approx((1 + 2 + 7 + 8) / 4)
    assert out[0, 0] == 0 and out[2, 2] == 8


def test_block_indices_are_checked():
    with pytest.raises(ValueError, match='pre_adjust_idx must be in \\[0, 10\\]'):
        SCCLIPVision(parity.ARCH, pre_adjust_idx=11)
    with pytest.raises(ValueError, match='needs a ViT'):
        SCCLIPVision('TextSup-Tiny-RN')
