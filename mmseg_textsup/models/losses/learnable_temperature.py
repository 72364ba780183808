import math

import torch
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class LearnableTemperature(BaseModule):
    """A learnable logit scale (1 / temperature), clamped to [``min_scale``, ``max_scale``].

    Args:
        init_temperature (float): initial temperature (scale = 1 / temperature).
            Defaults to 0.07.
        max_scale (float): upper clamp of the scale. Defaults to 100.
        learnable (bool): train it. Defaults to True.
        parameter (str): what is learnt: ``'log_scale'`` (CLIP: s, scale = exp(s)) or
            ``'tau'`` (the temperature itself, scale = 1 / tau: SimSeg's official NCE loss).
            Defaults to ``'log_scale'``.
        min_scale (float): lower clamp of the scale. Defaults to 0 (none).
    """

    def __init__(self,
                 init_temperature: float = 0.07,
                 max_scale: float = 100.0,
                 learnable: bool = True,
                 parameter: str = 'log_scale',
                 min_scale: float = 0.0):
        super().__init__()
        if parameter not in ('log_scale', 'tau'):
            raise ValueError(f"parameter must be 'log_scale' or 'tau', got {parameter!r}")
        self.parameter = parameter
        value = math.log(1.0 / init_temperature) if parameter == 'log_scale' else init_temperature
        self.register_parameter(parameter, nn.Parameter(torch.tensor(value), requires_grad=learnable))
        self.max_scale, self.min_scale = max_scale, min_scale

    def forward(self) -> Tensor:
        if self.parameter == 'log_scale':
            return self.log_scale.exp().clamp(min=self.min_scale, max=self.max_scale)
        upper = 1.0 / self.min_scale if self.min_scale > 0 else float('inf')
        return 1.0 / self.tau.clamp(min=1.0 / self.max_scale, max=upper)
