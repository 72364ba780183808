import math

import pytest
import torch
import torch.nn.functional as F
from dist_utils import run_distributed

from mmseg_textsup.models.losses import CLIPContrastiveLoss


def _features(seed=0, n=8, d=16):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=g), torch.randn(n, d, generator=g)


def test_info_nce_matches_hand_computation():
    logits = torch.tensor([[2.0, 0.0], [1.0, 3.0]])
    loss = CLIPContrastiveLoss()
    loss.temperature.log_scale.data.fill_(0.0)  # scale 1: the logits are image @ text.T
    i2t = -0.5 * (math.log(math.exp(2) / (math.exp(2) + 1)) + math.log(math.exp(3) / (math.exp(1) + math.exp(3))))
    t2i = -0.5 * (math.log(math.exp(2) / (math.exp(2) + math.exp(1))) + math.log(math.exp(3) / (1 + math.exp(3))))
    assert abs(loss.contrast(logits, torch.eye(2)).item() - 0.5 * (i2t + t2i)) < 1e-6


def test_temperature_is_learnable_and_clamped():
    loss = CLIPContrastiveLoss(init_temperature=0.07, max_scale=100)
    assert abs(loss.temperature().item() - 1 / 0.07) < 1e-4
    with torch.no_grad():
        loss.temperature.log_scale.fill_(10.0)
    assert loss.temperature().item() == 100.0
    img, txt = _features()
    loss.temperature.log_scale.data.fill_(math.log(1 / 0.07))
    loss(img, txt).backward()
    assert loss.temperature.log_scale.grad is not None


def _half_batch_loss(rank, world_size):
    img, txt = _features()
    n = img.shape[0] // world_size
    img = img[rank * n:(rank + 1) * n].clone().requires_grad_(True)
    txt = txt[rank * n:(rank + 1) * n].clone().requires_grad_(True)
    loss_fn = CLIPContrastiveLoss()
    loss = loss_fn(img, txt)
    loss.backward()
    return loss.item(), img.grad, txt.grad, loss_fn.temperature.log_scale.grad.item()


@pytest.mark.slow
def test_two_process_loss_and_gradients_equal_single_process():
    img, txt = _features()
    img.requires_grad_(True)
    txt.requires_grad_(True)
    loss_fn = CLIPContrastiveLoss()
    loss = loss_fn(img, txt)
    loss.backward()
    results = run_distributed(_half_batch_loss, world_size=2)
    for rank, (dist_loss, img_grad, txt_grad, scale_grad) in enumerate(results):
        assert abs(dist_loss - loss.item()) < 1e-6
        # every rank holds the global loss; the all-gather backward sums the ranks' gradients,
        # and DDP averages them: per-rank gradients / world_size == single-process gradients
        assert torch.allclose(torch.from_numpy(img_grad) / 2, img.grad[rank * 4:(rank + 1) * 4], atol=1e-6)
        assert torch.allclose(torch.from_numpy(txt_grad) / 2, txt.grad[rank * 4:(rank + 1) * 4], atol=1e-6)
        assert abs(scale_grad - loss_fn.temperature.log_scale.grad.item()) < 1e-6
    assert F.normalize(img, dim=-1).shape == img.shape
