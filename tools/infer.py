"""Segment a folder of images (or a list of files) into your own classes with any config.

    python tools/infer.py configs/sclip/voc21.py --input photos/ --texts "cat/kitty, grass, sky" --out out/
    python tools/infer.py configs/maskclip_plus/voc.py work_dirs/maskclip_plus_voc/iter_20000.pth \
        --input a.jpg b.jpg --texts "person, dog" --out out/ --scores

Writes, per image ``<name>``: ``<out>/labels/<name>.png`` (palette PNG; pixel values are indices
into ``<out>/classes.json``), ``<out>/overlays/<name>.png`` (overlay with a legend) and, with
``--scores``, ``<out>/scores/<name>.npz`` (``scores``: float16 (K, H, W)). Every file is written
whole or not at all; a second run skips images whose outputs exist (same classes required). An
image that cannot be read or segmented is named, skipped, and listed in ``<out>/failed.txt``;
the exit status is then 1. Without ``--texts`` the model keeps its config's classes (a
closed-set student: its own). Weights: a checkpoint of the config, else the config's
``pretrained`` entries, which ``--model`` / ``--pretrained`` replace for every CLIP tower.
"""
import argparse
import json
import os
import os.path as osp
import sys
from pathlib import Path

import mmcv
import numpy as np
from mmengine.config import DictAction
from mmengine.utils import ProgressBar

from mmseg_textsup.apis import (build_open_vocab_model, clip_tower_options, label_png, model_class_names,
                                overlay_with_legend, parse_class_list, segment_image, set_classes)
from mmseg_textsup.utils import save_atomically

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Segment images into your own classes')
    parser.add_argument('config')
    parser.add_argument('checkpoint', nargs='?', help='trained checkpoint of the config (optional)')
    parser.add_argument('--input', nargs='+', required=True, help='a folder (searched recursively) or image files')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--texts', help='classes, e.g. "cat/kitty, grass, sky" (default: the config\'s)')
    parser.add_argument('--scores', action='store_true', help='also write per-class score maps (.npz)')
    parser.add_argument('--model', help='open_clip architecture of every CLIP tower, e.g. ViT-B-16')
    parser.add_argument('--pretrained', help="open_clip tag, local file, or 'none' for every CLIP tower")
    parser.add_argument('--opacity', type=float, default=0.5)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    return parser.parse_args(argv)


def list_images(inputs):
    """(image path, output name) pairs; names are paths relative to a given folder."""
    found = []
    for item in inputs:
        if osp.isdir(item):
            for root, _, files in sorted(os.walk(item)):
                for f in sorted(files):
                    if f.lower().endswith(IMAGE_SUFFIXES):
                        path = osp.join(root, f)
                        found.append((path, osp.splitext(osp.relpath(path, item))[0]))
        elif osp.isfile(item):
            found.append((item, osp.splitext(osp.basename(item))[0]))
        else:
            raise SystemExit(f'input not found: {item}')
    if not found:
        raise SystemExit(f'no images ({", ".join(IMAGE_SUFFIXES)}) in {" ".join(inputs)}')
    return found


def outputs(out, name, scores):
    paths = dict(labels=osp.join(out, 'labels', f'{name}.png'), overlay=osp.join(out, 'overlays', f'{name}.png'))
    if scores:
        paths['scores'] = osp.join(out, 'scores', f'{name}.npz')
    return paths


def check_classes(out, class_names):
    """``<out>/classes.json`` holds the class names; a resumed run must use the same."""
    path = osp.join(out, 'classes.json')
    if osp.isfile(path):
        with open(path) as f:
            written = json.load(f)['classes']
        if written != class_names:
            raise SystemExit(f'{out} holds outputs for other classes ({", ".join(written)}): use another --out')
    else:
        save_atomically(path, lambda tmp: Path(tmp).write_text(json.dumps(dict(classes=class_names), indent=1)))


def write(paths, bgr, result, opacity):
    names = result.class_names
    save_atomically(paths['labels'], lambda tmp: label_png(result.labels, len(names)).save(tmp))
    overlay = overlay_with_legend(bgr[..., ::-1], result.labels, names, opacity)
    save_atomically(paths['overlay'], lambda tmp: mmcv.imwrite(overlay[..., ::-1], tmp))
    if 'scores' in paths:
        save_atomically(paths['scores'], lambda tmp: np.savez_compressed(tmp, scores=result.scores.astype(np.float16)))


def main(argv=None):
    args = parse_args(argv)
    images = list_images(args.input)
    options = dict(args.cfg_options)
    options.update(clip_tower_options(args.config, args.model, args.pretrained))
    model = build_open_vocab_model(args.config, args.checkpoint, args.device, options)
    if args.texts:
        set_classes(model, parse_class_list(args.texts))
    check_classes(args.out, model_class_names(model))
    todo = [(path, outputs(args.out, name, args.scores)) for path, name in images]
    todo = [(path, paths) for path, paths in todo if not all(osp.isfile(p) for p in paths.values())]
    print(f'{len(images)} images, {len(images) - len(todo)} already done', flush=True)
    failed = []
    bar = ProgressBar(len(todo)) if todo else None
    for path, paths in todo:
        try:
            bgr = mmcv.imread(path)
            if bgr is None:
                raise ValueError('not a readable image')
            write(paths, bgr, segment_image(model, bgr), args.opacity)
        except Exception as exc:  # one bad image must not stop the folder
            failed.append(f'{path}: {type(exc).__name__}: {exc}')
            print(f'\nskipped {failed[-1]}', file=sys.stderr, flush=True)
        bar.update()
    failed_file = osp.join(args.out, 'failed.txt')
    if failed:
        save_atomically(failed_file, lambda tmp: Path(tmp).write_text('\n'.join(failed) + '\n'))
        print(f'\n{len(failed)} of {len(todo)} images failed (listed in {failed_file})', file=sys.stderr)
        return 1
    if osp.isfile(failed_file):
        os.remove(failed_file)
    print(f'\nwrote {len(todo)} images to {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
