from typing import Dict, List, Literal, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.config import ConfigDict
from mmseg.models.segmentors import EncoderDecoder
from mmseg.models.segmentors.base import BaseSegmentor
from mmseg.registry import MODELS
from mmseg.utils import OptSampleList, SampleList
from torch import Tensor

from ...vocabularies import VocabularyLike
from .open_vocab_encoder_decoder import apply_background_rule


@MODELS.register_module()
class ImageTextPretrainer(BaseSegmentor):
    """Image-text pre-training with zero-shot segmentation as validation.

    One runner trains on image-caption batches and validates zero-shot mIoU on a
    segmentation dataset: ``loss()`` consumes pairs (``data_samples[i].text_tokens``),
    ``predict()`` segments images through a paper-specific zero-shot strategy.
    Subclasses (SimSeg, SegCLIP, S-Seg) override :meth:`loss` and supply a strategy.

    Call graph::

        loss(): backbone(global) + text_encoder.encode(captions) -> contrastive loss
        predict(): inference() -> whole/slide (mmseg's) -> encode_decode()
                     -> zero_shot(model, crop) -> text_encoder(features)   # class scores
                   -> postprocess_result() -> apply_background_rule() -> argmax
        _forward(): encode_decode()

    ``text_encoder`` is an :class:`OpenCLIPTextClassifier` around the trainable tower of the
    ``text_tower`` config: captions go through its :meth:`encode`, class
    prompts through its cached prompt ensemble, recomputed after a training step or a
    weight load changed the tower.

    Args:
        backbone (dict): image tower, e.g. ``OpenCLIPVision(frozen=False)``.
        text_tower (dict): the trainable text tower, e.g. ``OpenCLIPText``.
        loss (dict): contrastive loss holding the learnable temperature.
        zero_shot (dict): zero-shot segmentation strategy. Defaults to ``MaskCLIPZeroShot``.
        vocabulary (str | list): classes of the validation dataset. Defaults to ``'voc21'``.
        templates (str | list[str]): prompt templates. Defaults to ``'single'``.
        synonym_fusion (str): ``'max'`` or ``'mean'``. Defaults to ``'max'``.
        bg_threshold (float, optional): background probability threshold (vocabulary
            without background). Defaults to None.
        bg_index (int): label of the inserted background. Defaults to 0.
        data_preprocessor (dict, optional): ``SegDataPreProcessor`` config.
        test_cfg (dict, optional): ``dict(mode='whole')`` or slide settings.
        init_cfg (dict, optional): MMEngine init config.
    """

    # mmseg's whole / sliding-window inference, driven by encode_decode() and test_cfg
    inference = EncoderDecoder.inference
    whole_inference = EncoderDecoder.whole_inference
    slide_inference = EncoderDecoder.slide_inference

    def __init__(self,
                 backbone: dict,
                 text_tower: dict,
                 loss: dict = dict(type='CLIPContrastiveLoss'),
                 zero_shot: dict = dict(type='MaskCLIPZeroShot'),
                 vocabulary: VocabularyLike = 'voc21',
                 templates: Union[str, Sequence[str]] = 'single',
                 synonym_fusion: Literal['max', 'mean'] = 'max',
                 bg_threshold: Optional[float] = None,
                 bg_index: int = 0,
                 data_preprocessor: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.loss_module = MODELS.build(loss)
        self.text_encoder = MODELS.build(
            dict(type='OpenCLIPTextClassifier', tower=text_tower, vocabulary=vocabulary, templates=templates,
                 synonym_fusion=synonym_fusion, **self.classifier_options()))
        self.zero_shot = MODELS.build(zero_shot)
        self.bg_threshold = bg_threshold
        self.bg_index = bg_index
        self.test_cfg = ConfigDict(test_cfg if test_cfg is not None else dict(mode='whole'))
        self.align_corners = False
        self.num_classes = self.text_encoder.num_classes

    def classifier_options(self) -> dict:
        """Extra :class:`OpenCLIPTextClassifier` arguments of a subclass (SimSeg's token pooling)."""
        return {}

    # ----------------------------------------------------------- vocabulary
    def set_vocabulary(self, vocabulary: VocabularyLike) -> None:
        self.text_encoder.set_vocabulary(vocabulary)
        self.num_classes = self.text_encoder.num_classes

    @property
    def out_channels(self) -> int:
        """Channels of ``encode_decode()``'s scores (the sliding-window buffer's)."""
        return self.text_encoder.num_classes

    @property
    def class_names(self) -> List[str]:
        names = list(self.text_encoder.class_names)
        if self.bg_threshold is not None:
            names.insert(self.bg_index, 'background')
        return names

    def logit_scale(self) -> Tensor:
        return self.loss_module.temperature()

    # ------------------------------------------------------------- training
    @staticmethod
    def text_tokens(data_samples: SampleList) -> Tensor:
        return torch.stack([s.text_tokens for s in data_samples])

    def encode_captions(self, data_samples: SampleList, return_tokens: bool = False) -> Dict[str, Tensor]:
        """The text tower's output for the batch's tokenised captions (training path)."""
        tokens = self.text_tokens(data_samples).to(next(self.text_encoder.parameters()).device)
        return self.text_encoder.encode(tokens, return_tokens)

    def loss(self, inputs: Tensor, data_samples: SampleList) -> Dict[str, Tensor]:
        """CLIP contrastive loss of an image-caption batch."""
        image = self.backbone.forward_features(inputs, ('global', ))['global']
        loss = self.loss_module(image, self.encode_captions(data_samples)['global'])
        return {self.loss_module.loss_name: loss, 'logit_scale': self.logit_scale().detach()}

    # ------------------------------------------------------------ inference
    def extract_feat(self, inputs: Tensor):
        return self.backbone(inputs)

    def encode_decode(self, inputs: Tensor, batch_img_metas: List[dict]) -> Tensor:
        logits = self.zero_shot(self, inputs)
        return F.interpolate(logits, size=batch_img_metas[0]['img_shape'], mode='bilinear', align_corners=False)

    def predict(self, inputs: Tensor, data_samples: OptSampleList = None) -> SampleList:
        if data_samples is not None:
            batch_img_metas = [s.metainfo for s in data_samples]
        else:
            batch_img_metas = [dict(ori_shape=inputs.shape[2:], img_shape=inputs.shape[2:],
                                    pad_shape=inputs.shape[2:], padding_size=[0, 0, 0, 0])] * inputs.shape[0]
        seg_logits = self.inference(inputs, batch_img_metas)
        return self.postprocess_result(seg_logits, data_samples)

    def postprocess_result(self, seg_logits: Tensor, data_samples: OptSampleList = None) -> SampleList:
        scores = apply_background_rule(seg_logits, self.bg_threshold, self.bg_index)
        return super().postprocess_result(scores, data_samples)

    def _forward(self, inputs: Tensor, data_samples: OptSampleList = None) -> Tensor:
        return self.zero_shot(self, inputs)
