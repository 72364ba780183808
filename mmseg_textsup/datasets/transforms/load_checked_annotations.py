import os.path as osp

import mmcv
import numpy as np
from mmengine import fileio
from mmseg.datasets.transforms import LoadAnnotations
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadCheckedAnnotations(LoadAnnotations):
    """mmseg's ``LoadAnnotations`` that refuses label maps it would silently corrupt.

    mmseg casts every decoded label map to uint8: a 16-bit map with class ids above 255 wraps
    around (300 becomes 44) and a colour-coded RGB map stays (H, W, 3). This loader names the
    file and says what to do instead; grayscale maps saved as RGB (three equal channels),
    palette PNGs (read as indices) and 16-bit maps with ids <= 255 load as usual. A missing
    file raises ``FileNotFoundError`` with its path, and a label map of another size than its
    image (``ori_shape``) a ``ValueError`` naming both (the training recipe would stretch it).
    The file is read once; ``reduce_zero_label`` and ``label_map`` behave as in mmseg. An image
    outside any dataset (no ``seg_map_path`` and no ``sample_idx``: mmseg's ``MMSegInferencer``,
    which drops only its own ``LoadAnnotations``) has nothing to load and passes unchanged.

    Args:
        **kwargs: :class:`LoadAnnotations` arguments.
    """

    def _load_seg_map(self, results: dict) -> None:
        if 'seg_map_path' not in results:
            if 'sample_idx' in results:
                raise KeyError(f"dataset sample {results.get('img_path')} has no label map: set the dataset's "
                               'data_prefix.seg_map_path')
            return
        path = results['seg_map_path']
        if self.backend_args is None and not osp.isfile(path):
            raise FileNotFoundError(f'annotation not found: {path}')
        raw = mmcv.imfrombytes(fileio.get(path, backend_args=self.backend_args), flag='unchanged',
                               backend=self.imdecode_backend)
        if raw is None:
            raise ValueError(f'{path}: not a readable image')
        if raw.ndim == 3:
            if raw.shape[2] >= 3 and not all(np.array_equal(raw[..., 0], raw[..., c]) for c in (1, 2)):
                raise ValueError(f'{path}: a colour (RGB) label map; labels must be class indices in a '
                                 'single-channel or palette PNG (convert the colours to indices first)')
            raw = raw[..., 0]  # grayscale stored as equal channels
        if raw.max(initial=0) > 255:
            raise ValueError(f'{path}: class ids up to {int(raw.max())} do not fit the uint8 label maps of mmseg '
                             '(at most 255, which is also the ignore index)')
        if 'ori_shape' in results and tuple(raw.shape[:2]) != tuple(results['ori_shape'][:2]):
            h, w = results['ori_shape'][:2]
            raise ValueError(f'{path}: a label map of {raw.shape[1]} x {raw.shape[0]} pixels for the image '
                             f"{results.get('img_path')} of {w} x {h}")
        labels = raw.astype(np.uint8)
        # from here on, mmseg's own handling of reduce_zero_label and label_map
        if self.reduce_zero_label is None:
            self.reduce_zero_label = results['reduce_zero_label']
        if self.reduce_zero_label != results['reduce_zero_label']:
            raise ValueError(f'the dataset has reduce_zero_label={results["reduce_zero_label"]} but the loader '
                             f'{self.reduce_zero_label}')
        if self.reduce_zero_label:  # 0 -> ignore, k -> k - 1
            labels = np.where(labels == 0, 255, labels - 1).astype(np.uint8)
            labels[labels == 254] = 255
        if results.get('label_map') is not None:
            original = labels.copy()
            for old_id, new_id in results['label_map'].items():
                labels[original == old_id] = new_id
        results['gt_seg_map'] = labels
        results['seg_fields'].append('gt_seg_map')
