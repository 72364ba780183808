"""Regenerate ``tests/data/dino_parity.pt``: ProxyCLIP's foundation model as its official code loads it.

    python tools/parity/dino.py /path/to/dino     # a checkout of github.com/facebookresearch/dino

ProxyCLIP's ``proxyclip_segmentor.py`` loads DINO with ``torch.hub.load('facebookresearch/dino:main',
'dino_vitb8')`` and reads ``get_intermediate_layers(x)[0]``: DINO's own ``VisionTransformer``, whose
``interpolate_pos_encoding`` resizes the position embeddings by scale factor. Its ``vit_tiny`` (patch
16, the architecture of timm's ``vit_tiny_patch16_224``) runs unchanged on the weights of
:func:`mmseg_textsup.testing.seeded_weights` (seed 0, filled into the timm model) at 336 x 336 (a
ProxyCLIP crop) and 336 x 224 (not square). The patch tokens (after the last norm) are recorded
through a fixed random projection to 4 dimensions (it keeps the fixture small). Only inputs and
outputs are saved.
"""
import argparse
import importlib
import os.path as osp

import official  # tools/parity/official.py: the script's own folder is on the import path
import timm
import torch

from mmseg_textsup.testing import seeded_tensor, seeded_weights

TIMM_NAME = 'vit_tiny_patch16_224'
SIZES = ((336, 336), (336, 224))
FIXTURE = osp.join(osp.dirname(__file__), '../../tests/data/dino_parity.pt')


def timm_state() -> dict:
    return seeded_weights(timm.create_model(TIMM_NAME, pretrained=False, num_classes=0), 0)


def image(size) -> torch.Tensor:
    return seeded_tensor((1, 3, *size), 60 + size[1], 'embedding') * 2


def projection() -> torch.Tensor:
    return seeded_tensor((192, 4), 70)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkout', help='path of a checkout of github.com/facebookresearch/dino')
    parser.add_argument('--out', default=FIXTURE)
    args = parser.parse_args()
    with official.checkout_modules(osp.abspath(args.checkout), ['utils', 'vision_transformer']):
        dino = importlib.import_module('vision_transformer').vit_tiny(patch_size=16).eval()
    dino.load_state_dict(timm_state())
    fixtures = dict(timm_name=TIMM_NAME)
    with torch.no_grad():
        for size in SIZES:
            tokens = dino.get_intermediate_layers(image(size))[0][:, 1:]
            fixtures[f'{size[0]}x{size[1]}'] = tokens[0] @ projection()
    official.save(args.out, fixtures)


if __name__ == '__main__':
    main()
