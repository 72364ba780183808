"""SegCLIP against the official code (fixtures from ``tools/parity/segclip.py``): the image
encoder with the official group module (``VisualTransformer`` + ``SegViT`` +
``SemanticLearnerModule``, with its batch-mixing key layout), the superpixel KL of
``SegCLIP.forward`` and the zero-shot read-out of ``ViTSegInference.encode_decode``."""
import os.path as osp
import sys
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F
from conftest import REPO_ROOT

from mmseg_textsup.models.segclip import SegCLIPZeroShot, SuperpixelKLLoss

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


@pytest.mark.parametrize('case', range(3))
def test_zero_shot_read_out_matches_the_official_vit_seg_inference(case):
    case = FIXTURE['read_out_cases'][case]
    text = case['text_embeddings']
    model = SimpleNamespace(
        backbone=parity.ours(), logit_scale=lambda: torch.tensor(3.0).exp(),
        text_encoder=lambda x: torch.einsum('bc...,tc->bt...', F.normalize(x, dim=1), text),  # the classifier's cosine
        bg_threshold=0.8 if case['with_bg'] else None, bg_index=0)
    i = case['image_index']
    scores = SegCLIPZeroShot()(model, parity.images()[i:i + 1])
    torch.testing.assert_close(scores[..., ::4, ::4], case['scores'], atol=1e-5, rtol=0)
    assert torch.equal(scores.argmax(dim=1), case['labels'].long())


def test_reconstruction_loss_matches_the_official_mae_branch():
    model = parity.ours()
    loss = parity.our_reconstruction(model)
    for case in FIXTURE['reconstruction_cases']:
        masked = case['masked'].bool()
        keep = (~masked).nonzero()[:, 1][None]
        i = case['image_index']
        with torch.no_grad():
            ours = loss(model, parity.images()[i:i + 1], keep, masked)
        assert ours.item() == pytest.approx(case['loss'].item(), rel=1e-5)
