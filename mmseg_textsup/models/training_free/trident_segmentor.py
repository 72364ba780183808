import os.path as osp
from typing import List, Optional, Tuple

import mmcv
import numpy as np
import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

from ..segmentors.open_vocab_encoder_decoder import OpenVocabEncoderDecoder, apply_background_rule
from .sam_refinement import sam_refinement


def round_up(n: int, p: int) -> int:
    return -(-n // p) * p


def trident_resize(image: Tensor, patch: int, crop: int) -> Tensor:
    """Trident's input (``seg_utils/utils.py`` ``preprocess_image``): an image (1, 3, H, W) whose
    sides are not both multiples of ``patch`` is resized (bilinear) so that its longer side is
    the next multiple, both sides are rounded up to multiples and are at least ``crop``."""
    h, w = image.shape[2:]
    if h % patch == 0 and w % patch == 0:
        return image
    longer = max(h, w)
    target = round_up(longer, patch)
    new_h, new_w = round_up(int(h * target / longer), patch), round_up(int(w * target / longer), patch)
    return F.interpolate(image, (max(new_h, crop), max(new_w, crop)), mode='bilinear', align_corners=False)


def window_boxes(h: int, w: int, crop: int, stride: int) -> List[Tuple[int, int, int, int]]:
    """(y1, x1, y2, x2) of the sliding windows over an h x w image, row by row (mmseg's grid;
    windows of an image smaller than ``crop`` are the image)."""
    boxes = []
    for i in range(max(h - crop + stride - 1, 0) // stride + 1):
        for j in range(max(w - crop + stride - 1, 0) // stride + 1):
            y2, x2 = min(i * stride + crop, h), min(j * stride + crop, w)
            boxes.append((max(y2 - crop, 0), max(x2 - crop, 0), y2, x2))
    return boxes


@MODELS.register_module()
class TridentEncoderDecoder(OpenVocabEncoderDecoder):
    """Trident's segmentor (github.com/YuHengsss/Trident, ``trident.py`` ``get_trident_seg`` and its
    ``open_clip/transformer.py``): ProxyCLIP's read-out in every window, the windows stitched at
    the level of the attention output and aggregated over the whole image by SAM's last
    global attention.

    Per image (the input without its padding):

    1. SAM (:class:`SAMGuidance`) sees the image file as Trident reads it (``img_path``: decoded
       by OpenCV, its sides rounded up to multiples of CLIP's patch by bilinear resizing;
       ``sam_halves``: its left and right halves one after the other, as for Cityscapes). An
       image given as an array (no ``img_path``) is un-normalised from the network input.
    2. The network input is resized by :func:`trident_resize` and cut into the windows of
       ``test_cfg`` (``crop_size``, ``stride``), which go through the backbone
       (:class:`ProxyCLIPVision` with ``similarity_mean='batch'``: one batch, so ProxyCLIP's
       similarity mean is over all windows) to the output of its replaced last attention.
    3. The windows' outputs are averaged where they overlap on the image's patch grid, resized
       to SAM's grid and multiplied by SAM's weights; ``ln_post`` and the projection follow, and
       the decode head's logits are resized to the original image.
    4. With ``refinement``, the labels are refined with SAM's mask decoder
       (:func:`sam_refinement`, on the probabilities before the background threshold, with the
       embedding of the image SAM saw; Cityscapes: of the whole image).

    Images go through one at a time (SAM's predictor holds one image).

    Call graph::

        predict(): [per image] inference() -> _sam_image() -> sam() (SAMGuidance)
                                  -> trident_resize() -> window_boxes() -> backbone.proxy_values()
                                  -> _stitch() -> _guide() -> backbone.head() -> decode_head()
                   -> original_size_logits() -> scores_and_labels() -> probabilities()
                      -> apply_background_rule() -> argmax [-> sam_refinement()]

    Args:
        sam (dict): the guide: :class:`SAMGuidance` (:class:`CLIPGuidance` on the toy world, which
            has no mask decoder for the refinement).
        cos_fac (float): factor of SAM's value-cosine threshold. Defaults to 1.2.
        refine_neg_cos (bool): keep negative thresholds (False: they become 0.6). Defaults to True.
        sam_halves (bool): SAM sees the two halves of the image separately (Trident's Cityscapes
            case). Defaults to False.
        refinement (dict, optional): arguments of :func:`sam_refinement` (``coarse_thresh``,
            ``minimal_area``, ``mask_coefficient``, ``iou_threshold``); None: no refinement.
            Defaults to None.
        **kwargs: :class:`OpenVocabEncoderDecoder` arguments; ``test_cfg`` needs ``crop_size`` and
            ``stride`` (square windows).
    """

    def __init__(self, sam: dict, cos_fac: float = 1.2, refine_neg_cos: bool = True, sam_halves: bool = False,
                 refinement: Optional[dict] = None, **kwargs):
        super().__init__(**kwargs)
        if self.refiner is not None:
            raise ValueError("Trident's segmentor takes no refiner (its official configs run without PAMR)")
        self.sam = MODELS.build(sam)
        if refinement is not None and not hasattr(self.sam, 'predictor'):
            raise ValueError(f"refinement needs SAM's mask decoder; {type(self.sam).__name__} has none")
        self.cos_fac, self.refine_neg_cos, self.sam_halves = cos_fac, refine_neg_cos, sam_halves
        self.refinement = refinement

    def _windows(self) -> Tuple[int, int]:
        crop, stride = self.test_cfg.get('crop_size'), self.test_cfg.get('stride')
        if crop is None or stride is None or crop[0] != crop[1] or stride[0] != stride[1]:
            raise ValueError(f'Trident needs square windows: test_cfg crop_size and stride, got {crop} and {stride}')
        return crop[0], stride[0]

    def _sam_image(self, image: Tensor, meta: dict) -> np.ndarray:
        """The RGB uint8 image SAM sees (sides rounded up to multiples of CLIP's patch)."""
        path = meta.get('img_path')
        if path and osp.isfile(path):
            rgb = mmcv.imread(path, channel_order='rgb')
        else:
            pre = self.data_preprocessor
            rgb = (image[0] * pre.std + pre.mean).clamp(0, 255).round().byte().permute(1, 2, 0).cpu().numpy()
        p = self.backbone.patch_size
        h, w = rgb.shape[:2]
        if h % p or w % p:
            rgb = mmcv.imresize(rgb, (round_up(w, p), round_up(h, p)), interpolation='bilinear')
        return rgb

    def _stitch(self, values: Tensor, boxes, grid: Tuple[int, int]) -> Tensor:
        """The windows' outputs (n, C, h', w') averaged on the image's patch grid (times the
        ratio of the VFM's grid to CLIP's, as Trident's ``guidance_attn``)."""
        p = self.backbone.patch_size
        tokens = (boxes[0][2] - boxes[0][0]) // p, (boxes[0][3] - boxes[0][1]) // p
        if values.shape[-1] % tokens[1]:
            ratio = int(round(values.shape[-2] / tokens[0]))
            values = F.interpolate(values, size=(tokens[0] * ratio, tokens[1] * ratio), mode='bilinear',
                                   align_corners=False)
        else:
            ratio = values.shape[-1] // tokens[1]
        out = values.new_zeros(values.shape[1], grid[0] * ratio, grid[1] * ratio)
        count = values.new_zeros(1, *out.shape[1:])
        for v, (y1, x1, y2, x2) in zip(values, boxes):
            rows, cols = slice(y1 // p * ratio, y2 // p * ratio), slice(x1 // p * ratio, x2 // p * ratio)
            out[:, rows, cols] += v
            count[:, rows, cols] += 1
        return (out / count)[None]

    def _guide(self, stitched: Tensor, sam_image: np.ndarray) -> Tensor:
        """SAM's aggregation of the stitched outputs (1, C, H', W') -> (1, C, h, w) on SAM's grid."""
        parts = [sam_image]
        if self.sam_halves:
            w = sam_image.shape[1]
            parts = [sam_image[:, :w // 2], sam_image[:, w // 2:]]
        width = stitched.shape[-1] // len(parts)
        out = []
        for i, part in enumerate(parts):
            weights, (h, w) = self.sam(part, self.cos_fac, self.refine_neg_cos)
            piece = F.interpolate(stitched[..., i * width:(i + 1) * width], size=(h, w), mode='bilinear',
                                  align_corners=False)
            out.append((weights @ piece[0].flatten(1).T).T.reshape(1, -1, h, w))
        if self.refinement is not None and len(parts) > 1:
            self.sam.predictor.set_image(sam_image)  # the refinement's embedding: the whole image's
        return torch.cat(out, dim=-1)

    def inference(self, inputs: Tensor, batch_img_metas: List[dict]) -> List[Tensor]:
        """Logits (1, K, h, w) on SAM's grid, one per image (the images' grids differ)."""
        crop, stride = self._windows()
        logits = []
        for i, meta in enumerate(batch_img_metas):
            h, w = meta.get('img_shape', inputs.shape[2:])[:2]
            image = inputs[i:i + 1, :, :h, :w]
            guide = self._sam_image(image, meta)
            x = trident_resize(image, self.backbone.patch_size, crop)
            boxes = window_boxes(*x.shape[2:], crop, stride)
            values = self.backbone.proxy_values(torch.cat([x[:, :, y1:y2, x1:x2] for y1, x1, y2, x2 in boxes]))
            p = self.backbone.patch_size
            guided = self._guide(self._stitch(values, boxes, (x.shape[2] // p, x.shape[3] // p)), guide)
            gh, gw = guided.shape[2:]
            feats = self.backbone.head(guided.flatten(2).transpose(1, 2)).transpose(1, 2).reshape(1, -1, gh, gw)
            logits.append(self.decode_head({'dense': feats}))
        return logits

    def predict(self, inputs: Tensor, data_samples=None):
        """:meth:`OpenVocabEncoderDecoder.predict`, one image at a time."""
        samples = []
        for i in range(inputs.shape[0]):
            samples += super().predict(inputs[i:i + 1], None if data_samples is None else [data_samples[i]])
        return samples

    def scores_and_labels(self, logits: Tensor, meta: dict):
        """With ``refinement``, SAM's refined scores and labels (the official ``seg_logits`` and
        prediction)."""
        scores, labels = super().scores_and_labels(logits, meta)
        if self.refinement is None:
            return scores, labels
        probs = apply_background_rule(logits, fuse=self.text_encoder.fuse_probabilities)[0]
        return sam_refinement(self.sam.predictor, labels, probs, **self.refinement)[::-1]

    def original_size_logits(self, seg_logits: List[Tensor], index: int, meta: dict) -> Tensor:
        """The logits of image ``index`` (unpadded already) at its original size."""
        return self._to_original_size(seg_logits[index], {**meta, 'img_padding_size': [0] * 4})
