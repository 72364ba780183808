from typing import Dict, Type

import torch
import torch.nn.functional as F
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS
from mmseg.utils import SampleList
from torch import Tensor


class _Confidences:
    """Plays mmseg's pixel sampler for one loss call: the weights it returns are the samples'
    confidence maps (B, H, W), zero-padded to the label size like the labels themselves."""

    def __init__(self, samples: SampleList):
        self.samples = samples

    def sample(self, seg_logits: Tensor, seg_label: Tensor) -> Tensor:
        h, w = seg_label.shape[-2:]
        maps = []
        for sample in self.samples:
            if 'gt_confidence' not in sample:
                raise KeyError('data sample without gt_confidence: add LoadConfidenceMap and '
                               'PackSegInputsWithConfidence to the training pipeline')
            conf = sample.gt_confidence.data[0].to(seg_logits.device, torch.float32)
            maps.append(F.pad(conf, (0, w - conf.shape[1], 0, h - conf.shape[0])))
        return torch.stack(maps)


class ConfidenceGuided:
    """Mixin for a decode head: its ``loss_decode`` modules receive the samples' confidence
    maps as ``weight`` (mmseg's per-pixel weight argument)."""

    def loss_by_feat(self, seg_logits: Tensor, batch_data_samples: SampleList) -> dict:
        self.sampler = _Confidences(batch_data_samples)
        try:
            return super().loss_by_feat(seg_logits, batch_data_samples)
        finally:
            self.sampler = None


_HEADS: Dict[type, Type] = {}


@MODELS.register_module()
def ConfidenceGuidedHead(head_type: str, **head_cfg) -> BaseDecodeHead:
    """Build any mmseg decode head (``head_type`` with its arguments) whose losses are handed
    the pixels' confidence (CLIP-ES eq. 9 with ``ConfidenceGuidedCELoss``); its weights and
    forward are the head's own, e.g.
    ``dict(type='ConfidenceGuidedHead', head_type='ASPPV2Head', ..., loss_decode=dict(type='ConfidenceGuidedCELoss'))``.
    """
    if head_cfg.get('sampler') is not None:
        raise ValueError('ConfidenceGuidedHead passes the confidence through the pixel-sampler slot: no sampler')
    cls = MODELS.get(head_type)
    if cls is None or not issubclass(cls, BaseDecodeHead):
        raise ValueError(f'{head_type!r} is not a registered mmseg decode head')
    if cls not in _HEADS:
        _HEADS[cls] = type(f'ConfidenceGuided{cls.__name__}', (ConfidenceGuided, cls), {})
    return _HEADS[cls](**head_cfg)
