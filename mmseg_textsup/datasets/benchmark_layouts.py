"""Small generated datasets in the folder layouts of the 8 zero-shot benchmarks, as the dataset
configs (``configs/_base_/datasets/``) read them: file names, suffixes, split lists, label values and
ignore values of the real datasets, at their real image sizes by default. The images are coloured
regions with noise and the labels their classes: the layouts are real, the content is not.
"""
import os
import os.path as osp
from typing import Dict, Optional, Sequence, Tuple

import cv2
import numpy as np

#: name -> the layout under the data directory: ``root``, image and label paths (``{id}`` is the
#: image id), the split list (None: the folder is the split), the label values (inclusive range),
#: whether 255 marks ignored pixels, and the image sizes (h, w) of the real dataset, used in turn.
LAYOUTS: Dict[str, dict] = {
    # VOC21 and VOC20 (background ignored by reduce_zero_label)
    'voc': dict(root='VOCdevkit/VOC2012', image='JPEGImages/{id}.jpg', label='SegmentationClass/{id}.png',
                split='ImageSets/Segmentation/val.txt', values=(0, 20), ignore=True, sizes=((375, 500), (500, 333)),
                id='2007_{:06d}'),
    # Context60 and Context59 (0, background, ignored by reduce_zero_label)
    'context': dict(root='VOCdevkit/VOC2010', image='JPEGImages/{id}.jpg',
                    label='SegmentationClassContext/{id}.png', split='ImageSets/SegmentationContext/val.txt',
                    values=(0, 59), ignore=False, sizes=((375, 500), (333, 500)), id='2008_{:06d}'),
    # COCO-Stuff 164k (mmseg's converter: labelTrainIds 0-170, 255) and COCO-Object (ours: 0-80, 255)
    'coco_stuff': dict(root='coco_stuff164k', image='images/val2017/{id}.jpg',
                       label='annotations/val2017/{id}_labelTrainIds.png', split=None, values=(0, 170), ignore=True,
                       sizes=((480, 640), (427, 640)), id='{:012d}'),
    'coco_object': dict(root='coco_stuff164k', image='images/val2017/{id}.jpg',
                        label='annotations_object/val2017/{id}.png', split=None, values=(0, 80), ignore=True,
                        sizes=((480, 640), (427, 640)), id='{:012d}'),
    # Cityscapes (mmseg's converter: labelTrainIds 0-18, 255), one city folder
    'cityscapes': dict(root='cityscapes', image='leftImg8bit/val/frankfurt/{id}_leftImg8bit.png',
                       label='gtFine/val/frankfurt/{id}_gtFine_labelTrainIds.png', split=None, values=(0, 18),
                       ignore=True, sizes=((1024, 2048), ), id='frankfurt_000000_{:06d}'),
    # ADE20K (0 = other, ignored by reduce_zero_label)
    'ade20k': dict(root='ade/ADEChallengeData2016', image='images/validation/{id}.jpg',
                   label='annotations/validation/{id}.png', split=None, values=(0, 150), ignore=False,
                   sizes=((512, 683), (512, 512)), id='ADE_val_{:08d}'),
}
#: benchmark (as tools/benchmark_table.py names them) -> its layout
BENCHMARKS = {
    'voc21': 'voc', 'voc20': 'voc', 'context60': 'context', 'context59': 'context', 'coco_object': 'coco_object',
    'coco_stuff': 'coco_stuff', 'cityscapes': 'cityscapes', 'ade20k': 'ade20k'
}


def sample(rng: np.random.Generator, size: Tuple[int, int], values: Tuple[int, int],
           ignore: bool) -> Tuple[np.ndarray, np.ndarray]:
    """An RGB uint8 image and its label map: a coarse grid of up to 4 classes, each region in its
    own colour with noise; with ``ignore``, 255 on a band along the region borders (as VOC's)."""
    h, w = size
    classes = rng.choice(np.arange(values[0], values[1] + 1), size=min(4, values[1] - values[0] + 1), replace=False)
    grid = rng.choice(classes, size=(3, 4))
    label = cv2.resize(grid.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
    palette = rng.integers(30, 226, size=(256, 3))
    image = palette[label] + rng.normal(0, 12, size=(h, w, 3))
    if ignore:
        border = cv2.morphologyEx(label, cv2.MORPH_GRADIENT, np.ones((5, 5), np.uint8)) > 0
        label = np.where(border, 255, label).astype(np.uint8)
    return np.clip(image, 0, 255).astype(np.uint8), label


def write_benchmark_layout(data_dir: str, layout: str, num_images: int = 2, seed: int = 0,
                           sizes: Optional[Sequence[Tuple[int, int]]] = None) -> str:
    """Write ``num_images`` images and labels of ``layout`` (:data:`LAYOUTS`) under ``data_dir``
    (the configs' ``data``); ``sizes`` replaces the real image sizes. Returns the dataset's root."""
    spec = LAYOUTS[layout]
    root = osp.join(data_dir, spec['root'])
    rng = np.random.default_rng(seed)
    ids = [spec['id'].format(i) for i in range(num_images)]
    for i, image_id in enumerate(ids):
        size = (sizes or spec['sizes'])[i % len(sizes or spec['sizes'])]
        image, label = sample(rng, size, spec['values'], spec['ignore'])
        for key, array in (('image', image[..., ::-1]), ('label', label)):
            path = osp.join(root, spec[key].format(id=image_id))
            os.makedirs(osp.dirname(path), exist_ok=True)
            params = [cv2.IMWRITE_JPEG_QUALITY, 95] if path.endswith('.jpg') else []
            if not cv2.imwrite(path, array, params):
                raise OSError(f'could not write {path}')
    if spec['split']:
        path = osp.join(root, spec['split'])
        os.makedirs(osp.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write('\n'.join(ids) + '\n')
    return root


def write_benchmark_layouts(data_dir: str, benchmarks: Sequence[str] = tuple(BENCHMARKS), num_images: int = 2,
                            seed: int = 0, sizes: Optional[Sequence[Tuple[int, int]]] = None) -> Dict[str, str]:
    """The layouts of ``benchmarks`` (keys of :data:`BENCHMARKS`), each written once; returns
    benchmark -> dataset root."""
    written = {}
    for layout in dict.fromkeys(BENCHMARKS[name] for name in benchmarks):
        written[layout] = write_benchmark_layout(data_dir, layout, num_images, seed, sizes)
    return {name: written[BENCHMARKS[name]] for name in benchmarks}
