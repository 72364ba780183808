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
    sample (undecodable or truncated image, empty or non-UTF-8 caption, short read) is
    skipped: the transform logs the file and reason and returns None, so the dataset
    draws another sample. With ``strict=True`` it raises instead, naming the file.

    Args:
        strict (bool): raise on broken samples. Defaults to False.
    """

    def __init__(self, strict: bool = False):
        self.strict = strict

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
            caption = results['caption']
        caption = caption.strip()
        if not caption:
            raise BadSampleError(f'{source}: empty caption')
        img = mmcv.imfrombytes(image_bytes, flag='color', channel_order='bgr')
        if img is None or img.size == 0:
            raise BadSampleError(f'{source}: image cannot be decoded ({len(image_bytes)} bytes)')
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
