from typing import Dict, Optional

import torch
from mmseg.models.segmentors.base import BaseSegmentor
from mmseg.registry import MODELS
from mmseg.utils import OptSampleList, SampleList
from torch import Tensor

from ..segmentors.image_text_pretrainer import ImageTextPretrainer


@MODELS.register_module()
class SegCLIPPretrainer(ImageTextPretrainer):
    """SegCLIP: CLIP with a semantic group module, pre-trained with contrastive, MAE
    reconstruction and superpixel KL losses (https://arxiv.org/abs/2211.14813).

    Call graph::

        loss(): backbone.forward_features('global', 'assignment')   # SegCLIPVision
                  -> CLIPContrastiveLoss(max-pooled regions, text EOT feature)
                  -> SuperpixelKLLoss(assignment, data_samples[i].superpixels)
                reconstruction(backbone, inputs)               # second pass, 25 % visible
                  -> backbone.group_patches(keep) -> restore -> extra layers -> MAE decoder
        predict(): as ImageTextPretrainer, with SegCLIPZeroShot
                   -> forward_features('global', 'regions', 'probs') -> per-pixel region
                      -> region-class affinities (image top-5 filter) + background channel
                   -> postprocess_result(): the scores as they are (no softmax / threshold)

    Leaving out a loss (``reconstruction=None`` / ``superpixel_kl=None``) gives the paper's
    ablation rows (Table 1).

    Args:
        backbone (dict): a :class:`SegCLIPVision`.
        reconstruction (dict, optional): :class:`SegCLIPReconstructionLoss`; its ``width``,
            ``patch_size`` and ``num_centers`` come from the image encoder. None: not used.
        superpixel_kl (dict, optional): :class:`SuperpixelKLLoss`; needs ``superpixels`` in
            the data samples (the ``Superpixels`` transform). None: not used.
        zero_shot (dict): defaults to :class:`SegCLIPZeroShot`.
        **kwargs: :class:`ImageTextPretrainer` arguments.
    """

    def __init__(self,
                 backbone: dict,
                 reconstruction: Optional[dict] = dict(type='SegCLIPReconstructionLoss'),
                 superpixel_kl: Optional[dict] = dict(type='SuperpixelKLLoss'),
                 zero_shot: dict = dict(type='SegCLIPZeroShot'),
                 **kwargs):
        super().__init__(backbone=backbone, zero_shot=zero_shot, **kwargs)
        self.reconstruction = None
        if reconstruction is not None:
            self.reconstruction = MODELS.build(
                reconstruction,
                default_args=dict(width=self.backbone.width, patch_size=self.backbone.patch_size,
                                  num_centers=self.backbone.group.num_centers))
        self.superpixel_kl = MODELS.build(superpixel_kl) if superpixel_kl is not None else None

    @property
    def out_channels(self) -> int:
        """With a background threshold the zero-shot scores hold the background channel."""
        return self.text_encoder.num_classes + (self.bg_threshold is not None)

    def postprocess_result(self, seg_logits: Tensor, data_samples: OptSampleList = None) -> SampleList:
        """The zero-shot scores already hold the background channel (official read-out)."""
        return BaseSegmentor.postprocess_result(self, seg_logits, data_samples)

    def loss(self, inputs: Tensor, data_samples: SampleList) -> Dict[str, Tensor]:
        outputs = ('global', 'assignment') if self.superpixel_kl is not None else ('global', )
        image = self.backbone.forward_features(inputs, outputs)
        text = self.encode_captions(data_samples)['global']
        losses = {self.loss_module.loss_name: self.loss_module(image['global'], text)}
        if self.superpixel_kl is not None:
            if not all('superpixels' in s for s in data_samples):
                raise KeyError('superpixel_kl needs data_samples[i].superpixels: add the Superpixels transform '
                               'to the training pipeline (or set superpixel_kl=None).')
            superpixels = torch.stack([s.superpixels for s in data_samples])
            grid = (inputs.shape[2] // self.backbone.patch_size, inputs.shape[3] // self.backbone.patch_size)
            losses[self.superpixel_kl.loss_name] = self.superpixel_kl(image['assignment'], superpixels, grid)
        if self.reconstruction is not None:
            losses[self.reconstruction.loss_name] = self.reconstruction(self.backbone, inputs)
        losses['logit_scale'] = self.logit_scale().detach()
        return losses
