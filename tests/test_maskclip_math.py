import torch

from mmseg_textsup.models.maskclip.maskclip_head import (SUPPRESSED_COSINE, key_smoothing, maskclip_logits,
                                                         prompt_denoising)
from mmseg_textsup.models.segmentors.open_vocab_encoder_decoder import apply_background_rule


def test_key_smoothing_on_hand_built_three_patches():
    # 3 patches in a 1x3 grid; keys: p0 and p1 point the same way, p2 is orthogonal.
    keys = torch.tensor([[1.0, 0.0], [2.0, 0.0], [0.0, 3.0]]).T.reshape(1, 2, 1, 3)
    scores = torch.tensor([[0.9, 0.1, 0.2], [0.1, 0.5, 0.7]]).reshape(1, 2, 1, 3)
    out = key_smoothing(scores, keys, norm='channel')
    # cos affinity: [[1,1,0],[1,1,0],[0,0,1]] -> p0 = p1 = s0 + s1, p2 = s2
    expected = torch.tensor([[1.0, 1.0, 0.2], [0.6, 0.6, 0.7]]).reshape(1, 2, 1, 3)
    assert torch.allclose(out, expected)


def test_key_smoothing_spatial_norm_differs_from_channel_norm():
    keys = torch.tensor([[1.0, 0.0], [2.0, 0.0], [0.0, 3.0]]).T.reshape(1, 2, 1, 3)
    scores = torch.rand(1, 2, 1, 3)
    spatial = key_smoothing(scores, keys, norm='spatial')
    k = keys.flatten(2)
    k = k / k.norm(dim=2, keepdim=True)  # each channel normalised over positions
    affinity = k.transpose(1, 2) @ k
    assert torch.allclose(spatial.flatten(2), scores.flatten(2) @ affinity.transpose(1, 2))
    assert not torch.allclose(spatial, key_smoothing(scores, keys, norm='channel'))


def test_prompt_denoising_removes_exactly_classes_under_threshold():
    cosines = torch.full((1, 3, 2, 2), -0.1)
    cosines[0, 0, 0, 0] = 0.1  # class 0 dominates one pixel: max prob ~1
    cosines[0, 1] = 0.1  # class 1 dominates the other pixels
    cosines[0, 2, 1, 1] = 0.099  # class 2 nearly ties class 1 at one pixel: max prob < 0.5
    out = prompt_denoising(cosines, 0.5)
    probs = (100 * cosines).softmax(1).amax(dim=(2, 3))[0]
    assert probs[2] < 0.5 <= probs[0] and probs[1] >= 0.5
    assert torch.equal(out[0, 0], cosines[0, 0]) and torch.equal(out[0, 1], cosines[0, 1])
    assert (out[0, 2] == SUPPRESSED_COSINE).all()


def test_official_refinement_denoises_then_smooths_probabilities_where_unsure():
    g = torch.Generator().manual_seed(0)
    cosines, keys = 0.05 * torch.randn(1, 4, 3, 3, generator=g), torch.randn(1, 6, 3, 3, generator=g)
    cosines[0, 0, 0, 0] = 0.5  # one certain position (probability 1 in float32): never smoothed
    logits = maskclip_logits(cosines, 100.0, keys, ks_threshold=1.0, denoise_threshold=0.5)
    probs = (100 * prompt_denoising(cosines, 0.5)).softmax(1)
    k = torch.nn.functional.normalize(keys.flatten(2), dim=2)  # channels over positions
    smoothed = torch.einsum('cn,cm,km->kn', k[0], k[0], probs.flatten(2)[0]).reshape(4, 3, 3)
    unsure = probs.amax(1)[0] < 1.0
    assert not unsure[0, 0] and unsure.sum() == 8
    expected = torch.where(unsure, smoothed, probs[0])
    torch.testing.assert_close(logits[0], 100 * expected)
    # the paper's reading smooths cosines with cosine affinities before scaling
    paper = maskclip_logits(cosines, 100.0, keys, refinement='paper')
    assert not torch.allclose(paper, logits)


def test_threshold_background_rule_inserts_background():
    logits = torch.log(torch.tensor([[0.6, 0.3, 0.1], [0.4, 0.35, 0.25]])).T.reshape(1, 3, 1, 2)
    scores = apply_background_rule(logits, bg_threshold=0.5, bg_index=0)
    assert scores.shape == (1, 4, 1, 2)
    assert scores.argmax(1).tolist() == [[[1, 0]]]  # pixel 0: class 0 (label 1); pixel 1: background


def test_threshold_with_background_in_vocabulary():
    logits = torch.log(torch.tensor([[0.2, 0.7, 0.1], [0.3, 0.35, 0.35]])).T.reshape(1, 3, 1, 2)
    scores = apply_background_rule(logits, bg_threshold=0.5, bg_index=0, vocabulary_has_background=True)
    assert scores.shape == (1, 3, 1, 2)
    assert scores.argmax(1).tolist() == [[[1, 0]]]


def test_multi_word_background_takes_max_over_its_words():
    from mmseg_textsup.models.text_encoders import reduce_synonyms

    # rows: [sky, wall] (background), cat, dog
    scores = torch.tensor([0.2, 0.9, 0.5, 0.4]).reshape(1, 4, 1, 1)
    owner = torch.tensor([0, 0, 1, 2])
    out = reduce_synonyms(scores, owner, 3)
    assert torch.allclose(out.flatten(), torch.tensor([0.9, 0.5, 0.4]))
    labels = apply_background_rule(out * 10).argmax(1)
    assert labels.item() == 0
