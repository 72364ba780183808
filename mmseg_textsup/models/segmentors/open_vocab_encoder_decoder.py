from typing import Callable, Optional

import torch
import torch.nn.functional as F
from mmengine.config import ConfigDict
from mmengine.structures import PixelData
from mmseg.models.segmentors import EncoderDecoder
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from mmseg.utils import OptSampleList, SampleList
from torch import Tensor


def apply_background_rule(logits: Tensor,
                          bg_threshold: Optional[float] = None,
                          bg_index: int = 0,
                          vocabulary_has_background: bool = False,
                          area_threshold: Optional[float] = None,
                          fuse: Optional[Callable[[Tensor], Tensor]] = None) -> Tensor:
    """Turn class logits (B, K, H, W) into probabilities with a background rule.

    - The softmax over the channels; ``fuse`` then maps them to classes (SCLIP: a class is
      the max of its synonyms' probabilities, :meth:`OpenCLIPTextClassifier.fuse_probabilities`).
    - No threshold: a background class in the vocabulary (for instance SCLIP's 26 stuff
      words) competes like any other class.
    - ``bg_threshold`` with a foreground-only vocabulary: a background channel holding the
      threshold is inserted at ``bg_index``, so the argmax is background exactly where no
      class reaches the threshold.
    - ``bg_threshold`` with ``vocabulary_has_background``: where no class reaches the
      threshold, the background channel ``bg_index`` is set to 1 (SCLIP's rule).
    - ``area_threshold`` (SCLIP, with ``vocabulary_has_background``): before the threshold,
      every non-background class whose argmax area is at most this fraction of the image's
      non-background area gets probability 0.
    """
    probs = logits.softmax(dim=1)
    if fuse is not None:
        probs = fuse(probs)
    if area_threshold is not None:
        if not vocabulary_has_background:
            raise ValueError('area_threshold needs a vocabulary with its own background class')
        area = F.one_hot(probs.argmax(dim=1), probs.shape[1]).sum(dim=(1, 2)).float()  # B, K
        area[:, bg_index] = 0
        keep = area > area_threshold * area.sum(dim=1, keepdim=True)
        keep[:, bg_index] = True
        probs = probs * keep[:, :, None, None]
    if bg_threshold is None:
        return probs
    if vocabulary_has_background:
        low = probs.amax(dim=1) < bg_threshold
        probs[:, bg_index] = torch.where(low, torch.ones_like(probs[:, bg_index]), probs[:, bg_index])
        return probs
    bg = probs.new_full((probs.shape[0], 1, *probs.shape[2:]), bg_threshold)
    return torch.cat([probs[:, :bg_index], bg, probs[:, bg_index:]], dim=1)


@MODELS.register_module()
class OpenVocabEncoderDecoder(EncoderDecoder):
    """An encoder-decoder whose classifier is a text vocabulary (MaskCLIP and others).

    The image tower is the backbone, the decode head classifies dense features with text
    embeddings, mmseg's whole or sliding-window inference runs from ``test_cfg``, and the
    logits become probabilities and labels through a background rule.

    Call graph::

        predict(): inference() -> whole_inference() | slide_inference()
                     -> encode_decode() -> extract_feat() -> backbone() (text-guided: with the
                                                                     classifier's embeddings)
                                        -> decode_head.predict() -> forward()
                   -> original_size_logits() -> _to_original_size() (logits; with a ``refiner`` the image
                      too -> refiner())
                   -> scores_and_labels() -> probabilities() -> apply_background_rule() -> argmax
        _forward(): extract_feat() -> decode_head.forward()
        loss(): as EncoderDecoder (raises for training-free heads)

    ``seg_logits`` of the returned samples are probabilities (with the inserted background
    channel when ``bg_threshold`` is set), so a confidence is their max over classes.

    Args:
        bg_threshold (float, optional): probability below which a pixel is background.
            None: plain argmax (the vocabulary may hold its own background class).
            Defaults to None.
        bg_index (int): label of the background (inserted, or the vocabulary's own).
            Defaults to 0.
        vocabulary_has_background (bool): with ``bg_threshold``, the vocabulary already
            holds the background class at ``bg_index``. Defaults to False.
        area_threshold (float, optional): SCLIP's small-region rule (see
            :func:`apply_background_rule`). Defaults to None.
        refiner (dict, optional): a post-processing module called as ``refiner(image, logits,
            text_embeddings)`` (NACLIP: ``dict(type='PAMR', steps=10, dilations=(8, 16))``, PEARL:
            ``PEARLPropagation``): the logits, resized to the original image size, are refined with
            the input image resized alike and the classifier's embeddings (one per logit channel)
            before the background rule (NACLIP's and PEARL's order). Defaults to None.
        **kwargs: :class:`EncoderDecoder` arguments (``backbone``, ``decode_head``,
            ``test_cfg``, ``data_preprocessor``, ...).
    """

    def __init__(self,
                 bg_threshold: Optional[float] = None,
                 bg_index: int = 0,
                 vocabulary_has_background: bool = False,
                 area_threshold: Optional[float] = None,
                 refiner: Optional[dict] = None,
                 **kwargs):
        super().__init__(**kwargs)
        self.area_threshold = area_threshold
        self.refiner = MODELS.build(refiner) if refiner is not None else None
        self.test_cfg = ConfigDict(self.test_cfg or dict(mode='whole'))  # plain dicts work too
        self.bg_threshold = bg_threshold
        self.bg_index = bg_index
        self.vocabulary_has_background = vocabulary_has_background

    @property
    def text_encoder(self):
        """The decode head's text classifier (the name every model of the package gives it)."""
        return self.decode_head.text_encoder

    @property
    def class_names(self):
        """Label names in output order (with the inserted background, if any)."""
        names = list(self.text_encoder.class_names)
        if self.bg_threshold is not None and not self.vocabulary_has_background:
            names.insert(self.bg_index, 'background')
        return names

    def set_vocabulary(self, vocabulary) -> None:
        """Replace the classes at inference time (no rebuild; embeddings recomputed once)."""
        self.decode_head.set_vocabulary(vocabulary)
        self.num_classes = self.decode_head.num_classes
        self.out_channels = self.decode_head.out_channels

    def extract_feat(self, inputs: Tensor):
        """The backbone's features; a text-guided backbone (ResCLIP) also gets the classifier's
        embeddings, one per logit channel."""
        if not getattr(self.backbone, 'text_guided', False):
            return super().extract_feat(inputs)
        x = self.backbone(inputs, text_embeddings=self.text_encoder.embeddings())
        return self.neck(x) if self.with_neck else x

    def probabilities(self, seg_logits: Tensor) -> Tensor:
        """Class probabilities (B, K, H, W) of logits, with this model's background rule."""
        return apply_background_rule(seg_logits, self.bg_threshold, self.bg_index, self.vocabulary_has_background,
                                     self.area_threshold, self.text_encoder.fuse_probabilities)

    def predict(self, inputs: Tensor, data_samples: OptSampleList = None) -> SampleList:
        """Probabilities and labels at the original image size.

        The logits are resized first and the softmax comes after (SCLIP's, ClearCLIP's,
        NACLIP's, ProxyCLIP's and the official MaskCLIP's order; the two do not commute at
        boundaries, and SCLIP's area rule counts pixels at the original size). Inputs with
        NaN or infinite pixels are refused, naming the images (their logits would be NaN and
        every label 0).
        """
        bad = ~torch.isfinite(inputs).flatten(1).all(dim=1)
        if bad.any():
            names = [(data_samples[i].metainfo.get('img_path') if data_samples else None) or f'image {i} of the batch'
                     for i in bad.nonzero()[:, 0].tolist()]
            raise ValueError(f'NaN or infinite pixels in {", ".join(map(str, names))}')
        if data_samples is None:
            shape = inputs.shape[2:]
            data_samples = [
                SegDataSample(metainfo=dict(ori_shape=shape, img_shape=shape, pad_shape=shape))
                for _ in range(inputs.shape[0])
            ]
        seg_logits = self.inference(inputs, [s.metainfo for s in data_samples])
        for i, sample in enumerate(data_samples):
            logits = self.original_size_logits(seg_logits, i, sample.metainfo)
            if self.refiner is not None:
                image = self._to_original_size(inputs[i:i + 1], sample.metainfo)
                logits = self.refiner(image, logits, self.text_encoder.embeddings())
            scores, labels = self.scores_and_labels(logits, sample.metainfo)
            sample.set_data(dict(seg_logits=PixelData(data=scores), pred_sem_seg=PixelData(data=labels)))
        return data_samples

    def scores_and_labels(self, logits: Tensor, meta: dict):
        """Scores (K, H, W) and labels (1, H, W) of one image's logits (1, C, H, W) at its original
        size: the probabilities of :meth:`probabilities` and their argmax."""
        probs = self.probabilities(logits)[0]
        return probs, probs.argmax(0)[None]

    def original_size_logits(self, seg_logits: Tensor, index: int, meta: dict) -> Tensor:
        """The logits (1, K, H, W) of image ``index`` of :meth:`inference`'s output at its original size."""
        return self._to_original_size(seg_logits[index:index + 1], meta)

    def _to_original_size(self, tensor: Tensor, meta: dict) -> Tensor:
        """``tensor`` (1, C, H, W) without its padding, flipped back and resized to ``ori_shape``
        (as mmseg's ``postprocess_result`` treats logits)."""
        H, W = tensor.shape[2:]
        left, right, top, bottom = meta.get('img_padding_size', meta.get('padding_size', [0] * 4))
        tensor = tensor[:, :, top:H - bottom, left:W - right]
        if meta.get('flip'):
            tensor = tensor.flip(dims=(3, ) if meta['flip_direction'] == 'horizontal' else (2, ))
        return F.interpolate(tensor, size=tuple(meta['ori_shape'][:2]), mode='bilinear',
                             align_corners=self.align_corners)
