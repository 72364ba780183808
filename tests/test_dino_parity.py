"""ProxyCLIP's DINO against DINO's own ``VisionTransformer`` (as ``torch.hub`` loads it):
``tests/data/dino_parity.pt`` (regenerate with ``python tools/parity/dino.py <dino checkout>``)."""
import os.path as osp
import sys

import pytest
import torch
from conftest import REPO_ROOT
from mmengine.config import Config

from mmseg_textsup.models.backbones import TimmViTTokens

sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'parity'))
import dino  # noqa: E402  the weights, images and projection the official tower was given

FIXTURE = torch.load(osp.join(REPO_ROOT, 'tests/data/dino_parity.pt'))


def _projected_tokens(by_scale_factor: bool, size) -> torch.Tensor:
    vit = TimmViTTokens(FIXTURE['timm_name'], pos_embed_by_scale_factor=by_scale_factor).eval()
    vit.vit.load_state_dict(dino.timm_state())
    with torch.no_grad():
        return vit(dino.image(size))[0].flatten(1).t() @ dino.projection()


@pytest.mark.parametrize('size', dino.SIZES)
def test_dino_tokens_at_a_336_crop_are_the_official_with_its_position_resizing(size):
    official = FIXTURE[f'{size[0]}x{size[1]}']
    torch.testing.assert_close(_projected_tokens(True, size), official, atol=1e-4, rtol=0)
    assert (_projected_tokens(False, size) - official).abs().max() > 1e-3  # timm's resizing samples elsewhere


def test_proxyclip_configs_resize_dino_positions_as_the_official():
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs/proxyclip/voc21.py'))
    assert cfg.model.backbone.vfm.pos_embed_by_scale_factor is True
