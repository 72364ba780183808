from typing import Dict, Literal, Optional

import torch
import torch.nn.functional as F
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS
from torch import Tensor

#: Logit given to classes removed by prompt denoising: finite (bilinear resizing and
#: sliding-window sums stay well defined), far below any cosine logit.
SUPPRESSED_LOGIT = -1e4


def key_smoothing(scores: Tensor, keys: Tensor, norm: Literal['channel', 'spatial'] = 'channel') -> Tensor:
    """MaskCLIP key smoothing (eq. 5): ``pred_i = sum_j cos(k_i, k_j) * pred_j``.

    Args:
        scores (Tensor): class scores (B, K, h, w).
        keys (Tensor): last-attention keys (B, C, h, w).
        norm (str): ``'channel'`` normalises every key vector (the paper's cosine);
            ``'spatial'`` normalises every channel over positions, as the official code
            does (offered only for reproducing its numbers).
    """
    B, K, h, w = scores.shape
    k = keys.flatten(2)  # B, C, N
    k = F.normalize(k, dim=1 if norm == 'channel' else 2)
    affinity = torch.einsum('bci,bcj->bij', k, k)
    return torch.einsum('bij,bkj->bki', affinity, scores.flatten(2)).reshape(B, K, h, w)


def prompt_denoising(logits: Tensor, threshold: float) -> Tensor:
    """Drop every class whose softmax probability stays below ``threshold`` everywhere.

    Args:
        logits (Tensor): temperature-scaled logits (B, K, h, w).
        threshold (float): the paper's t (0.5).

    Returns:
        Tensor: logits with the dropped classes set to :data:`SUPPRESSED_LOGIT`.
    """
    max_prob = logits.softmax(dim=1).amax(dim=(2, 3), keepdim=True)
    return logits.masked_fill(max_prob < threshold, SUPPRESSED_LOGIT)


@MODELS.register_module()
class MaskClipHead(BaseDecodeHead):
    """MaskCLIP head: CLIP text embeddings as a 1x1 classifier over dense CLIP features.

    Paper: Extract Free Dense Labels from CLIP, https://arxiv.org/abs/2112.01071.
    Training-free: :meth:`loss` raises. The dense features come from
    :class:`OpenCLIPVision` (``outputs`` must contain ``'dense'``, and ``'keys'`` for key
    smoothing).

    ``forward()``: cosine(dense, text) -> [key smoothing] -> x logit_scale -> [prompt denoising].

    Args:
        text_encoder (dict): config of the text classifier (:class:`OpenCLIPTextClassifier`).
        logit_scale (float): temperature multiplying cosine scores. Defaults to 100.
        key_smoothing (bool): smooth scores with last-layer key affinities. Defaults to False.
        key_norm (str): ``'channel'`` (paper) or ``'spatial'`` (official-code compatibility).
            Defaults to ``'channel'``.
        prompt_denoising (float, optional): threshold t of prompt denoising on the softmax
            probabilities; None turns it off. Defaults to None.
        **kwargs: :class:`BaseDecodeHead` arguments (``align_corners``, ``init_cfg``, ...).
    """

    def __init__(self,
                 text_encoder: dict,
                 logit_scale: float = 100.0,
                 key_smoothing: bool = False,
                 key_norm: Literal['channel', 'spatial'] = 'channel',
                 prompt_denoising: Optional[float] = None,
                 **kwargs):
        text = MODELS.build(text_encoder)
        kwargs.setdefault('in_channels', text.embed_dim)
        kwargs.setdefault('channels', text.embed_dim)
        kwargs.setdefault('init_cfg', None)  # nothing to initialise: the classifier is text
        super().__init__(num_classes=text.num_classes, **kwargs)
        del self.conv_seg  # the text embeddings are the classifier
        if key_norm not in ('channel', 'spatial'):
            raise ValueError(f"key_norm must be 'channel' or 'spatial', got {key_norm!r}")
        self.text_encoder = text
        self.logit_scale = logit_scale
        self.key_smoothing = key_smoothing
        self.key_norm = key_norm
        self.prompt_denoising = prompt_denoising

    def set_vocabulary(self, vocabulary) -> None:
        """Swap the class vocabulary (inference time)."""
        self.text_encoder.set_vocabulary(vocabulary)
        self.num_classes = self.out_channels = self.text_encoder.num_classes

    def forward(self, inputs: Dict[str, Tensor]) -> Tensor:
        if not isinstance(inputs, dict) or 'dense' not in inputs:
            raise KeyError("MaskClipHead needs the backbone's 'dense' output (OpenCLIPVision outputs=('dense', ...))")
        scores = self.text_encoder(inputs['dense'])
        if self.key_smoothing:
            if 'keys' not in inputs:
                raise KeyError("key_smoothing=True needs the backbone's 'keys' output "
                               "(OpenCLIPVision outputs=('dense', 'keys'))")
            scores = key_smoothing(scores, inputs['keys'].to(scores.dtype), self.key_norm)
        logits = self.logit_scale * scores
        if self.prompt_denoising is not None:
            logits = prompt_denoising(logits, self.prompt_denoising)
        return logits

    def loss(self, inputs, batch_data_samples, train_cfg):
        raise NotImplementedError('MaskClipHead is training-free: it has no trainable classifier. '
                                  'Use it for inference, or as the teacher of a MaskCLIP+ student.')
