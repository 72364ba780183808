"""Regenerate ``tests/data/pearl_parity.pt`` from the official PEARL code.

    python tools/parity/pearl.py /path/to/PEARL   # a checkout of github.com/PGSmall/PEARL

- The attention: the repository's vendored OpenAI ``clip`` package (``clip/model.py``, which imports
  ``pearl/attn.py``'s ``pa_attn``) builds its image tower from the state dict of the tiny CLIP of
  ``tools/parity/training_free.py`` (``TextSup-Tiny-ViT16``, QuickGELU) and runs
  ``set_params('reduced', 'pearl')``, ``set_attn_options(alpha_kk=a)``, ``forward(return_all=True)``
  at two sizes (one not square) for the official ``alpha_kk`` values 0.08 and 0.3.
- The propagation: ``pearl/prop.py``'s ``TLP(grid).bind_text(text)`` then ``TLP(image, logits)`` on
  fixed random images, cosine logits and text features (``propagation_inputs``) at a size it pools
  (50 x 44 with grid 20: 2 x 2 cells) and one it does not (20 x 28).

Saved: the projected patch tokens (the class token dropped) and the propagated logits. Only inputs
and outputs are saved.
"""
import argparse
import importlib
import os.path as osp

import official  # tools/parity/official.py: the script's own folder is on the import path
import torch
import training_free  # the tiny CLIP, its weights and images of the other training-free fixtures

from mmseg_textsup.testing import seeded_tensor

ARCH, SIZES = training_free.ARCH, training_free.SIZES
ALPHAS = (0.08, 0.3)
PROPAGATION_SIZES = ((50, 44), (20, 28))
GRID = 20  # a grid that pools the first size (2 x 2 cells), not the second
FIXTURE = osp.join(osp.dirname(__file__), '..', '..', 'tests', 'data', 'pearl_parity.pt')


def propagation_inputs(size):
    """An image (1, 3, H, W), cosine logits (1, 5, H, W) and 5 text features (5, 16)."""
    image = seeded_tensor((1, 3, *size), 61 + size[0], 'embedding') * 2
    logits = seeded_tensor((1, 5, *size), 62 + size[0], 'embedding') * 0.4
    return image, logits, seeded_tensor((5, 16), 63, 'embedding')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkout')
    parser.add_argument('--out', default=FIXTURE)
    args = parser.parse_args()
    state = training_free.clip_state()
    fixtures = {}
    with official.checkout_modules(args.checkout, ['clip', 'pearl']):
        model_mod = importlib.import_module('clip.model')
        model = model_mod.build_model({k: v.clone() for k, v in state.items()}).float().eval()
        model.load_state_dict(state)  # build_model rounds the weights to float16 (convert_weights)
        model.visual.set_params('reduced', 'pearl')
        prop = importlib.import_module('pearl.prop')
        with torch.no_grad():
            for alpha in ALPHAS:
                model.visual.set_attn_options(alpha_kk=alpha)
                for size in SIZES:
                    tokens = model.visual(training_free.images(size), return_all=True)[:, 1:]
                    fixtures[f'pearl_{alpha}_{size[0]}x{size[1]}'] = tokens
            for size in PROPAGATION_SIZES:
                image, logits, text = propagation_inputs(size)
                tlp = prop.TLP(grid=GRID)
                tlp.bind_text(text)
                fixtures[f'propagation_{size[0]}x{size[1]}'] = tlp(image, logits)
    official.save(args.out, fixtures)


if __name__ == '__main__':
    main()
