import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Store the model's 4-D weights channels-last (NHWC), so convolutions run in that format.

    A convolution whose weight is channels-last returns channels-last outputs whatever its
    input's layout, so converting the weights once is enough; the maths is unchanged. Selected
    by ``tools/train.py`` / ``tools/test.py --channels-last``. It pays off for convolutional
    networks (DeepLabv2-R101, ModifiedResNet, Swin's patch embeddings matter little): on a
    2-core CPU the MaskCLIP+ student (DeepLabv2-R101) trains 7 % and infers 26 % faster
    (docs/benchmarks.md); on GPUs with bf16 / fp16 tensor cores the gain is usually larger.
    With DDP the weights change layout after the wrapper built its gradient buckets: PyTorch
    then copies each gradient into its bucket (correct, slightly slower; it warns once).
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        count = sum(p.dim() == 4 for p in model.parameters())
        model.to(memory_format=torch.channels_last)
        print_log(f'channels_last: {count} 4-D weights stored channels-last', 'current')
