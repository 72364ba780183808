"""SegCLIP against the official code (fixtures from ``tools/parity/segclip.py``): the image
encoder with the official group module (``VisualTransformer`` + ``SegViT`` +
``SemanticLearnerModule``, a batch of 24 images so that the official cross-attention's key
layout runs on today's torch as on torch 1.x) and the superpixel KL of ``SegCLIP.forward``."""
import os.path as osp
import sys

import pytest
import torch
from conftest import REPO_ROOT

from mmseg_textsup.models.segclip import SuperpixelKLLoss

sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'parity'))
import segclip as parity  # noqa: E402  tools/parity/segclip.py: the same weights and inputs

FIXTURE = torch.load(osp.join(REPO_ROOT, 'tests', 'data', 'segclip_parity.pt'))


@pytest.fixture(scope='module')
def encoder_outputs():
    model = parity.ours()
    with torch.no_grad():
        return model.forward_features(parity.images(), ('global', 'regions', 'assignment', 'probs'))


def test_image_embedding_and_regions_match_the_official_encoder(encoder_outputs):
    torch.testing.assert_close(encoder_outputs['global'], FIXTURE['image_embedding'], atol=1e-4, rtol=0)
    torch.testing.assert_close(encoder_outputs['regions'], FIXTURE['regions'], atol=1e-4, rtol=0)


def test_hard_and_soft_assignments_match_the_official_group_module(encoder_outputs):
    assert torch.equal(encoder_outputs['assignment'].transpose(1, 2), FIXTURE['hard_assignment'].float())
    torch.testing.assert_close(encoder_outputs['probs'].transpose(1, 2), FIXTURE['soft_assignment'], atol=1e-5, rtol=0)


def test_per_image_cross_context_is_not_what_the_official_code_computes():
    model = parity.ours()
    model.group.cross_context = 'per_image'
    with torch.no_grad():
        embedding = model.forward_features(parity.images(), ('global', ))['global']
    assert (embedding - FIXTURE['image_embedding']).abs().max() > 0.1


def test_superpixel_kl_matches_the_official_loss():
    loss = SuperpixelKLLoss()
    for case in FIXTURE['kl_cases']:
        patch_ids = case['superpixels'].long()
        pixels = patch_ids.repeat_interleave(16, 1).repeat_interleave(16, 2)  # 16 x 16 pixels per patch
        ours = loss(case['assignment'].float().transpose(1, 2), pixels, tuple(patch_ids.shape[1:]))
        assert ours.item() == pytest.approx(case['loss'].item(), rel=1e-5)
