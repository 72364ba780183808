"""A test loop that runs the model under ``torch.autocast`` with a chosen dtype (bf16 by default)."""
from typing import Sequence

import torch
from mmengine.device import get_device
from mmengine.logging import print_log
from mmengine.runner import TestLoop
from mmengine.runner.loops import _update_losses
from mmseg.registry import LOOPS


@LOOPS.register_module()
class AutocastTestLoop(TestLoop):
    """MMEngine's TestLoop with autocast in ``dtype`` instead of its fixed fp16 switch.

    ``tools/test.py --amp bf16`` selects it. bf16 keeps fp32's range, so the CLIP logit scale
    (100) and CLIP-ES's GradCAM gradients need no loss scaling; matmuls and convolutions run in
    bf16, reductions and softmax in fp32 (autocast's op lists). Predictions are float32 again
    before they reach the evaluator.

    Args:
        runner (Runner): the runner.
        dataloader (DataLoader | dict): the test dataloader.
        evaluator (Evaluator | dict | list): the metrics.
        dtype (str): autocast dtype, 'bfloat16' or 'float16'. Defaults to 'bfloat16'.
    """

    def __init__(self, runner, dataloader, evaluator, dtype: str = 'bfloat16'):
        super().__init__(runner, dataloader, evaluator, fp16=False)
        if dtype not in ('bfloat16', 'float16'):
            raise ValueError(f"autocast dtype must be 'bfloat16' or 'float16', got {dtype!r}")
        self.dtype = getattr(torch, dtype)
        print_log(f'testing under torch.autocast({get_device()}, {dtype})', 'current')

    @torch.no_grad()
    def run_iter(self, idx, data_batch: Sequence[dict]) -> None:
        self.runner.call_hook('before_test_iter', batch_idx=idx, data_batch=data_batch)
        with torch.autocast(device_type=get_device(), dtype=self.dtype):
            outputs = self.runner.model.test_step(data_batch)
        outputs = [_to_float32(sample) for sample in outputs]
        outputs, self.test_loss = _update_losses(outputs, self.test_loss)
        self.evaluator.process(data_samples=outputs, data_batch=data_batch)
        self.runner.call_hook('after_test_iter', batch_idx=idx, data_batch=data_batch, outputs=outputs)


def _to_float32(sample):
    """Cast the half-precision pixel fields of a data sample (seg_logits, confidence, ...) to float32."""
    for key in sample.keys():
        field = getattr(sample, key)
        data = getattr(field, 'data', None)
        if isinstance(data, torch.Tensor) and data.dtype in (torch.bfloat16, torch.float16):
            field.data = data.float()
    return sample
