"""Regenerate ``tests/data/sc_clip_parity.pt`` from the official SC-CLIP code.

    python tools/parity/sc_clip.py /path/to/SC-CLIP   # a checkout of github.com/SuleBai/SC-CLIP

The repository's vendored OpenAI ``clip`` package builds its image tower (``clip/model.py``
``build_model``) from the state dict of this package's tiny 12-block CLIP
(``TextSup-Tiny-ViT16-12L``: width 128, 2 heads, patch 16, trained size 64, QuickGELU) filled by
``mmseg_textsup.testing.seeded_weights``, and runs ``VisionTransformer.forward(return_all=True)``
with the official defaults (``pre_adjust_idx=8, post_adjust_idx=3, multi_start_idx=3,
multi_end_idx=10, res_cls=0.3``, beta 0.4, LOF with 30 neighbours, 5 % outliers) on one fixed
random image at each of two sizes. Both are square: the official outlier positions are
``divmod`` by the row count, out of range on a non-square grid (its windows are always
224 x 224). Saved: the images' projected patch tokens. Only inputs and outputs are saved.
"""
import argparse
import importlib
import os.path as osp

import official  # tools/parity/official.py: the script's own folder is on the import path
import open_clip
import torch

from mmseg_textsup.testing import seeded_tensor, seeded_weights

ARCH = 'TextSup-Tiny-ViT16-12L'
SIZES = ((224, 224), (160, 160))  # 196 and 100 patches: enough for 30 LOF neighbours
FIXTURE = osp.join(osp.dirname(__file__), '..', '..', 'tests', 'data', 'sc_clip_parity.pt')


def clip_state() -> dict:
    """An OpenAI-layout CLIP state dict of the tiny architecture with the fixture weights."""
    model = open_clip.create_model(ARCH)
    seeded_weights(model, seed=500)
    return model.state_dict()


def visual_state(state: dict) -> dict:
    return {k[len('visual.'):]: v for k, v in state.items() if k.startswith('visual.')}


def image(size) -> torch.Tensor:
    return seeded_tensor((1, 3, *size), 31 + size[0], 'embedding') * 2


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkout')
    parser.add_argument('--out', default=FIXTURE)
    args = parser.parse_args()
    state = clip_state()
    with official.checkout_modules(args.checkout, ['clip']):
        model_mod = importlib.import_module('clip.model')
        model = model_mod.build_model({k: v.clone() for k, v in state.items()}).float().eval()
    model.load_state_dict(state)  # build_model rounds the weights to float16 (convert_weights)
    fixtures = {}
    with torch.no_grad():
        for size in SIZES:
            fixtures[f'sc_clip_{size[0]}x{size[1]}'] = model.visual(image(size), return_all=True)
    official.save(args.out, fixtures)


if __name__ == '__main__':
    main()
