from typing import Sequence

from mmcv.cnn import ConvModule
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class ASPPV2Head(BaseDecodeHead):
    """DeepLabv2's atrous spatial pyramid pooling: parallel dilated convolutions, summed.

    Paper: DeepLab: Semantic Image Segmentation with Deep Convolutional Nets, Atrous
    Convolution, and Fully Connected CRFs, https://arxiv.org/abs/1606.00915.
    Unlike mmseg's ``ASPPHead`` (DeepLabv3: concatenation, image pooling), the branches are
    added. Each branch is a ``ConvModule`` (a 1x1 convolution for dilation 1, else 3x3) with
    the head's ``norm_cfg`` and ``act_cfg``: conv + BN + ReLU as the official MaskCLIP+
    ``ASPPHeadV2``; with ``norm_cfg=None, act_cfg=None`` a plain convolution with bias, the
    original DeepLabv2 (and CLIP-ES's deeplab-pytorch). The branches map to ``channels``;
    ``cls_seg`` (``conv_seg``, replaced by a text-embedding classifier in MaskCLIP+) gives the
    class logits.

    ``forward()``: sum(branch_d(x) for d in dilations) -> cls_seg()

    Args:
        dilations (Sequence[int]): dilation of every branch. Defaults to (6, 12, 18, 24).
        **kwargs: :class:`BaseDecodeHead` arguments (``in_channels``, ``channels``,
            ``num_classes``, ``norm_cfg``, ``act_cfg``, ``dropout_ratio``, ...).
    """

    def __init__(self, dilations: Sequence[int] = (6, 12, 18, 24), **kwargs):
        kwargs.setdefault('init_cfg', [
            dict(type='Normal', std=0.01, override=dict(name='branches')),
            dict(type='Normal', std=0.01, override=dict(name='conv_seg')),
        ])
        super().__init__(**kwargs)
        self.dilations = tuple(dilations)
        self.branches = nn.ModuleList(
            ConvModule(self.in_channels, self.channels, 1 if d == 1 else 3, padding=0 if d == 1 else d, dilation=d,
                       conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg, act_cfg=self.act_cfg) for d in self.dilations)

    def forward(self, inputs) -> Tensor:
        x = self._transform_inputs(inputs)
        return self.cls_seg(sum(branch(x) for branch in self.branches))
