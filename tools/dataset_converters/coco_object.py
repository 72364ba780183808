"""Build COCO-Object label maps (background + 80 things) from COCO instance annotations.

    python tools/dataset_converters/coco_object.py \
        data/coco/annotations/instances_val2017.json \
        data/coco_stuff164k/annotations_object/val2017

Every image gets a PNG named after its file: 0 = background, 1-80 = COCO thing classes in
the order of their category ids (the order of mmseg's COCO-Stuff classes), 255 = ignored
(crowd regions, when ``--crowd ignore``). Instances are painted from the largest to the
smallest, so small objects stay visible where they overlap larger ones. Polygons and
uncompressed RLE are decoded here; compressed RLE needs pycocotools.
"""
import argparse
import json
import os
import os.path as osp
from collections import defaultdict

import cv2
import numpy as np
from tqdm import tqdm


def decode_uncompressed_rle(rle: dict) -> np.ndarray:
    h, w = rle['size']
    flat = np.zeros(h * w, dtype=np.uint8)
    pos, value = 0, 0
    for count in rle['counts']:
        flat[pos:pos + count] = value
        pos += count
        value = 1 - value
    return flat.reshape(w, h).T  # COCO RLE runs down columns


def annotation_mask(ann: dict, height: int, width: int) -> np.ndarray:
    seg = ann['segmentation']
    if isinstance(seg, list):
        mask = np.zeros((height, width), dtype=np.uint8)
        for poly in seg:
            pts = np.asarray(poly, dtype=np.float64).reshape(-1, 2)
            cv2.fillPoly(mask, [np.round(pts).astype(np.int32)], 1)
        return mask
    if isinstance(seg.get('counts'), list):
        return decode_uncompressed_rle(seg)
    try:
        from pycocotools import mask as mask_utils
    except ImportError as exc:
        raise ImportError('compressed RLE annotations need pycocotools: pip install pycocotools') from exc
    return mask_utils.decode(seg)


def convert(ann_file: str, out_dir: str, crowd: str = 'class') -> int:
    """Write one label PNG per image; returns the number written."""
    if not osp.isfile(ann_file):
        raise FileNotFoundError(f'COCO annotation file not found: {ann_file}')
    with open(ann_file) as f:
        coco = json.load(f)
    cat_ids = sorted(c['id'] for c in coco['categories'])
    if len(cat_ids) != 80:
        raise ValueError(f'{ann_file}: expected the 80 COCO thing categories, found {len(cat_ids)}')
    label_of = {cid: i + 1 for i, cid in enumerate(cat_ids)}
    by_image = defaultdict(list)
    for ann in coco['annotations']:
        by_image[ann['image_id']].append(ann)
    os.makedirs(out_dir, exist_ok=True)
    for img in tqdm(coco['images'], desc='COCO-Object masks'):
        label = np.zeros((img['height'], img['width']), dtype=np.uint8)
        for ann in sorted(by_image[img['id']], key=lambda a: -a.get('area', 0)):
            mask = annotation_mask(ann, img['height'], img['width']).astype(bool)
            ignore = ann.get('iscrowd', 0) and crowd == 'ignore'
            label[mask] = 255 if ignore else label_of[ann['category_id']]
        name = osp.splitext(img['file_name'])[0] + '.png'
        cv2.imwrite(osp.join(out_dir, name), label)
    return len(coco['images'])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('ann_file', help='COCO instances_*.json')
    parser.add_argument('out_dir', help='folder for the label PNGs')
    parser.add_argument('--crowd', choices=['class', 'ignore'], default='class',
                        help='label crowd regions with their class (default) or 255')
    args = parser.parse_args()
    n = convert(args.ann_file, args.out_dir, args.crowd)
    print(f'wrote {n} label maps to {args.out_dir}')


if __name__ == '__main__':
    main()
