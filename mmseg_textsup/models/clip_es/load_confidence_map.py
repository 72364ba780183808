import os.path as osp

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadConfidenceMap(BaseTransform):
    """Load the confidence map that ``PseudoLabelWriter`` wrote next to a pseudo label
    (``.../labels/x.png`` -> ``.../confidence/x.png``, 16-bit, or 8-bit from older runs) as
    ``gt_confidence`` in [0, 1], a segmentation field, so mmseg's geometric transforms
    (``RandomResize``, ``RandomCrop``, ``RandomFlip``) keep it aligned with the label. Put it
    right after ``LoadAnnotations`` and pack it with ``PackSegInputsWithConfidence``; the loss
    ``ConfidenceGuidedCELoss`` in a ``ConfidenceGuidedHead`` reads it (CLIP-ES eq. 9).

    Args:
        labels_dir (str): folder name of the labels in ``seg_map_path``. Defaults to ``'labels'``.
        confidence_dir (str): folder name of the confidence maps. Defaults to ``'confidence'``.
    """

    def __init__(self, labels_dir: str = 'labels', confidence_dir: str = 'confidence'):
        self.labels_dir = labels_dir
        self.confidence_dir = confidence_dir

    def confidence_path(self, seg_map_path: str) -> str:
        folder, name = osp.split(seg_map_path)
        if osp.basename(folder) != self.labels_dir:
            raise ValueError(f"{seg_map_path}: pseudo labels are expected in a '{self.labels_dir}' folder "
                             f"next to '{self.confidence_dir}' (PseudoLabelWriter's layout)")
        return osp.join(osp.dirname(folder), self.confidence_dir, name)

    def transform(self, results: dict) -> dict:
        path = self.confidence_path(results['seg_map_path'])
        if not osp.isfile(path):
            raise FileNotFoundError(f'confidence map not found: {path}')
        stored = mmcv.imread(path, flag='unchanged')
        confidence = stored.astype(np.float32) / np.iinfo(stored.dtype).max
        if confidence.shape != results['gt_seg_map'].shape:
            raise ValueError(f'{path}: confidence {confidence.shape} and label {results["gt_seg_map"].shape} differ')
        results['gt_confidence'] = confidence
        results.setdefault('seg_fields', []).append('gt_confidence')
        return results
