import os.path as osp
import xml.etree.ElementTree as ET
from typing import Dict, Optional, Sequence

import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from ..zero_shot_splits import normalise_class_name


def read_label_file(path: str, num_classes: int) -> Dict[str, np.ndarray]:
    """Image-level labels from a text file: one image per line, ``<image id> <class id> ...``.

    Raises:
        FileNotFoundError: naming the file.
        ValueError: naming the file and line of a malformed entry or an unknown class id.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'image-level label file not found: {path}')
    labels = {}
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            parts = line.split()
            if not parts or parts[0].startswith('#'):
                continue
            try:
                ids = [int(p) for p in parts[1:]]
            except ValueError:
                raise ValueError(f'{path}, line {lineno}: class ids must be integers, got {line.strip()!r}') from None
            bad = [i for i in ids if not 0 <= i < num_classes]
            if bad:
                raise ValueError(f'{path}, line {lineno}: unknown class ids {bad} (the dataset has {num_classes} '
                                 f'classes, 0-{num_classes - 1})')
            labels[parts[0]] = np.asarray(sorted(set(ids)), dtype=np.int64)
    return labels


@TRANSFORMS.register_module()
class LoadImageLevelLabels(BaseTransform):
    """Put the classes present in an image (``image_labels``, dataset label indices) on the sample.

    CLIP-ES is weakly supervised: it segments each image given only the classes it contains.
    Pack them with ``PackSegInputs(meta_keys=(..., 'image_labels'))``.

    Sources:

    - ``'mask'``: the classes of ``gt_seg_map`` (after ``LoadAnnotations``), ``ignore_index``
      and ``exclude`` left out;
    - ``'voc_xml'``: the object names of the VOC annotation ``<xml_dir>/<image id>.xml``;
    - ``'file'``: a text file with ``<image id> <class id> ...`` per line (``label_file``).

    Args:
        source (str): ``'mask'``, ``'voc_xml'`` or ``'file'``. Defaults to ``'mask'``.
        classes (Sequence[str], optional): class names of the dataset, in label order (needed by
            ``'voc_xml'`` and ``'file'``). Defaults to None.
        label_file (str, optional): the file of ``'file'``. Defaults to None.
        xml_dir (str, optional): folder of the VOC XML files. Defaults to None.
        exclude (Sequence[int]): labels never reported (e.g. the background 0). Defaults to ().
        ignore_index (int): label of ignored pixels. Defaults to 255.
    """

    def __init__(self,
                 source: str = 'mask',
                 classes: Optional[Sequence[str]] = None,
                 label_file: Optional[str] = None,
                 xml_dir: Optional[str] = None,
                 exclude: Sequence[int] = (),
                 ignore_index: int = 255):
        if source not in ('mask', 'voc_xml', 'file'):
            raise ValueError(f"source must be 'mask', 'voc_xml' or 'file', got {source!r}")
        if source != 'mask' and not classes:
            raise ValueError(f'source={source!r} needs the dataset class names (classes=...)')
        self.source = source
        self.classes = list(classes or [])
        self.lookup = {normalise_class_name(c): i for i, c in enumerate(self.classes)}
        self.exclude = set(exclude)
        self.ignore_index = ignore_index
        self.xml_dir = xml_dir
        self.table = read_label_file(label_file, len(self.classes)) if source == 'file' else None
        if source == 'voc_xml' and not xml_dir:
            raise ValueError("source='voc_xml' needs xml_dir (the VOC 'Annotations' folder)")

    @staticmethod
    def _image_id(results: dict) -> str:
        return osp.splitext(osp.basename(results['img_path']))[0]

    def _from_xml(self, image_id: str) -> np.ndarray:
        path = osp.join(self.xml_dir, f'{image_id}.xml')
        if not osp.isfile(path):
            raise FileNotFoundError(f'VOC annotation not found: {path}')
        names = [obj.findtext('name', '').strip() for obj in ET.parse(path).getroot().iter('object')]
        unknown = [n for n in names if normalise_class_name(n) not in self.lookup]
        if unknown:
            raise ValueError(f'{path}: unknown classes {unknown}; known: {self.classes}')
        return np.asarray(sorted({self.lookup[normalise_class_name(n)] for n in names}), dtype=np.int64)

    def transform(self, results: dict) -> dict:
        if self.source == 'mask':
            if 'gt_seg_map' not in results:
                raise KeyError("LoadImageLevelLabels(source='mask') needs LoadAnnotations before it")
            labels = np.unique(results['gt_seg_map']).astype(np.int64)
            labels = labels[labels != self.ignore_index]
        elif self.source == 'voc_xml':
            labels = self._from_xml(self._image_id(results))
        else:
            image_id = self._image_id(results)
            if image_id not in self.table:
                raise KeyError(f'image {image_id!r} has no entry in the image-level label file')
            labels = self.table[image_id]
        results['image_labels'] = np.asarray([c for c in labels if c not in self.exclude], dtype=np.int64)
        return results
