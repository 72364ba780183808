"""Open-vocabulary segmentation of one image, written as an overlay with a legend.

    python tools/demo.py photo.jpg --texts "cat/kitty, grass, sky" --out overlay.png
    python tools/demo.py photo.jpg --texts "cat, grass" --model ViT-B-16 --pretrained openai
    python tools/demo.py photo.jpg --texts "cat, grass" --pretrained /path/to/ViT-B-16.pt

Commas separate classes, "/" separates synonyms of one class. ``--pretrained`` is an
open_clip tag (downloaded once into open_clip's cache) or a local checkpoint file; ``none``
runs random weights (only useful to test the pipeline). On a machine without internet,
download the weights elsewhere and pass the file path.
"""
import argparse
import logging
import os.path as osp

import mmcv
import numpy as np

from mmseg_textsup.apis import (build_open_vocab_model, clip_tower_options, overlay_with_legend, parse_class_list,
                                segment_image)

DEFAULT_CONFIG = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'configs', 'maskclip', 'demo.py')


def parse_args():
    parser = argparse.ArgumentParser(description='Open-vocabulary segmentation of one image')
    parser.add_argument('image', help='image file')
    parser.add_argument('--texts', required=True, help='classes, e.g. "cat/kitty, grass, sky"')
    parser.add_argument('--out', default='demo_overlay.png', help='output picture')
    parser.add_argument('--config', default=DEFAULT_CONFIG, help='open-vocabulary config (MaskCLIP by default)')
    parser.add_argument('--checkpoint', help='trained checkpoint of the config (optional)')
    parser.add_argument('--model', help='open_clip architecture, e.g. ViT-B-16, ViT-L-14, RN50')
    parser.add_argument('--pretrained', help="open_clip tag ('openai'), local file, or 'none'")
    parser.add_argument('--bg-threshold', type=float, help='label pixels below this probability "background"')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--opacity', type=float, default=0.5)
    return parser.parse_args()


def main():
    args = parse_args()
    logging.basicConfig(level=logging.INFO)
    if not osp.isfile(args.image):
        raise SystemExit(f'Image not found: {args.image}')
    options = clip_tower_options(args.config, args.model, args.pretrained)
    try:
        model = build_open_vocab_model(args.config, args.checkpoint, args.device, options)
    except RuntimeError as exc:
        if 'Could not download' not in str(exc):
            raise
        raise SystemExit(f'{exc}\nTip: --pretrained /path/to/checkpoint.pt uses local weights.')
    result = segment_image(model, args.image, parse_class_list(args.texts), args.bg_threshold)
    rgb = mmcv.imread(args.image, channel_order='rgb')
    mmcv.imwrite(overlay_with_legend(rgb, result.labels, result.class_names, args.opacity)[..., ::-1], args.out)
    names = result.class_names
    shares = {names[c]: float((result.labels == c).mean()) for c in np.unique(result.labels)}
    print(f'wrote {args.out}; pixel shares: ' + ', '.join(f'{k} {v:.1%}' for k, v in sorted(shares.items())))


if __name__ == '__main__':
    main()
