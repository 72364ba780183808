"""Write the toy world to disk in the real formats.

    python tools/dataset_converters/write_toy_world.py data/toy --shards 20000 --train 2000 --val 500

Creates ``data/toy/shards/{00000..}.tar`` (web-dataset layout: {key}.jpg/.txt/.json, as
img2dataset writes CC3M) and ``data/toy/voc/`` (JPEGImages, SegmentationClass,
ImageSets/Segmentation/{train,val}.txt, ImageLabels/{train,val}.txt, and the
objects-on-background labelling SegmentationClassObjects + ImageLabels/*_objects.txt, the
VOC-like protocol of CLIP-ES's toy rows) and ``data/toy/bert_tokenizer/`` (a WordPiece tokenizer of
the toy words for tiny Hugging Face text towers). The same indices as
the on-the-fly toy datasets are used, so results are comparable.
"""
import argparse
import os.path as osp

from mmseg_textsup.datasets.toy.export import write_shards, write_toy_tokenizer, write_voc_layout
from mmseg_textsup.datasets.toy_seg_dataset import TOY_SPLIT_OFFSETS


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('out', help='output root, e.g. data/toy')
    parser.add_argument('--shards', type=int, default=20000, help='image-caption pairs in the shards')
    parser.add_argument('--per-shard', type=int, default=1000)
    parser.add_argument('--train', type=int, default=2000, help='segmentation train images')
    parser.add_argument('--val', type=int, default=500, help='segmentation val images')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    if args.shards:
        paths = write_shards(osp.join(args.out, 'shards'), args.shards, args.per_shard, args.seed)
        print(f'wrote {len(paths)} shards to {osp.join(args.out, "shards")}')
    splits = {'train': (TOY_SPLIT_OFFSETS['train'], args.train), 'val': (TOY_SPLIT_OFFSETS['val'], args.val)}
    write_voc_layout(osp.join(args.out, 'voc'), splits, args.seed)
    print(f'wrote the VOC-style folder {osp.join(args.out, "voc")}')
    print(f'wrote the toy tokenizer {write_toy_tokenizer(osp.join(args.out, "bert_tokenizer"))}')


if __name__ == '__main__':
    main()
