from functools import lru_cache

import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from ..toy import ToyWorld


@lru_cache(maxsize=8)
def _world(seed: int, size: int) -> ToyWorld:
    return ToyWorld(seed=seed, size=size)


@TRANSFORMS.register_module()
class LoadToySample(BaseTransform):
    """Generate a toy-world sample from ``results['toy']`` (seed, index, size).

    Fills what ``LoadImageFromFile`` + ``LoadAnnotations`` would: ``img`` (BGR, like
    images read by mmcv), ``img_shape``, ``ori_shape``, ``gt_seg_map``; plus ``caption``
    and ``image_labels`` (the classes present).

    Args:
        with_seg (bool): also produce ``gt_seg_map``. Defaults to True.
    """

    def __init__(self, with_seg: bool = True):
        self.with_seg = with_seg

    def transform(self, results: dict) -> dict:
        toy = results['toy']
        sample = _world(toy['seed'], toy['size']).sample(toy['index'])
        results['img'] = np.ascontiguousarray(sample.image[..., ::-1])
        results['img_shape'] = results['ori_shape'] = sample.image.shape[:2]
        results['caption'] = sample.caption
        results['image_labels'] = np.asarray(sample.classes, dtype=np.int64)
        if self.with_seg:
            results['gt_seg_map'] = sample.label.copy()
            results.setdefault('seg_fields', []).append('gt_seg_map')
        return results
