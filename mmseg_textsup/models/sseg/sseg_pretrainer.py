from typing import Dict

import torch
from mmseg.registry import MODELS
from mmseg.utils import SampleList
from torch import Tensor

from ..segmentors.image_text_pretrainer import ImageTextPretrainer


@MODELS.register_module()
class SSegPretrainer(ImageTextPretrainer):
    """S-Seg: a MaskFormer without class head trained from pseudo masks and captions
    (https://arxiv.org/abs/2401.16760). Written from the paper; no official code exists.

    Call graph::

        loss(): pseudo_masks(inputs)            # frozen ViT + batched K-means, no grad
                backbone.forward_features('masks', 'global')   # SSegMaskFormer
                  -> mask_loss(masks, pseudo masks)   # every decoder layer: Hungarian on mask cost, dice + focal
                text_encoder(tokens)             # from scratch, 2-layer MLP projection
                  -> CLIPContrastiveLoss(global, text)   # learnable temperature, all ranks
        predict(): as ImageTextPretrainer, with SSegZeroShot
                   -> forward_features('masks', 'mask_embeddings') -> classify -> combine

    The pseudo-mask generator is a plain attribute: not a submodule, so it has no
    parameters in the optimizer, no DDP synchronisation and no checkpoint entry (its weights
    come from its own file in ``init_weights``); it follows ``.to()`` and stays in eval mode.
    It sees the model's normalised batch: configs give both the same mean / std.

    Args:
        pseudo_masks (dict): :class:`PseudoMaskGenerator`.
        mask_loss (dict): defaults to :class:`MaskMatchingLoss` (dice 1, focal 20).
        zero_shot (dict): defaults to :class:`SSegZeroShot`.
        **kwargs: :class:`ImageTextPretrainer` arguments (``backbone`` =
            :class:`SSegMaskFormer`, ``text_tower`` = :class:`MLPProjectedText`).
    """

    def __init__(self,
                 pseudo_masks: dict,
                 mask_loss: dict = dict(type='MaskMatchingLoss'),
                 zero_shot: dict = dict(type='SSegZeroShot'),
                 **kwargs):
        super().__init__(zero_shot=zero_shot, **kwargs)
        self.mask_loss = MODELS.build(mask_loss)
        object.__setattr__(self, 'pseudo_masks', MODELS.build(pseudo_masks))

    def _apply(self, fn, *args, **kwargs):
        super()._apply(fn, *args, **kwargs)
        self.pseudo_masks._apply(fn, *args, **kwargs)
        return self

    def init_weights(self):
        super().init_weights()
        self.pseudo_masks.init_weights()

    def loss(self, inputs: Tensor, data_samples: SampleList) -> Dict[str, Tensor]:
        with torch.no_grad():
            pseudo = self.pseudo_masks(inputs)
        image = self.backbone.forward_features(inputs, ('masks', 'aux_masks', 'global'))
        text = self.encode_captions(data_samples)['global']
        return {  # every decoder layer's masks are matched and supervised (MaskFormer)
            self.mask_loss.loss_name: sum(self.mask_loss(m, pseudo) for m in [image['masks']] + image['aux_masks']),
            self.loss_module.loss_name: self.loss_module(image['global'], text),
            'logit_scale': self.logit_scale().detach(),
        }
