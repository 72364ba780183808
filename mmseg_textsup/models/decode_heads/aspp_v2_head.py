from typing import Sequence

import torch.nn as nn
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class ASPPV2Head(BaseDecodeHead):
    """DeepLabv2's atrous spatial pyramid pooling: parallel dilated 3x3 convolutions, summed.

    Paper: DeepLab: Semantic Image Segmentation with Deep Convolutional Nets, Atrous
    Convolution, and Fully Connected CRFs, https://arxiv.org/abs/1606.00915.
    Unlike mmseg's ``ASPPHead`` (DeepLabv3: concatenation, BN, image pooling), each branch
    is a single linear dilated convolution and the branches are added. The branches map to
    ``channels``; ``cls_seg`` (``conv_seg``, replaced by a text-embedding classifier in
    MaskCLIP+ with ``channels`` = the CLIP embedding size) gives the class logits.

    ``forward()``: sum(branch_d(x) for d in dilations) -> cls_seg()

    Args:
        dilations (Sequence[int]): dilation of every branch. Defaults to (6, 12, 18, 24).
        **kwargs: :class:`BaseDecodeHead` arguments (``in_channels``, ``channels``,
            ``num_classes``, ``in_index``, ``dropout_ratio``, ...).
    """

    def __init__(self, dilations: Sequence[int] = (6, 12, 18, 24), **kwargs):
        kwargs.setdefault('init_cfg', [
            dict(type='Normal', std=0.01, override=dict(name='branches')),
            dict(type='Normal', std=0.01, override=dict(name='conv_seg')),
        ])
        super().__init__(**kwargs)
        self.dilations = tuple(dilations)
        self.branches = nn.ModuleList(
            nn.Conv2d(self.in_channels, self.channels, 3, padding=d, dilation=d) for d in self.dilations)

    def forward(self, inputs) -> Tensor:
        x = self._transform_inputs(inputs)
        return self.cls_seg(sum(branch(x) for branch in self.branches))
