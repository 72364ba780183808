import math

import torch
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class LearnableTemperature(BaseModule):
    """CLIP's learnable logit scale ``exp(s)``, clamped at ``max_scale``.

    Args:
        init_temperature (float): initial temperature (scale = 1 / temperature).
            Defaults to 0.07.
        max_scale (float): clamp of the scale. Defaults to 100.
        learnable (bool): train it. Defaults to True.
    """

    def __init__(self, init_temperature: float = 0.07, max_scale: float = 100.0, learnable: bool = True):
        super().__init__()
        self.log_scale = nn.Parameter(torch.tensor(math.log(1.0 / init_temperature)), requires_grad=learnable)
        self.max_scale = max_scale

    def forward(self) -> Tensor:
        return self.log_scale.exp().clamp(max=self.max_scale)
