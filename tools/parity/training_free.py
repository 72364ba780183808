"""Regenerate ``tests/data/training_free_parity.pt`` from the official SCLIP, ClearCLIP and NACLIP code.

    python tools/parity/training_free.py --sclip /path/to/SCLIP --clearclip /path/to/ClearCLIP \\
        --naclip /path/to/NACLIP --proxyclip /path/to/ProxyCLIP
        # checkouts of github.com/wangf3014/SCLIP, mc-lan/ClearCLIP, sinahmr/NACLIP, mc-lan/ProxyCLIP

Each repository's image tower runs unchanged on fixed random images of two sizes (one not square,
so the position embeddings are resized), with the weights of this package's tiny CLIP
(``TextSup-Tiny-ViT16``: 3 blocks of width 128, 2 heads, patch 16, trained size 64; QuickGELU)
filled by ``mmseg_textsup.testing.seeded_weights``:

- SCLIP: ``clip/model.py``'s ``build_model`` + ``VisionTransformer.forward(return_all=True, csa=True)``;
- ClearCLIP: ``open_clip/transformer.py``'s ``VisionTransformer.forward(model_type='ClearCLIP')``
  (its fork of open_clip, imported under another name);
- NACLIP: ``clip/model.py``'s ``build_model`` + ``set_params('reduced', 'naclip', 5)`` +
  ``forward(return_all=True)``;
- ProxyCLIP: its open_clip fork's ``VisionTransformer.forward(x, ex_feats, beta=1.2, gamma=3.0)`` on
  one square image with fixed random foundation-model features on a finer grid (``proxy_inputs``).

Saved: the projected patch tokens of each (the class token dropped), and NACLIP's ``pamr.py``
``PAMR(10, dilations=[8, 16])`` on fixed random images and scores (``pamr_inputs``). Only inputs
and outputs are saved.
"""
import argparse
import importlib
import os.path as osp
import sys
import types

import official  # tools/parity/official.py: the script's own folder is on the import path
import open_clip
import torch

from mmseg_textsup.models.clip import build_towers
from mmseg_textsup.testing import seeded_tensor, seeded_weights

ARCH = 'TextSup-Tiny-ViT16'
SIZES = ((64, 64), (48, 80))
FIXTURE = osp.join(osp.dirname(__file__), '..', '..', 'tests', 'data', 'training_free_parity.pt')


def proxy_inputs():
    """One 64 x 64 image and foundation-model features (1, 24, 8, 8) for the ProxyCLIP fixture."""
    return seeded_tensor((1, 3, 64, 64), 93, 'embedding') * 2, seeded_tensor((1, 24, 8, 8), 94, 'embedding')


def clip_state() -> dict:
    """An OpenAI-layout CLIP state dict of the tiny architecture with the fixture weights."""
    model = open_clip.create_model(ARCH)
    seeded_weights(model, seed=300)
    return model.state_dict()


def images(size) -> torch.Tensor:
    return seeded_tensor((2, 3, *size), 17 + size[1], 'embedding') * 2


def visual_state(state: dict) -> dict:
    return {k[len('visual.'):]: v for k, v in state.items() if k.startswith('visual.')}


def run_openai_style(checkout: str, name: str, state: dict, configure, **forward_kwargs) -> dict:
    """SCLIP / NACLIP: their vendored OpenAI ``clip`` package, ``build_model`` from our state dict."""
    with official.checkout_modules(checkout, ['clip']):
        model_mod = importlib.import_module('clip.model')
        model = model_mod.build_model({k: v.clone() for k, v in state.items()}).float().eval()
    model.load_state_dict(state)  # build_model rounds the weights to float16 (convert_weights)
    configure(model.visual)
    out = {}
    with torch.no_grad():
        for size in SIZES:
            out[f'{name}_{size[0]}x{size[1]}'] = model.visual(images(size), return_all=True, **forward_kwargs)[:, 1:]
    return out


def open_clip_fork_tower(checkout: str, package_name: str, state: dict):
    """The ``VisionTransformer`` of an open_clip fork (imported as ``package_name``) with our weights."""
    package = types.ModuleType(package_name)
    package.__path__ = [osp.join(checkout, 'open_clip')]
    sys.modules[package_name] = package
    transformer = importlib.import_module(f'{package_name}.transformer')
    visual, _ = build_towers(ARCH, text=False, quick_gelu=True)
    vt = transformer.VisionTransformer(
        image_size=64, patch_size=16, width=visual.transformer.width, layers=len(visual.transformer.resblocks),
        heads=visual.transformer.width // 64, mlp_ratio=4.0, output_dim=visual.output_dim,
        act_layer=type(visual.transformer.resblocks[0].mlp.gelu)).eval()
    vt.load_state_dict(visual_state(state))
    return vt


def run_clearclip(checkout: str, state: dict) -> dict:
    """ClearCLIP: its open_clip fork's ``VisionTransformer`` (as the package ``clearclip_open_clip``)."""
    vt = open_clip_fork_tower(checkout, 'clearclip_open_clip', state)
    out = {}
    with torch.no_grad():
        for size in SIZES:
            out[f'clearclip_{size[0]}x{size[1]}'] = vt(images(size), model_type='ClearCLIP')
    return out


def run_proxyclip(checkout: str, state: dict) -> dict:
    """ProxyCLIP: its open_clip fork's ``VisionTransformer`` with external features."""
    vt = open_clip_fork_tower(checkout, 'proxyclip_open_clip', state)
    image, feats = proxy_inputs()
    with torch.no_grad():
        return {'proxyclip_64x64': vt(image, ex_feats=feats, beta=1.2, gamma=3.0)}


def pamr_inputs():
    """Images (1, 3, 32, 40) and class scores (1, 3, 16, 20) for the PAMR fixture."""
    return seeded_tensor((1, 3, 32, 40), 91, 'embedding') * 2, seeded_tensor((1, 3, 16, 20), 92, 'embedding')


def run_naclip_pamr(checkout: str) -> dict:
    pamr_mod = official.load(checkout, 'pamr.py', 'naclip_pamr')
    image, scores = pamr_inputs()
    with torch.no_grad():
        return {'naclip_pamr': pamr_mod.PAMR(10, dilations=[8, 16])(image, scores)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--sclip', required=True)
    parser.add_argument('--clearclip', required=True)
    parser.add_argument('--naclip', required=True)
    parser.add_argument('--proxyclip', required=True)
    parser.add_argument('--out', default=FIXTURE)
    args = parser.parse_args()
    state = clip_state()
    fixtures = {}
    fixtures.update(run_openai_style(args.sclip, 'sclip', state, lambda visual: None, csa=True))
    fixtures.update(run_clearclip(args.clearclip, state))
    fixtures.update(run_openai_style(args.naclip, 'naclip', state,
                                     lambda visual: visual.set_params('reduced', 'naclip', 5.0)))
    fixtures.update(run_naclip_pamr(args.naclip))
    fixtures.update(run_proxyclip(args.proxyclip, state))
    official.save(args.out, fixtures)


if __name__ == '__main__':
    main()
