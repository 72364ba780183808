from typing import Dict, List, Literal, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.config import ConfigDict
from mmseg.models.segmentors import EncoderDecoder
from mmseg.models.segmentors.base import BaseSegmentor
from mmseg.registry import MODELS
from mmseg.utils import OptSampleList, SampleList
from torch import Tensor

from ...prompts import get_templates
from ...vocabularies import VocabularyLike, load_vocabulary
from ..text_encoders.prompt_ensemble import prompt_ensemble, reduce_synonyms
from .open_vocab_encoder_decoder import apply_background_rule


@MODELS.register_module()
class ImageTextPretrainer(BaseSegmentor):
    """Image-text pre-training with zero-shot segmentation as validation.

    One runner trains on image-caption batches and validates zero-shot mIoU on a
    segmentation dataset: ``loss()`` consumes pairs (``data_samples[i].text_tokens``),
    ``predict()`` segments images through a paper-specific zero-shot strategy.
    Subclasses (SimSeg, SegCLIP, S-Seg) override :meth:`loss` and supply a strategy.

    Call graph::

        loss(): image_encoder(global) + text_encoder(global) -> contrastive loss
        predict(): inference() -> whole/slide (mmseg's) -> encode_decode()
                     -> zero_shot(model, crop) -> classify() -> class_embeddings()
                   -> postprocess_result() -> apply_background_rule() -> argmax
        _forward(): encode_decode()

    Class embeddings are computed by the (trainable) text encoder with a prompt ensemble,
    cached, and recomputed only after a training step or a weight load changed the tower.

    Args:
        image_encoder (dict): image tower, e.g. ``OpenCLIPVision(frozen=False)``.
        text_encoder (dict): text tower, e.g. ``OpenCLIPText``.
        loss (dict): contrastive loss holding the learnable temperature.
        zero_shot (dict): zero-shot segmentation strategy. Defaults to ``MaskClipZeroShot``.
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
                 image_encoder: dict,
                 text_encoder: dict,
                 loss: dict = dict(type='ClipContrastiveLoss'),
                 zero_shot: dict = dict(type='MaskClipZeroShot'),
                 vocabulary: VocabularyLike = 'voc21',
                 templates: Union[str, Sequence[str]] = 'single',
                 synonym_fusion: Literal['max', 'mean'] = 'max',
                 bg_threshold: Optional[float] = None,
                 bg_index: int = 0,
                 data_preprocessor: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.image_encoder = MODELS.build(image_encoder)
        self.text_encoder = MODELS.build(text_encoder)
        self.loss_module = MODELS.build(loss)
        self.zero_shot = MODELS.build(zero_shot)
        self.templates = get_templates(templates)
        self.synonym_fusion = synonym_fusion
        self.bg_threshold = bg_threshold
        self.bg_index = bg_index
        self.test_cfg = ConfigDict(test_cfg if test_cfg is not None else dict(mode='whole'))
        self.align_corners = False
        self._class_cache = None
        self.set_vocabulary(vocabulary)

    # ----------------------------------------------------------- vocabulary
    def set_vocabulary(self, vocabulary: VocabularyLike) -> None:
        self.vocabulary = load_vocabulary(vocabulary)
        self.num_classes = self.out_channels = len(self.vocabulary)
        self._invalidate()

    def _invalidate(self) -> None:
        self._class_cache = None

    def _load_from_state_dict(self, *args, **kwargs):
        self._invalidate()  # loaded weights make cached class embeddings stale
        super()._load_from_state_dict(*args, **kwargs)

    @property
    def class_names(self) -> List[str]:
        names = [n[0] for n in self.vocabulary]
        if self.bg_threshold is not None:
            names.insert(self.bg_index, 'background')
        return names

    def logit_scale(self) -> Tensor:
        return self.loss_module.temperature()

    @torch.no_grad()
    def _encode_prompts(self, prompts: List[str]) -> Tensor:
        return self.text_encoder(self.text_encoder.tokenize(prompts))['global']

    def class_embeddings(self):
        """(embeddings, owner) of the current vocabulary, cached until the text tower changes."""
        if self._class_cache is None:
            self._class_cache = prompt_ensemble(self._encode_prompts, self.vocabulary, self.templates,
                                                self.synonym_fusion)
        return self._class_cache

    def classify(self, features: Tensor) -> Tensor:
        """Cosine scores (B, K, ...) of features (B, D, ...) against every class."""
        emb, owner = self.class_embeddings()
        feats = F.normalize(features, dim=1)
        scores = torch.einsum('bd...,kd->bk...', feats, emb.to(feats))
        return reduce_synonyms(scores, owner, self.num_classes, dim=1)

    # ------------------------------------------------------------- training
    @staticmethod
    def text_tokens(data_samples: SampleList) -> Tensor:
        return torch.stack([s.text_tokens for s in data_samples])

    def loss(self, inputs: Tensor, data_samples: SampleList) -> Dict[str, Tensor]:
        """CLIP contrastive loss of an image-caption batch."""
        self._invalidate()  # the towers are about to change
        image = self.image_encoder.forward_features(inputs, ('global', ))['global']
        text = self.text_encoder(self.text_tokens(data_samples).to(inputs.device))['global']
        loss = self.loss_module(image, text)
        return {self.loss_module.loss_name: loss, 'logit_scale': self.logit_scale().detach()}

    # ------------------------------------------------------------ inference
    def extract_feat(self, inputs: Tensor):
        return self.image_encoder(inputs)

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
