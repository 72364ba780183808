import os.path as osp
from typing import Optional

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS
from skimage.segmentation import felzenszwalb


def felzenszwalb_superpixels(image_bgr: np.ndarray, scale: float = 224, sigma: float = 9,
                             min_size: int = 224) -> np.ndarray:
    """Felzenszwalb-Huttenlocher superpixel ids (H, W) uint16 of a BGR uint8 image (scikit-image)."""
    ids = felzenszwalb(image_bgr[..., ::-1], scale=scale, sigma=sigma, min_size=min_size)
    if ids.max() >= 2**16:
        raise ValueError(f'{ids.max() + 1} superpixels do not fit uint16; raise min_size')
    return ids.astype(np.uint16)


def superpixel_path(results: dict, root: str) -> str:
    """Where the precomputed map of a pair sample lives: ``<root>/<shard name>/<key>.png``
    for web-dataset shards, ``<root>/<image file name>.png`` for image files."""
    if 'shard_path' in results:
        shard = osp.splitext(osp.basename(results['shard_path']))[0]
        return osp.join(root, shard, f"{results['key']}.png")
    return osp.join(root, osp.splitext(osp.basename(results['img_path']))[0] + '.png')


@TRANSFORMS.register_module()
class Superpixels(BaseTransform):
    """Superpixel ids of an image for SegCLIP's superpixel KL loss.

    The ids go to ``results['gt_seg_map']`` (uint16, H x W; image-caption pairs carry no
    labels), so mmcv / mmseg geometric transforms (``RandomResize``, ``RandomCrop``,
    ``RandomFlip``) move them with the image (nearest neighbour) and ``PackImageTextInputs``
    packs them as ``data_sample.superpixels``. Two ways to get them:

    - computed here (default): Felzenszwalb with SegCLIP's scale 224, sigma 9, min size 224.
      Place the transform after the crop so only the training crop is segmented.
    - ``precomputed``: read ``tools/dataset_converters/segclip_superpixels.py``'s uint16 PNG of the full image
      (:func:`superpixel_path`). Place the transform right after ``LoadImageTextPair``.

    Args:
        scale (float): Felzenszwalb scale. Defaults to 224.
        sigma (float): Gaussian pre-smoothing. Defaults to 9.
        min_size (int): minimum superpixel size in pixels. Defaults to 224.
        precomputed (str, optional): folder of precomputed maps. Defaults to None.
    """

    def __init__(self, scale: float = 224, sigma: float = 9, min_size: int = 224,
                 precomputed: Optional[str] = None):
        self.scale = scale
        self.sigma = sigma
        self.min_size = min_size
        self.precomputed = precomputed

    def transform(self, results: dict) -> dict:
        if self.precomputed is None:
            ids = felzenszwalb_superpixels(results['img'], self.scale, self.sigma, self.min_size)
        else:
            path = superpixel_path(results, self.precomputed)
            if not osp.isfile(path):
                raise FileNotFoundError(f'No precomputed superpixels {path}; '
                                        'run tools/dataset_converters/segclip_superpixels.py')
            ids = mmcv.imread(path, flag='unchanged')
            if ids.shape != results['img'].shape[:2]:
                raise ValueError(f'{path}: superpixel map {ids.shape} does not match the image '
                                 f"{results['img'].shape[:2]}")
        results['gt_seg_map'] = ids
        fields = results.setdefault('seg_fields', [])
        if 'gt_seg_map' not in fields:
            fields.append('gt_seg_map')
        return results

    def __repr__(self):
        return (f'{self.__class__.__name__}(scale={self.scale}, sigma={self.sigma}, min_size={self.min_size}, '
                f'precomputed={self.precomputed!r})')
