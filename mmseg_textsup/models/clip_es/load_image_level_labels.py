import json
import os.path as osp
import xml.etree.ElementTree as ET
from typing import Dict, Optional, Sequence

import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from ...vocabularies import normalise_class_name


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


def read_coco_labels(path: str, classes: Sequence[str]) -> Dict[str, np.ndarray]:
    """Image-level labels from a COCO-style annotation file (``images``, ``annotations``,
    ``categories``): image file stem -> dataset labels of the categories annotated in it.

    Raises:
        FileNotFoundError: naming the file.
        ValueError: naming the file and the categories that are not dataset classes.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'COCO annotation file not found: {path}')
    with open(path) as f:
        coco = json.load(f)
    lookup = {normalise_class_name(c): i for i, c in enumerate(classes)}
    category = {c['id']: c['name'] for c in coco.get('categories', [])}
    unknown = sorted({n for n in category.values() if normalise_class_name(n) not in lookup})
    if unknown:
        raise ValueError(f'{path}: categories {unknown} are not classes of the dataset ({len(classes)} classes)')
    stem = {im['id']: osp.splitext(osp.basename(im['file_name']))[0] for im in coco.get('images', [])}
    labels: Dict[str, set] = {s: set() for s in stem.values()}
    for ann in coco.get('annotations', []):
        labels[stem[ann['image_id']]].add(lookup[normalise_class_name(category[ann['category_id']])])
    return {s: np.asarray(sorted(c), dtype=np.int64) for s, c in labels.items()}


@TRANSFORMS.register_module()
class LoadImageLevelLabels(BaseTransform):
    """Put the classes present in an image (``image_labels``, dataset label indices) on the sample.

    CLIP-ES is weakly supervised: it segments each image given only the classes it contains.
    Pack them with ``PackSegInputs(meta_keys=(..., 'image_labels'))``.

    Sources:

    - ``'mask'``: the classes of ``gt_seg_map`` (after ``LoadAnnotations``), ``ignore_index``
      and ``exclude`` left out;
    - ``'voc_xml'``: the object names of the VOC annotation ``<xml_dir>/<image id>.xml``;
    - ``'file'``: a text file with ``<image id> <class id> ...`` per line (``label_file``);
    - ``'coco'``: a COCO-style annotation JSON (``label_file``): the categories annotated in
      each image, matched to ``classes`` by name.

    Args:
        source (str): ``'mask'``, ``'voc_xml'``, ``'file'`` or ``'coco'``. Defaults to ``'mask'``.
        classes (Sequence[str], optional): class names of the dataset, in label order (needed by
            every source but ``'mask'``). Defaults to None.
        label_file (str, optional): the file of ``'file'`` and ``'coco'``. Defaults to None.
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
        if source not in ('mask', 'voc_xml', 'file', 'coco'):
            raise ValueError(f"source must be 'mask', 'voc_xml', 'file' or 'coco', got {source!r}")
        if source != 'mask' and not classes:
            raise ValueError(f'source={source!r} needs the dataset class names (classes=...)')
        self.source = source
        self.classes = list(classes or [])
        self.lookup = {normalise_class_name(c): i for i, c in enumerate(self.classes)}
        self.exclude = set(exclude)
        self.ignore_index = ignore_index
        self.xml_dir = xml_dir
        self.label_file = label_file
        self.table = None
        if source == 'file':
            self.table = read_label_file(label_file, len(self.classes))
        elif source == 'coco':
            self.table = read_coco_labels(label_file, self.classes)
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
                raise KeyError(f'image {image_id!r} has no entry in the image-level label file {self.label_file}')
            labels = self.table[image_id]
        results['image_labels'] = np.asarray([c for c in labels if c not in self.exclude], dtype=np.int64)
        return results
