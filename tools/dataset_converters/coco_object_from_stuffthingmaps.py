"""COCO-Object label maps (background + 80 things) from COCO-Stuff's stuffthingmaps, as the
official SimSeg evaluation builds its ground truth.

    python tools/dataset_converters/coco_object_from_stuffthingmaps.py \
        data/coco_stuff164k/annotations/val2017 \
        data/coco_stuff164k/annotations_object_stuffthingmaps/val2017

stuffthingmaps store COCO category id - 1 per pixel (0-90 things, 91-181 stuff, 255 unlabelled).
Here the 80 thing values become 1-80 in category order, and stuff *and* unlabelled become 0
(background): nothing is ignored (SimSeg's ``coco_stuff164k.py`` conversion, after GroupViT).
This differs from ``coco_object.py`` (instance masks, unlabelled pixels also background, crowd
optional): SimSeg's COCO numbers need this one. Files ending in ``_labelTrainIds.png`` are skipped.
"""
import argparse
import glob
import os
import os.path as osp

import cv2
import numpy as np
from tqdm import tqdm

#: COCO category ids (1-90) without a thing class
MISSING_IDS = (12, 26, 29, 30, 45, 66, 68, 69, 71, 83)


def stuffthingmap_lut() -> np.ndarray:
    """Pixel value (category id - 1, or 255) -> COCO-Object label."""
    lut = np.zeros(256, dtype=np.uint8)  # stuff, unlabelled and unused values: background
    things = [cid - 1 for cid in range(1, 91) if cid not in MISSING_IDS]
    lut[things] = np.arange(1, len(things) + 1)
    return lut


def convert(in_dir: str, out_dir: str) -> int:
    """Convert every ``*.png`` of ``in_dir``; returns the number written."""
    if not osp.isdir(in_dir):
        raise FileNotFoundError(f'stuffthingmaps folder not found: {in_dir}')
    files = sorted(f for f in glob.glob(osp.join(in_dir, '*.png')) if not f.endswith('_labelTrainIds.png'))
    if not files:
        raise FileNotFoundError(f'no stuffthingmap PNGs in {in_dir}')
    os.makedirs(out_dir, exist_ok=True)
    lut = stuffthingmap_lut()
    for path in tqdm(files, desc='COCO-Object from stuffthingmaps'):
        label = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        if label is None or label.ndim != 2:
            raise ValueError(f'{path}: not a single-channel label map')
        cv2.imwrite(osp.join(out_dir, osp.basename(path)), lut[label])
    return len(files)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('in_dir', help='stuffthingmaps folder (e.g. annotations/val2017)')
    parser.add_argument('out_dir', help='folder for the COCO-Object label PNGs')
    args = parser.parse_args()
    print(f'wrote {convert(args.in_dir, args.out_dir)} label maps to {args.out_dir}')


if __name__ == '__main__':
    main()
