"""Performance switches change memory layout or precision, not results."""
from types import SimpleNamespace

import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample
from torch import nn

from mmseg_textsup.engine.hooks import ChannelsLastHook
from mmseg_textsup.engine.loops.autocast_test_loop import _to_float32


def test_channels_last_hook_converts_weights_and_keeps_outputs():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.Conv2d(8, 4, 1)).eval()
    x = torch.randn(2, 3, 16, 12)
    before = model(x)
    ChannelsLastHook().before_run(SimpleNamespace(model=model))
    convs = [m.weight for m in model if isinstance(m, nn.Conv2d)]
    assert all(w.is_contiguous(memory_format=torch.channels_last) for w in convs)
    assert not convs[0].is_contiguous()  # the 3x3 kernel really changed layout (a 1x1 one is both)
    after = model(x)  # an NCHW input: the channels-last weights carry the format through
    assert after.is_contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(after, before, rtol=1e-5, atol=1e-5)


def test_autocast_predictions_reach_the_evaluator_in_float32():
    logits = torch.randn(3, 4, 5).bfloat16()
    sample = SegDataSample(seg_logits=PixelData(data=logits), pred_sem_seg=PixelData(data=torch.zeros(1, 4, 5).long()))
    sample = _to_float32(sample)
    assert sample.seg_logits.data.dtype == torch.float32 and sample.pred_sem_seg.data.dtype == torch.long
    torch.testing.assert_close(sample.seg_logits.data, logits.float())
