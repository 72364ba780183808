import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS
from mmseg.structures import SegDataSample


@TRANSFORMS.register_module()
class PackImageTextInputs(BaseTransform):
    """Pack an image-caption pair: ``inputs`` (C, H, W) and a data sample carrying
    ``text_tokens`` (and, when present, ``image_labels``, and ``superpixels`` from the
    ``gt_seg_map`` written by :class:`Superpixels`) plus the caption as meta.

    Args:
        meta_keys (tuple[str]): keys copied into the sample's metainfo.
    """

    def __init__(self, meta_keys=('img_path', 'ori_shape', 'img_shape', 'caption', 'flip', 'flip_direction')):
        self.meta_keys = meta_keys

    def transform(self, results: dict) -> dict:
        img = results['img']
        if img.ndim == 2:
            img = img[..., None]
        inputs = torch.from_numpy(img.transpose(2, 0, 1).copy())  # a copy: flips leave negative strides
        sample = SegDataSample()
        sample.set_metainfo({k: results[k] for k in self.meta_keys if k in results})
        sample.text_tokens = torch.as_tensor(results['text_tokens'], dtype=torch.long)
        if 'image_labels' in results:
            sample.image_labels = torch.as_tensor(results['image_labels'], dtype=torch.long)
        if 'gt_seg_map' in results:
            sample.superpixels = torch.from_numpy(results['gt_seg_map'].astype(np.int64))
        return dict(inputs=inputs, data_samples=sample)
