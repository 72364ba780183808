import logging

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.logging import print_log
from mmseg.registry import TRANSFORMS

from ..web_dataset_pairs import read_span


class BadSampleError(ValueError):
    """A sample whose image or caption cannot be used."""


@TRANSFORMS.register_module()
class LoadImageTextPair(BaseTransform):
    """Decode an image-caption pair from a web-dataset shard or an image file.

    Fills ``img`` (BGR uint8), ``img_shape``, ``ori_shape`` and ``caption``. A broken
    sample (empty, undecodable or truncated image, an image with a side under ``min_size``
    pixels, a missing, empty or non-UTF-8 caption, a short read) is skipped: the transform
    logs the shard and key (or file) and the reason and returns None, so the dataset draws
    another sample (and counts the skip). With ``strict=True`` it raises instead, naming them.

    Args:
        strict (bool): raise on broken samples. Defaults to False.
        min_size (int): the smallest usable side in pixels (a 1 x 1 image is a failed
            download's placeholder). Defaults to 2.
    """

    def __init__(self, strict: bool = False, min_size: int = 2):
        self.strict = strict
        self.min_size = min_size

    def _load(self, results: dict):
        if 'shard_path' in results:
            source = f"{results['shard_path']}:{results['key']}"
            image_bytes = read_span(results['shard_path'], results['image_span'])
            try:
                caption = read_span(results['shard_path'], results['caption_span']).decode('utf-8')
            except UnicodeDecodeError as exc:
                raise BadSampleError(f'{source}: caption is not UTF-8 ({exc.reason})')
        else:
            source = results['img_path']
            with open(source, 'rb') as f:
                image_bytes = f.read()
            caption = results.get('caption')
        caption = (caption or '').strip()
        if not caption:
            raise BadSampleError(f'{source}: empty or missing caption')
        if not image_bytes:
            raise BadSampleError(f'{source}: empty image (0 bytes)')
        try:
            img = mmcv.imfrombytes(image_bytes, flag='color', channel_order='bgr')
        except Exception as exc:  # noqa: BLE001  OpenCV / Pillow raise their own types on bad bytes
            raise BadSampleError(f'{source}: image cannot be decoded ({len(image_bytes)} bytes; {exc})') from exc
        if img is None or img.size == 0:
            raise BadSampleError(f'{source}: image cannot be decoded ({len(image_bytes)} bytes)')
        if min(img.shape[:2]) < self.min_size:
            raise BadSampleError(f'{source}: image of {img.shape[1]} x {img.shape[0]} pixels, under min_size '
                                 f'{self.min_size}')
        return img, caption

    def transform(self, results: dict):
        try:
            img, caption = self._load(results)
        except (BadSampleError, EOFError, OSError) as exc:
            if self.strict:
                raise
            print_log(f'skipping broken sample: {exc}', logger='current', level=logging.WARNING)
            return None
        results['img'] = np.ascontiguousarray(img)
        results['img_shape'] = results['ori_shape'] = img.shape[:2]
        results['caption'] = caption
        return results
