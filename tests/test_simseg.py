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

from mmseg_textsup.models.simseg import LoDALoss, SimSegZeroShot, adaptive_class_selection, max_response_pool
from mmseg_textsup.utils.dense_crf import dense_crf


def _similarity(loss, image, text):
    """s_ij of eq. 4 for a batch: (B_image, B_text)."""
    return loss.pool_image(image) @ loss.pool_text(text).t()


def _info_nce(logits):
    target = torch.arange(len(logits))
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target))


def test_loda_similarity_on_a_hand_built_example():
    """3 image tokens, M^I = 2: per channel (3, 1) and (2, 1) -> V^I = {[3, 2], [1, 1]};
    text tokens, M^T = 1 -> V^T = {[2, 1]}; s = ([3,2].[2,1] + [1,1].[2,1]) / 2 = 5.5."""
    image = torch.tensor([[[1., 0.], [0., 2.], [3., 1.]]])
    text = torch.tensor([[[1., 1.], [2., 0.]]])
    loss = LoDALoss(image_top_m=2, text_top_m=1, normalize=False)
    assert _similarity(loss, image, text).item() == pytest.approx(5.5)


def test_selection_of_every_token_is_dense_alignment():
    g = torch.Generator().manual_seed(0)
    image, text = torch.randn(3, 6, 4, generator=g), torch.randn(2, 5, 4, generator=g)
    all_pairs = torch.einsum('ind,jmd->ijnm', image, text).mean(dim=(2, 3))  # mean of every u.v
    full = _similarity(LoDALoss(image_top_m=6, text_top_m=5, normalize=False), image, text)
    off = _similarity(LoDALoss(select=False, normalize=False), image, text)
    torch.testing.assert_close(full, all_pairs)
    torch.testing.assert_close(off, all_pairs)
    # selection changes the similarity when M < n
    assert not torch.allclose(_similarity(LoDALoss(image_top_m=2, normalize=False), image, text), all_pairs)


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
    assert loss_fn.temperature.log_scale.grad is not None


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
    return loss.item(), image.grad, text.grad, loss_fn.temperature.log_scale.grad.item()


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
        assert abs(scale_grad - loss_fn.temperature.log_scale.grad.item()) < 1e-5


def test_adaptive_threshold_keeps_exactly_the_classes_above_mu_plus_sigma():
    scores = torch.tensor([0.9, 0.1, 0.5, 0.45, 0.2, 0.8])
    top = np.array([0.9, 0.8, 0.5, 0.45])  # top-4
    for factor in (0.0, 0.5, 1.0):
        threshold = top.mean() + factor * top.std()
        expected = [i for i in np.argsort(-scores.numpy()) if scores[i] > threshold]
        assert adaptive_class_selection(scores, top_k=4, sigma_factor=factor).tolist() == expected
    assert adaptive_class_selection(scores, 4, 0.5).tolist() == [0, 5]
    assert adaptive_class_selection(scores, 4, 0.0, max_keep=1).tolist() == [0]


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
    strategy = SimSegZeroShot(top_k=3, sigma_factor=0.0, crf=False, background_class=0)
    coarse = torch.zeros(4, 8, 8)
    coarse[1, :, :4] = 1  # class 1: left half
    coarse[2, :4] = 1  # class 2: top half
    coarse[3, 4:, 4:] = 1  # class 3: bottom-right, but not confident
    confidence = torch.tensor([float('-inf'), 0.9, 0.8, 0.1])  # mean of top-3 = 0.6: keeps 1, 2
    label = strategy._segment(coarse, confidence, np.zeros((8, 8, 3), np.uint8))
    assert (label[:, :4] == 1).all(), 'class 1 has the higher score: it covers class 2 where they overlap'
    assert (label[:4, 4:] == 2).all()
    assert (label[4:, 4:] == 0).all(), 'no kept class: background'
    # without a background class, unassigned pixels take the best kept class there
    strategy.background_class = None
    label = strategy._segment(coarse, torch.tensor([0.0, 0.9, 0.8, 0.1]), np.zeros((8, 8, 3), np.uint8))
    assert set(label[4:, 4:].unique().tolist()) <= {1, 2}


def _tiny_simseg(**loss):
    model = MODELS.build(dict(
        type='SimSegPretrainer',
        data_preprocessor=dict(type='SegDataPreProcessor', mean=[122.8, 116.7, 104.1], std=[68.5, 66.6, 70.3],
                               bgr_to_rgb=True, size=(32, 32)),
        image_encoder=dict(type='OpenCLIPVision', model_name=TINY, frozen=False, dense_mode='qk'),
        text_encoder=dict(type='OpenCLIPText', model_name=TINY),
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
    strategy = SimSegZeroShot(select_classes=False, background_class=0)
    coarse = torch.randn(4, 5, 5)
    label = strategy._segment(coarse, torch.tensor([float('-inf'), 0.1, 0.2, 0.3]), np.zeros((5, 5, 3), np.uint8))
    assert torch.equal(label, coarse[1:].argmax(dim=0) + 1)
