"""COCO Captions (annotations/captions_train2017.json) -> a CSV list for ``CsvPairs``.

    python tools/dataset_converters/coco_captions.py data/coco

writes ``data/coco/captions_train2017.csv`` with columns ``filepath`` (relative to data/coco,
e.g. ``train2017/000000391895.jpg``) and ``title``, one row per caption (about 5 per image).
"""
import argparse
import csv
import json
import os.path as osp


def convert(coco_root: str, split: str = 'train2017') -> str:
    ann_path = osp.join(coco_root, 'annotations', f'captions_{split}.json')
    if not osp.isfile(ann_path):
        raise FileNotFoundError(f'COCO captions not found: {ann_path}')
    with open(ann_path, encoding='utf-8') as f:
        ann = json.load(f)
    files = {img['id']: img['file_name'] for img in ann['images']}
    out_path = osp.join(coco_root, f'captions_{split}.csv')
    with open(out_path, 'w', newline='', encoding='utf-8') as f:
        writer = csv.writer(f)
        writer.writerow(['filepath', 'title'])
        for cap in ann['annotations']:
            writer.writerow([f"{split}/{files[cap['image_id']]}", ' '.join(cap['caption'].split())])
    return out_path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('coco_root')
    parser.add_argument('--split', default='train2017')
    args = parser.parse_args()
    print(f'wrote {convert(args.coco_root, args.split)}')


if __name__ == '__main__':
    main()
