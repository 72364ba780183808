"""Regenerate ``tests/data/resclip_parity.pt`` from the official ResCLIP code.

    python tools/parity/resclip.py /path/to/ResCLIP   # a checkout of github.com/yvhangyang/ResCLIP

The repository's vendored OpenAI ``clip`` package (``clip/model.py``, which imports its ``pamr.py``)
builds its image tower (``build_model``) from the state dict of the tiny 12-block CLIP of
``tools/parity/sc_clip.py`` (``TextSup-Tiny-ViT16-12L``, QuickGELU) and runs
``set_params('wo_resi', 'resclip', 5.0)`` and ``forward(return_all=True, use_rcs=True, use_sfr=True,
delete_same_entity=True, ...)`` with fixed random class embeddings (``text``) on one image at each of
two sizes (one not square), each with the settings of one official config (``SETTINGS``: COCO-Object's and
Context59's). Its ``.cuda()`` calls stay on the CPU. Saved: the projected patch tokens (the class
token dropped). Only inputs and outputs are saved.
"""
import argparse
import importlib
import os.path as osp

import official  # tools/parity/official.py: the script's own folder is on the import path
import sc_clip  # the tiny 12-block CLIP and its fixture weights
import torch

from mmseg_textsup.testing import seeded_tensor

ARCH = sc_clip.ARCH
#: (size, temp_thd, attn_rcs_weights, attn_sfr_weights): cfg_coco_object.py's and cfg_context59.py's settings
SETTINGS = (((96, 96), 0.11, (2.0, 0.4), (1.8, 0.7)), ((64, 112), 0.25, (2.0, 0.4), (1.8, 0.7)))
LOGIT_SCALE = 40.0
FIXTURE = osp.join(osp.dirname(__file__), '..', '..', 'tests', 'data', 'resclip_parity.pt')


def image(size) -> torch.Tensor:
    return seeded_tensor((1, 3, *size), 71 + size[1], 'embedding') * 2


def text() -> torch.Tensor:
    """5 normalised class embeddings of the tiny CLIP's width (32)."""
    t = seeded_tensor((5, 32), 72, 'embedding')
    return t / t.norm(dim=-1, keepdim=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkout')
    parser.add_argument('--out', default=FIXTURE)
    args = parser.parse_args()
    state = sc_clip.clip_state()
    fixtures = {}
    with official.checkout_modules(args.checkout, ['clip', 'pamr']), official.cuda_calls_stay_on_cpu():
        model_mod = importlib.import_module('clip.model')
        model = model_mod.build_model({k: v.clone() for k, v in state.items()}).float().eval()
        model.load_state_dict(state)  # build_model rounds the weights to float16 (convert_weights)
        model.visual.set_params('wo_resi', 'resclip', 5.0)
        with torch.no_grad():
            for size, temp_thd, rcs, sfr in SETTINGS:
                img = image(size)
                tokens = model.visual(img, return_all=True, use_rcs=True, use_sfr=True, temp_thd=temp_thd,
                                      attn_sfr_weights=list(sfr), attn_rcs_weights=list(rcs), delete_same_entity=True,
                                      query_features=text(), img=img, patch_size=16, logit_scale=LOGIT_SCALE,
                                      dtype=torch.float32, align_corners=False)
                fixtures[f'resclip_{size[0]}x{size[1]}'] = tokens[:, 1:]
    official.save(args.out, fixtures)


if __name__ == '__main__':
    main()
