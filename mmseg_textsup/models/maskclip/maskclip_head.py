from typing import Dict, Literal, Optional

import torch
import torch.nn.functional as F
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS
from torch import Tensor

#: Cosine given to classes removed by prompt denoising (the official code's -100): far below any
#: cosine, finite, so bilinear resizing and sliding-window sums stay well defined.
SUPPRESSED_COSINE = -100.0
#: Probability temperature of both refinements (CLIP's logit scale).
REFINE_SCALE = 100.0


def prompt_denoising(cosines: Tensor, threshold: float) -> Tensor:
    """Drop every class whose probability ``softmax(100 cos)`` stays below ``threshold`` at every
    position of its image: its cosines become :data:`SUPPRESSED_COSINE` (MaskCLIP, sec. 3.3).

    Args:
        cosines (Tensor): class cosines (B, K, h, w).
        threshold (float): the paper's t (0.5).
    """
    max_prob = (REFINE_SCALE * cosines).softmax(dim=1).amax(dim=(2, 3), keepdim=True)
    return cosines.masked_fill(max_prob < threshold, SUPPRESSED_COSINE)


def key_smoothing(scores: Tensor, keys: Tensor, norm: Literal['spatial', 'channel'] = 'spatial',
                  threshold: Optional[float] = None) -> Tensor:
    """MaskCLIP key smoothing (eq. 5): ``pred_i = sum_j k_i . k_j * pred_j``.

    Args:
        scores (Tensor): class scores (B, K, h, w) to smooth.
        keys (Tensor): last-attention keys (B, C, h, w).
        norm (str): ``'spatial'`` L2-normalises every channel over the positions (the
            official code: ``F.normalize`` of (B, hw, C) keys along dim 1); ``'channel'``
            normalises every key vector, a true cosine (the paper's text).
        threshold (float, optional): only positions whose best score is below it take the
            smoothed scores (the official ``ks_thresh``; its configs use 1.0). None: all.
    """
    B, K, h, w = scores.shape
    k = F.normalize(keys.flatten(2), dim=2 if norm == 'spatial' else 1)  # B, C, N
    smoothed = torch.einsum('bci,bcj,bkj->bki', k, k, scores.flatten(2)).reshape(B, K, h, w)
    if threshold is None:
        return smoothed
    return torch.where(scores.amax(dim=1, keepdim=True) < threshold, smoothed, scores)


def maskclip_logits(cosines: Tensor,
                    logit_scale: float,
                    keys: Optional[Tensor] = None,
                    ks_threshold: Optional[float] = 1.0,
                    denoise_threshold: Optional[float] = None,
                    refinement: Literal['official', 'paper'] = 'official') -> Tensor:
    """MaskCLIP's logits (B, K, h, w) from class cosines, with the optional refinements.

    - ``'official'`` (the official ``MaskClipHead.refine_output``): prompt denoising on the
      cosines, then key smoothing of the probabilities ``softmax(100 cos)`` (keys normalised
      over positions, only where the best probability is below ``ks_threshold``). The
      result (cosines, or smoothed probabilities with key smoothing) times ``logit_scale``:
      a linear map, so resizing and the argmax give the official predictions.
    - ``'paper'`` (the paper's text): key smoothing of the cosines with cosine key affinities,
      x ``logit_scale``, then prompt denoising on those logits.

    Args:
        cosines (Tensor): cosine of the dense features with every class.
        logit_scale (float): temperature of the logits.
        keys (Tensor, optional): keys of the last attention (B, C, h, w): key smoothing.
        ks_threshold (float, optional): see :func:`key_smoothing` (official refinement).
        denoise_threshold (float, optional): prompt denoising at this t; None: off.
        refinement (str): ``'official'`` or ``'paper'``.
    """
    if refinement == 'paper':
        scores = cosines if keys is None else key_smoothing(cosines, keys.to(cosines.dtype), 'channel')
        if denoise_threshold is not None:
            scores = prompt_denoising(scores, denoise_threshold)
        return logit_scale * scores
    scores = cosines if denoise_threshold is None else prompt_denoising(cosines, denoise_threshold)
    if keys is not None:
        scores = key_smoothing((REFINE_SCALE * scores).softmax(dim=1), keys.to(scores.dtype), 'spatial',
                               ks_threshold)
    return logit_scale * scores


@MODELS.register_module()
class MaskCLIPHead(BaseDecodeHead):
    """MaskCLIP head: CLIP text embeddings as a 1x1 classifier over dense CLIP features.

    Paper: Extract Free Dense Labels from CLIP, https://arxiv.org/abs/2112.01071.
    Training-free: :meth:`loss` raises. The dense features come from
    :class:`OpenCLIPVision` (``outputs`` must contain ``'dense'``, and ``'keys'`` for key
    smoothing).

    ``forward()``: text_encoder(dense) (cosines) -> :func:`maskclip_logits`.

    Args:
        text_encoder (dict): config of the text classifier (:class:`OpenCLIPTextClassifier`).
        logit_scale (float): temperature multiplying the (refined) scores. Defaults to 100.
        key_smoothing (bool): smooth the scores with last-layer key affinities. Defaults to False.
        ks_threshold (float, optional): official refinement only: positions whose best
            probability is below it are smoothed (the official configs: 1.0). Defaults to 1.0.
        prompt_denoising (float, optional): threshold t of prompt denoising; None turns it
            off. Defaults to None.
        refinement (str): ``'official'`` (the official code, the default of every config
            that reproduces a published number) or ``'paper'`` (the paper's text), see
            :func:`maskclip_logits`. Defaults to ``'official'``.
        **kwargs: :class:`BaseDecodeHead` arguments (``align_corners``, ``init_cfg``, ...).
    """

    def __init__(self,
                 text_encoder: dict,
                 logit_scale: float = 100.0,
                 key_smoothing: bool = False,
                 ks_threshold: Optional[float] = 1.0,
                 prompt_denoising: Optional[float] = None,
                 refinement: Literal['official', 'paper'] = 'official',
                 **kwargs):
        text = MODELS.build(text_encoder)
        kwargs.setdefault('in_channels', text.embed_dim)
        kwargs.setdefault('channels', text.embed_dim)
        kwargs.setdefault('init_cfg', None)  # nothing to initialise: the classifier is text
        super().__init__(num_classes=text.num_outputs, **kwargs)
        del self.conv_seg  # the text embeddings are the classifier
        if refinement not in ('official', 'paper'):
            raise ValueError(f"refinement must be 'official' or 'paper', got {refinement!r}")
        self.text_encoder = text
        self.logit_scale = logit_scale
        self.key_smoothing = key_smoothing
        self.ks_threshold = ks_threshold
        self.prompt_denoising = prompt_denoising
        self.refinement = refinement

    def set_vocabulary(self, vocabulary) -> None:
        """Swap the class vocabulary (inference time)."""
        self.text_encoder.set_vocabulary(vocabulary)
        self.num_classes = self.out_channels = self.text_encoder.num_outputs

    def forward(self, inputs: Dict[str, Tensor]) -> Tensor:
        if not isinstance(inputs, dict) or 'dense' not in inputs:
            raise KeyError("MaskCLIPHead needs the backbone's 'dense' output (OpenCLIPVision outputs=('dense', ...))")
        if self.key_smoothing and 'keys' not in inputs:
            raise KeyError("key_smoothing=True needs the backbone's 'keys' output "
                           "(OpenCLIPVision outputs=('dense', 'keys'))")
        keys = inputs['keys'] if self.key_smoothing else None
        return maskclip_logits(self.text_encoder(inputs['dense']), self.logit_scale, keys, self.ks_threshold,
                               self.prompt_denoising, self.refinement)

    def loss(self, inputs, batch_data_samples, train_cfg):
        raise NotImplementedError('MaskCLIPHead is training-free: it has no trainable classifier. '
                                  'Use it for inference, or as the teacher of a MaskCLIP+ student.')
