from typing import Optional

import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

#: The corruptions of MaskCLIP's robustness study (Table 1b), ImageNet-C's implementations.
MASKCLIP_CORRUPTIONS = ('gaussian_noise', 'shot_noise', 'impulse_noise', 'speckle_noise', 'gaussian_blur',
                        'defocus_blur', 'spatter', 'jpeg_compression')


@TRANSFORMS.register_module()
class Corrupt(BaseTransform):
    """Corrupt the image with an ImageNet-C corruption (Hendrycks & Dietterich, 2019) at a
    severity level, as the official MaskCLIP robustness configs do (before the resize).

    Backed by ``imagecorruptions`` (the maintained ``imagecorruptions-imaug`` build: the
    original package fails on today's scikit-image), whose ``corrupt`` the official code calls.

    Args:
        name (str): an ImageNet-C corruption, e.g. one of :data:`MASKCLIP_CORRUPTIONS`.
        level (int): severity, 1 to 5.
        seed (int, optional): seed of NumPy's generator before every image (the noise
            corruptions are random): reproducible runs, except impulse noise, which
            scikit-image draws from a generator of its own. None leaves it alone, as the
            official code. Defaults to None.
    """

    def __init__(self, name: str, level: int, seed: Optional[int] = None):
        try:
            from imagecorruptions import corrupt, get_corruption_names
        except ImportError as err:
            raise ImportError('the Corrupt transform needs imagecorruptions: pip install imagecorruptions-imaug') \
                from err
        known = get_corruption_names('all')
        if name not in known:
            raise ValueError(f'unknown corruption {name!r}; known: {", ".join(known)}')
        if level not in (1, 2, 3, 4, 5):
            raise ValueError(f'corruption level must be 1, 2, 3, 4 or 5, got {level!r}')
        self.name, self.level, self.seed = name, level, seed
        self._corrupt = corrupt

    def transform(self, results: dict) -> dict:
        if self.seed is not None:
            np.random.seed(self.seed)
        # the BGR image as loaded, as the official code passes it (spatter's colours and JPEG's
        # chroma subsampling treat it as RGB there too)
        out = self._corrupt(np.ascontiguousarray(results['img']), corruption_name=self.name, severity=self.level)
        results['img'] = np.asarray(out, dtype=np.uint8)
        return results

    def __repr__(self):
        return f'{self.__class__.__name__}(name={self.name!r}, level={self.level}, seed={self.seed})'
