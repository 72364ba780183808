import torch
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmseg.registry import RUNNERS
from torch import nn


def to_channels_last(model: nn.Module) -> int:
    """Store the 4-D weights of ``model`` channels-last (NHWC) in place; returns how many."""
    count = sum(p.dim() == 4 for p in model.parameters())
    model.to(memory_format=torch.channels_last)
    return count


@RUNNERS.register_module()
class ChannelsLastRunner(Runner):
    """MMEngine's Runner with the model's 4-D weights stored channels-last before it is wrapped.

    A convolution whose weight is channels-last returns channels-last outputs whatever its
    input's layout, so converting the weights once is enough; the maths is unchanged. Selected
    by ``tools/train.py`` / ``tools/test.py --channels-last``. It pays off for convolutional
    networks: on a 2-core CPU the MaskCLIP+ student (DeepLabv2-R101) trains 5 % and infers 26 %
    faster (docs/benchmarks.md); on GPUs with bf16 / fp16 tensor cores the gain is usually larger.

    The conversion has to happen here, before DDP is built: DDP lays out its gradient buckets
    after the parameters it is given, and converting the weights of an already wrapped model
    gives wrong averaged gradients (measured with gloo: off by up to 0.02 on a 2-layer conv
    net), so a hook cannot do it.
    """

    def wrap_model(self, model_wrapper_cfg, model):
        if not is_model_wrapper(model):
            count = to_channels_last(model)
            print_log(f'channels_last: {count} 4-D weights stored channels-last', 'current')
        return super().wrap_model(model_wrapper_cfg, model)
