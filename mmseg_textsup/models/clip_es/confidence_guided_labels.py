import os.path as osp

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class ConfidenceGuidedLabels(BaseTransform):
    """CLIP-ES's confidence-guided loss (eq. 9) on the label side: pseudo-label pixels whose
    confidence is below ``mu`` become ``ignore_index``, so the segmentation head's
    cross-entropy is zero there and unchanged elsewhere.

    The confidence map is the PNG that ``PseudoLabelWriter`` wrote next to the label
    (``.../labels/x.png`` -> ``.../confidence/x.png``), read right after ``LoadAnnotations``
    (before any geometric transform, so both stay aligned).

    Args:
        mu (float): confidence threshold. Defaults to 0.95.
        labels_dir (str): folder name of the labels in ``seg_map_path``. Defaults to ``'labels'``.
        confidence_dir (str): folder name of the confidence maps. Defaults to ``'confidence'``.
        ignore_index (int): Defaults to 255.
    """

    def __init__(self, mu: float = 0.95, labels_dir: str = 'labels', confidence_dir: str = 'confidence',
                 ignore_index: int = 255):
        self.mu = mu
        self.labels_dir = labels_dir
        self.confidence_dir = confidence_dir
        self.ignore_index = ignore_index

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
        confidence = mmcv.imread(path, flag='unchanged').astype(np.float32) / 255
        if confidence.shape != results['gt_seg_map'].shape:
            raise ValueError(f'{path}: confidence {confidence.shape} and label {results["gt_seg_map"].shape} differ')
        results['gt_seg_map'] = np.where(confidence < self.mu, self.ignore_index, results['gt_seg_map']).astype(
            results['gt_seg_map'].dtype)
        return results
