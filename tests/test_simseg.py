"""SimSeg: LoDA maths (eq. 2-5), distributed equality, the adaptive class threshold, the dense
CRF, the zero-shot label maps and the pre-training model."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from dist_utils import run_distributed
from helpers import TINY
from mmengine.optim import OptimWrapper
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from mmseg_textsup.models.simseg import LoDALoss, SimSegZeroShot, max_response_pool, select_classes
from mmseg_textsup.utils.dense_crf import dense_crf


def _similarity(loss, image, text):
    """s_ij of eq. 4 for a batch: (B_image, B_text)."""
    return loss.pool_image(image) @ loss.pool_text(text).t()


def _info_nce(logits):
    target = torch.arange(len(logits))
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target))


def test_loda_similarity_on_a_hand_built_example():
    """3 image tokens, M^I = 2: per channel (3, 1) and (2, 1) -> mean V^I = [2, 1.5]; text
    tokens, M^T = 1 -> V^T = [2, 1]; s = cos([2, 1.5], [2, 1]) = 5.5 / (2.5 * sqrt(5))."""
    image = torch.tensor([[[1., 0.], [0., 2.], [3., 1.]]])
    text = torch.tensor([[[1., 1.], [2., 0.]]])
    loss = LoDALoss(image_top_m=2, text_top_m=1)
    assert _similarity(loss, image, text).item() == pytest.approx(5.5 / (2.5 * 5**0.5))


def test_selection_of_every_token_is_dense_alignment():
    """The cosine of the token means, i.e. of the mean of every pair's dot products (eq. 4)."""
    g = torch.Generator().manual_seed(0)
    image, text = torch.randn(3, 6, 4, generator=g), torch.randn(2, 5, 4, generator=g)
    dense = F.normalize(image.mean(dim=1), dim=-1) @ F.normalize(text.mean(dim=1), dim=-1).t()
    full = _similarity(LoDALoss(image_top_m=6, text_top_m=5), image, text)
    off = _similarity(LoDALoss(select=False), image, text)
    torch.testing.assert_close(full, dense)
    torch.testing.assert_close(off, dense)
    # selection changes the similarity when M < n
    assert not torch.allclose(_similarity(LoDALoss(image_top_m=2), image, text), dense)


def test_text_padding_is_never_selected():
    tokens = torch.tensor([[[1., 5.], [2., -1.], [9., 9.]]])  # the last token is padding
    mask = torch.tensor([[True, True, False]])
    torch.testing.assert_close(max_response_pool(tokens, 5, mask), torch.tensor([[1.5, 2.0]]))
    torch.testing.assert_close(max_response_pool(tokens, 1, mask), torch.tensor([[2.0, 5.0]]))
    torch.testing.assert_close(max_response_pool(tokens, None, mask), torch.tensor([[1.5, 2.0]]))


def test_loda_loss_is_info_nce_of_the_similarities_with_learnable_temperature():
    g = torch.Generator().manual_seed(1)
    image, text = torch.randn(4, 6, 8, generator=g), torch.randn(4, 5, 8, generator=g)
    loss_fn = LoDALoss()
    assert loss_fn.temperature().item() == pytest.approx(50.0)  # tau = 0.02
    loss = loss_fn(image, text)
    torch.testing.assert_close(loss, _info_nce(50.0 * _similarity(loss_fn, image, text)))
    loss.backward()
    assert loss_fn.temperature.tau.grad is not None


def _tokens(seed=0, n=8):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 6, 8, generator=g), torch.randn(n, 5, 8, generator=g)


def _half_batch_loda(rank, world_size):
    image, text = _tokens()
    n = image.shape[0] // world_size
    image = image[rank * n:(rank + 1) * n].clone().requires_grad_(True)
    text = text[rank * n:(rank + 1) * n].clone().requires_grad_(True)
    loss_fn = LoDALoss(image_top_m=3, text_top_m=2)
    loss = loss_fn(image, text)
    loss.backward()
    return loss.item(), image.grad, text.grad, loss_fn.temperature.tau.grad.item()


@pytest.mark.slow
def test_loda_on_two_processes_equals_one_process_gradients_included():
    image, text = _tokens()
    image.requires_grad_(True)
    text.requires_grad_(True)
    loss_fn = LoDALoss(image_top_m=3, text_top_m=2)
    loss = loss_fn(image, text)
    loss.backward()
    for rank, (dist_loss, image_grad, text_grad, scale_grad) in enumerate(run_distributed(_half_batch_loda, 2)):
        assert abs(dist_loss - loss.item()) < 1e-5
        # the all-gather backward sums over ranks; DDP averages: per-rank grad / 2 = single-process grad
        torch.testing.assert_close(torch.from_numpy(image_grad) / 2, image.grad[rank * 4:(rank + 1) * 4])
        torch.testing.assert_close(torch.from_numpy(text_grad) / 2, text.grad[rank * 4:(rank + 1) * 4])
        assert scale_grad == pytest.approx(loss_fn.temperature.tau.grad.item(), rel=1e-5, abs=1e-5)  # ~1/tau^2


def test_class_selection_is_the_official_loop():
    """mu + sigma (unbiased) of the top-k, background included; candidates = the 5 highest;
    the background keeps its slot but is never selected; the loop stops at the first class
    below the threshold."""
    scores = torch.tensor([0.85, 0.9, 0.1, 0.5, 0.45, 0.2, 0.8, 0.84])  # class 0: background
    top = np.array([0.9, 0.85, 0.84, 0.8])  # top-4
    threshold = top.mean() + top.std(ddof=1)  # 0.8475 + 0.0411
    assert threshold == pytest.approx(0.8886, abs=1e-4)
    assert select_classes(scores, top_k=4) == [1]  # 0.9 kept, background skipped, 0.84 < thr: stop
    assert select_classes(scores, top_k=4, sigma_factor=0.0) == [1]  # 0.84 < 0.8475 stops the loop
    assert select_classes(scores, top_k=8, sigma_factor=0.0) == [1, 7, 6]  # mean of all: 0.5619
    assert select_classes(scores, top_k=8, sigma_factor=0.0, max_classes=3) == [1, 7]  # bg took a slot
    assert select_classes(scores, top_k=8, sigma_factor=0.0, background_class=None) == [1, 0, 7, 6]


def test_dense_crf_sharpens_a_noisy_map():
    rng = np.random.default_rng(0)
    image = np.zeros((32, 32, 3), np.uint8)
    image[:, 16:] = 255
    truth = np.zeros((32, 32), int)
    truth[:, 16:] = 1
    p = np.clip(0.3 + 0.4 * truth + rng.normal(0, 0.25, truth.shape), 0.01, 0.99)
    probs = np.stack([1 - p, p])
    noisy_acc = (probs.argmax(0) == truth).mean()
    refined = dense_crf(image, probs, iterations=5, bilateral_sxy=10, bilateral_srgb=13, bilateral_compat=10)
    assert refined.shape == probs.shape and np.allclose(refined.sum(0), 1, atol=1e-4)
    assert noisy_acc < 0.9 and (refined.argmax(0) == truth).mean() > 0.99
    with pytest.raises(ValueError, match='uint8'):
        dense_crf(image.astype(np.float32), probs)


def test_simseg_label_map_stacks_kept_classes_by_score_over_background():
    strategy = SimSegZeroShot(top_k=4, sigma_factor=-1.0, crf=False, morphology=0, background_class=0)
    coarse = torch.zeros(4, 8, 8)
    coarse[1, :, :4] = 1  # class 1: left half
    coarse[2, :4] = 1  # class 2: top half
    coarse[3, 4:, 4:] = 1  # class 3: bottom-right, but not confident
    confidence = torch.tensor([0.5, 0.9, 0.8, 0.1])  # mean - std of all four = 0.238: keeps 1, 2
    label = strategy._segment(coarse, confidence, np.zeros((8, 8, 3), np.uint8))
    assert (label[:, :4] == 1).all(), 'class 1 has the higher score: it covers class 2 where they overlap'
    assert (label[:4, 4:] == 2).all()
    assert (label[4:, 4:] == 0).all(), 'no kept class: background'
    # without a background class, unassigned pixels take the best kept class there
    strategy.background_class, strategy.sigma_factor = None, 0.0  # threshold 0.45: keeps 1, 2
    label = strategy._segment(coarse, torch.tensor([0.0, 0.9, 0.8, 0.1]), np.zeros((8, 8, 3), np.uint8))
    assert set(label[4:, 4:].unique().tolist()) <= {1, 2}


def test_masks_are_dilated_then_eroded_with_a_7x7_kernel():
    """One iteration each (the official passes 5 and 3 as cv2's dst argument): a closing that
    fills holes narrower than the kernel."""
    strategy = SimSegZeroShot(crf=False)
    p = torch.zeros(20, 20)
    p[4:16, 4:16] = 1
    p[9:11, 9:11] = 0  # a 2-pixel hole
    mask = strategy._mask(p, np.zeros((20, 20, 3), np.uint8))
    assert mask[9:11, 9:11].all() and mask.sum() == 144
    assert SimSegZeroShot(crf=False, morphology=0)._mask(p, None).sum() == 140


def _tiny_simseg(**loss):
    model = MODELS.build(dict(
        type='SimSegPretrainer',
        data_preprocessor=dict(type='SegDataPreProcessor', mean=[122.8, 116.7, 104.1], std=[68.5, 66.6, 70.3],
                               bgr_to_rgb=True, size=(32, 32)),
        backbone=dict(type='OpenCLIPVision', model_name=TINY, frozen=False, dense_mode='qk'),
        text_tower=dict(type='OpenCLIPText', model_name=TINY),
        loss=dict(type='LoDALoss', **loss),
        zero_shot=dict(type='SimSegZeroShot', top_k=3, background_class=0),
        vocabulary=['background', 'cat', 'dog', 'grass']))
    model.init_weights()
    return model


def test_simseg_pretrainer_trains_on_pairs_and_segments_images():
    model = _tiny_simseg()
    samples = []
    for caption in ('a cat on grass', 'a dog', 'grass', 'a cat and a dog'):
        s = SegDataSample()
        s.text_tokens = model.text_encoder.tokenize([caption])[0]
        samples.append(s)
    images = [torch.randint(0, 255, (3, 32, 32), dtype=torch.uint8) for _ in samples]
    optim = OptimWrapper(torch.optim.AdamW(model.parameters(), lr=1e-3))
    queries_before = model.text_encoder.embeddings().clone()
    losses = model.train_step(dict(inputs=images, data_samples=samples), optim)
    assert losses['loss_loda'] > 0
    assert not torch.equal(model.text_encoder.embeddings(), queries_before), 'the query cache follows the text tower'
    model.eval()
    val = [SegDataSample(metainfo=dict(ori_shape=(32, 32), img_shape=(32, 32), pad_shape=(32, 32)))
           for _ in range(2)]
    out = model.val_step(dict(inputs=images[:2], data_samples=val))
    assert out[0].pred_sem_seg.data.shape == (1, 32, 32)
    assert set(out[0].pred_sem_seg.data.unique().tolist()) <= {0, 1, 2, 3}


def test_simseg_diagnostic_read_out_is_the_argmax_over_every_class():
    strategy = SimSegZeroShot(select=False, background_class=0)
    coarse = torch.randn(4, 5, 5)
    label = strategy._segment(coarse, torch.tensor([0.0, 0.1, 0.2, 0.3]), np.zeros((5, 5, 3), np.uint8))
    assert torch.equal(label, coarse.argmax(dim=0))
