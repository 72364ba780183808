"""Performance switches change memory layout or precision, not results."""
import pytest
import torch
from dist_utils import run_distributed
from helpers import tiny_pretrain_cfg
from mmengine.runner import Runner
from mmengine.structures import PixelData
from mmseg.registry import RUNNERS
from mmseg.structures import SegDataSample
from torch import nn

from mmseg_textsup.engine.loops.autocast_test_loop import _to_float32
from mmseg_textsup.engine.runner import to_channels_last


def _conv_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.Conv2d(8, 4, 3, padding=1))


def test_channels_last_weights_keep_outputs():
    model = _conv_net().eval()
    x = torch.randn(2, 3, 16, 12)
    before = model(x)
    assert to_channels_last(model) == 2
    assert all(m.weight.is_contiguous(memory_format=torch.channels_last) and not m.weight.is_contiguous()
               for m in model if isinstance(m, nn.Conv2d))
    after = model(x)  # an NCHW input: the channels-last weights carry the format through
    assert after.is_contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(after, before, rtol=1e-5, atol=1e-5)


@pytest.mark.slow
def test_channels_last_runner_converts_before_the_model_is_wrapped(tmp_path, monkeypatch):
    seen = []
    original = Runner.wrap_model

    def spy(self, wrapper_cfg, model):
        seen.append([p.is_contiguous(memory_format=torch.channels_last) for p in model.parameters() if p.dim() == 4])
        return original(self, wrapper_cfg, model)

    monkeypatch.setattr(Runner, 'wrap_model', spy)
    cfg = tiny_pretrain_cfg(tmp_path)
    cfg.runner_type = 'ChannelsLastRunner'
    runner = RUNNERS.build(cfg)
    assert seen and seen[0] and all(seen[0])  # the patch embedding, already converted when wrapped
    conv = runner.model.backbone.visual.conv1.weight
    assert conv.is_contiguous(memory_format=torch.channels_last) and not conv.is_contiguous()


def _ddp_grads(rank, world_size, x):
    model = _conv_net()
    to_channels_last(model)  # before wrapping, as ChannelsLastRunner does
    ddp = nn.parallel.DistributedDataParallel(model)
    ddp(x[rank::world_size]).square().mean().backward()
    return tuple(p.grad for p in model.parameters())


@pytest.mark.slow
def test_channels_last_before_ddp_gives_the_single_process_gradients():
    x = torch.randn(4, 3, 8, 8)
    reference = _conv_net()
    # DDP averages the ranks' mean losses; rank r holds x[r::2]
    (reference(x[0::2]).square().mean() + reference(x[1::2]).square().mean()).div(2).backward()
    for grads in run_distributed(_ddp_grads, 2, (x, )):
        for g, p in zip(grads, reference.parameters()):
            torch.testing.assert_close(torch.from_numpy(g), p.grad, rtol=1e-4, atol=1e-6)


def test_autocast_predictions_reach_the_evaluator_in_float32():
    logits = torch.randn(3, 4, 5).bfloat16()
    sample = SegDataSample(seg_logits=PixelData(data=logits), pred_sem_seg=PixelData(data=torch.zeros(1, 4, 5).long()))
    sample = _to_float32(sample)
    assert sample.seg_logits.data.dtype == torch.float32 and sample.pred_sem_seg.data.dtype == torch.long
    torch.testing.assert_close(sample.seg_logits.data, logits.float())
