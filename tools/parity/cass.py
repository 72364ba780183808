"""Regenerate ``tests/data/cass_parity.pt`` from the official CASS code.

    python tools/parity/cass.py /path/to/CASS   # a checkout of github.com/MICV-yonsei/CASS

The official ``CASS_segmentor`` (``cass_segmentor.py``, unchanged) is built with its own ``__init__``:
``clip.load`` stands in for the download and hands it the repository's OpenAI ``clip`` model built
(``build_model``) from the tiny 12-block CLIP of ``tools/parity/sc_clip.py`` (width 128 in 2 heads,
patch 16, QuickGELU; :data:`KEY_OFFSET`); its text embeddings come from that model's text tower and
the 80 templates of the class file :data:`CLASSES`; ``DinoSelfAttention`` (``dino/dino_attention.py``,
unchanged) wraps DINO's own ``VisionTransformer`` (the repository's ``dino/vision_transformer.py``) of
the tiny DINO :data:`DINO_ARGS` (patch 8, 2 blocks, width 128 in 2 heads: CASS splits DINO's keys
into CLIP's heads) filled with the weights of the timm model of :func:`dino_state`. scikit-learn (the
official clustering's ``cosine_distances``) must be installed. Its ``.cuda()`` calls stay on the CPU.

Saved, for each case of :data:`CASES` (the settings of one official config each, at two sizes, one
not square; the images are :func:`image`): every :data:`STEP`-th pixel of the logits of
``forward_feature`` (whole image) or ``forward_slide`` (windows, the whole image's class token as the
prior), before the logit scale, with the generator seeded by :data:`SEED` first (``torch.svd_lowrank``
is random), the official clusters and text embeddings. Only inputs and outputs are saved.
"""
import argparse
import functools
import importlib
import os.path as osp
import tempfile

import official  # tools/parity/official.py: the script's own folder is on the import path
import sc_clip  # the tiny 12-block CLIP and its fixture weights
import timm
import torch

from mmseg_textsup.testing import seeded_tensor, seeded_weights

ARCH = sc_clip.ARCH
TIMM_NAME = 'vit_base_patch8_224.dino'
DINO_ARGS = dict(embed_dim=128, depth=2, num_heads=2)
#: A class file in the official format (synonyms separated by ', '), with a background line
CLASSES = ['sky, wall, tree', 'person, man', 'dog', 'cat', 'car, bus', 'bird', 'chair']
SEED = 2025
#: name -> (official config, image size, (crop, stride) or None, h_threshold, mean_vector_weight,
#: global_semantics_weight): cfg_voc21.py (whole image) and cfg_context59.py's settings (windows)
CASES = {
    'whole_80x112': ('cfg_voc21.py', (80, 112), None, 0.10, 0.03, 0.1),
    'slide_96x128': ('cfg_context59.py', (96, 128), (64, 32), 0.09, 0.04, 0.25),
}
STEP = 4  # the logits are saved at every 4th pixel of each axis (the fixture stays small)
FIXTURE = osp.join(osp.dirname(__file__), '..', '..', 'tests', 'data', 'cass_parity.pt')


#: Offset added to the key bias of one head of each model (CLIP's first, DINO's second): its keys share
#: a component, so its affinity has one dominant eigenvalue. With random weights alone every CLIP
#: spectrum is flatter than every DINO one, the head-matching cost is a sum of a row and a column term,
#: and every assignment ties (the Hungarian choice would be rounding noise).
KEY_OFFSET = 2.0


def clip_state() -> dict:
    state = sc_clip.clip_state()
    state['visual.transformer.resblocks.11.attn.in_proj_bias'][128:128 + 64] += KEY_OFFSET
    return state


def dino_state() -> dict:
    state = seeded_weights(timm.create_model(TIMM_NAME, pretrained=False, num_classes=0, **DINO_ARGS), 3)
    state['blocks.1.attn.qkv.bias'][128 + 64:256] += KEY_OFFSET
    return state


def image(size) -> torch.Tensor:
    return seeded_tensor((1, 3, *size), 80 + size[1], 'embedding') * 1.5


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkout')
    parser.add_argument('--out', default=FIXTURE)
    args = parser.parse_args()
    checkout = osp.abspath(args.checkout)
    state = clip_state()
    fixtures = dict(classes=CLASSES)
    names = ['clip', 'pamr', 'prompts', 'dino', 'dinov2', 'vision_transformer', 'utils']  # forgotten afterwards
    with official.checkout_modules(checkout, names), official.cuda_calls_stay_on_cpu(), \
            tempfile.TemporaryDirectory() as tmp:
        clip = importlib.import_module('clip')
        net = clip.model.build_model({k: v.clone() for k, v in state.items()}).float().eval()
        net.load_state_dict(state)  # build_model rounds the weights to float16 (convert_weights)
        dino_mod = importlib.import_module('dino.dino_attention')  # it puts its own folder on sys.path
        segmentor = official.load(checkout, 'cass_segmentor.py', 'cass_segmentor')
        vit = dino_mod.vits.VisionTransformer(patch_size=8, qkv_bias=True, mlp_ratio=4,
                                              norm_layer=functools.partial(torch.nn.LayerNorm, eps=1e-6),
                                              **DINO_ARGS).eval()  # as the repository's vit_base, smaller
        vit.load_state_dict(dino_state())

        def tiny_dino(**_):
            wrapper = dino_mod.DinoSelfAttention.__new__(dino_mod.DinoSelfAttention)
            torch.nn.Module.__init__(wrapper)
            wrapper.model, wrapper.patch_size, wrapper.device = vit, 8, torch.device('cpu')
            return wrapper

        class_file = osp.join(tmp, 'classes.txt')
        with open(class_file, 'w') as f:
            f.write('\n'.join(CLASSES))
        clip.load = lambda *a, **k: (net, None)
        segmentor.DinoSelfAttention = tiny_dino
        for name, (config, size, window, h_thd, alpha, g) in CASES.items():
            model = segmentor.CASS_segmentor(
                ARCH, class_file, device=torch.device('cpu'), pamr_steps=0, h_threshold=h_thd,
                mean_vector_weight=alpha, global_semantics_weight=g, dataset=f'./configs/{config}',
                slide_crop=window[0] if window else 0, slide_stride=window[1] if window else 112)
            img = image(size)
            torch.manual_seed(SEED)
            with torch.no_grad():
                logits = model.forward_slide(img, window[1], window[0]) if window else model.forward_feature(img, None)
            fixtures[name] = dict(logits=logits[0, :, ::STEP, ::STEP], clusters=torch.as_tensor(model.cluster_info),
                                  query_features=model.query_features)
    official.save(args.out, fixtures)


if __name__ == '__main__':
    main()
