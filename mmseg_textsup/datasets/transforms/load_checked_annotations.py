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
    file raises ``FileNotFoundError`` with its path.

    Args:
        **kwargs: :class:`LoadAnnotations` arguments.
    """

    def _load_seg_map(self, results: dict) -> None:
        path = results['seg_map_path']
        if self.backend_args is None and not osp.isfile(path):
            raise FileNotFoundError(f'annotation not found: {path}')
        raw = mmcv.imfrombytes(fileio.get(path, backend_args=self.backend_args), flag='unchanged',
                               backend=self.imdecode_backend)
        if raw is None:
            raise ValueError(f'{path}: not a readable image')
        channels_equal = raw.ndim == 3 and all(np.array_equal(raw[..., 0], raw[..., c]) for c in range(1, 3))
        if raw.ndim == 3 and raw.shape[2] >= 3 and not channels_equal:
            raise ValueError(f'{path}: a colour (RGB) label map; labels must be class indices in a single-channel '
                             'or palette PNG (convert the colours to indices first)')
        if raw.max(initial=0) > 255:
            raise ValueError(f'{path}: class ids up to {int(raw.max())} do not fit the uint8 label maps of mmseg '
                             '(at most 255, which is also the ignore index)')
        super()._load_seg_map(results)
        if results['gt_seg_map'].ndim == 3:  # grayscale stored as three equal channels
            results['gt_seg_map'] = np.ascontiguousarray(results['gt_seg_map'][..., 0])
