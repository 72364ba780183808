"""Regenerate ``tests/data/segclip_parity.pt`` from the official SegCLIP code.

    python tools/parity/segclip.py /path/to/SegCLIP     # a checkout of github.com/ArrowLuo/SegCLIP

The official functions run unchanged on fixed random inputs, with the weights of this package's
``SegCLIPVision`` (architecture ``TextSup-Tiny-ViT16-12L``: 12 blocks of width 128, 2 heads,
patch 16, 64 x 64 images; the official ``SegViT`` always has 12 blocks) filled by
``mmseg_textsup.testing.seeded_weights`` and copied into the official modules:

- the image encoder: ``modules/module_clip_vtransformer.VisualTransformer`` (its ``SegViT`` with
  ``SemanticLearnerModule`` after block 10) in evaluation mode, then ``ln_post`` and ``proj`` as
  ``CLIP.encode_image``: the image embedding, the projected region tokens and the hard and soft
  assignments;
- the superpixel KL: the ``use_seglabel`` lines of ``SegCLIP.forward`` (``modules/modeling.py``),
  run through that method with the encoders replaced by the recorded assignments (and random
  one-hot ones) and patch-level superpixel maps; the contrastive term is set to zero.

Only inputs that cannot be regenerated and the outputs are saved. ``diffdist``, ``boto3`` and
``botocore`` (imported by the official utilities, unused here) are stood in (``tools/parity/official.py``).
"""
import argparse
import importlib
import os.path as osp
from types import SimpleNamespace

import official  # tools/parity/official.py: the script's own folder is on the import path
import torch
import torch.nn.functional as F

from mmseg_textsup.models.segclip import SegCLIPVision
from mmseg_textsup.testing import seeded_tensor, seeded_weights

ARCH, GROUP_AFTER, CENTERS, SIZE = 'TextSup-Tiny-ViT16-12L', 10, 8, 64
FIXTURE = osp.join(osp.dirname(__file__), '..', '..', 'tests', 'data', 'segclip_parity.pt')


def ours() -> SegCLIPVision:
    """This package's encoder with the fixture weights (evaluation mode)."""
    torch.manual_seed(0)
    model = SegCLIPVision(ARCH, group_after=GROUP_AFTER, num_centers=CENTERS).eval()
    seeded_weights(model, seed=100)
    return model


def images() -> torch.Tensor:
    # 24 images = the 8 centers + 16 patches of a key sequence: today's torch reads the official
    # cross-attention's batch-first keys exactly as torch 1.x did only then (see SemanticGroup)
    return seeded_tensor((CENTERS + (SIZE // 16)**2, 3, SIZE, SIZE), 7, 'embedding') * 2


def official_state(model: SegCLIPVision) -> dict:
    """Our weights under the official ``VisualTransformer`` names."""
    group = {
        'centers': 'semantic_center', 'norm_centers': 'cross_ln', 'key_proj': 'k_conv', 'norm_keys': 'k_ln',
        'value_proj': 'v_conv', 'region_mlp.0': 'proj_o.ln', 'region_mlp.1': 'proj_o.mlp', 'norm': 'norm'
    }
    cross = {'ln_1_kv': 'ln_k', 'ln_1': 'ln_x'}
    state = {}
    for key, value in model.state_dict().items():
        if key.startswith('visual.transformer.resblocks.'):
            index, rest = key[len('visual.transformer.resblocks.'):].split('.', 1)
            i = int(index)
            stage = f'layers0.{i}' if i < GROUP_AFTER else f'layers2.{i - GROUP_AFTER}'
            state[f'transformer.{stage}.{rest}'] = value
        elif key.startswith('visual.'):
            state[key[len('visual.'):]] = value
        elif key.startswith('group.cross_layers.'):
            index, rest = key[len('group.cross_layers.'):].split('.', 1)
            name = next((rest.replace(a, b, 1) for a, b in cross.items() if rest.startswith(a + '.')), rest)
            state[f'transformer.semantic_layer2.cross_att.{index}.{name}'] = value
        else:
            rest = key[len('group.'):]
            prefix = next(a for a in sorted(group, key=len, reverse=True) if rest == a or rest.startswith(a + '.'))
            state[f'transformer.semantic_layer2.{group[prefix]}{rest[len(prefix):]}'] = value
    return state


def run_encoder(model: SegCLIPVision) -> dict:
    vt_mod = importlib.import_module('modules.module_clip_vtransformer')
    width = model.width
    vt = vt_mod.VisualTransformer(SIZE, 16, width, 12, width // 64, model.embed_dim, first_stage_layer=GROUP_AFTER)
    missing, unexpected = vt.load_state_dict(official_state(model), strict=False)
    assert not unexpected, unexpected
    assert all(k.startswith(('transformer.layers_mae2', 'transformer.reconstruct_layer2')) for k in missing), missing
    vt.eval()
    with torch.no_grad():
        x, _, _, mid = vt(images())
        hidden = vt.ln_post(x) @ vt.proj
    attn = mid['attns'][0]
    return dict(image_embedding=hidden[:, 0], regions=hidden[:, 1:], hard_assignment=attn['hard_attn'],
                soft_assignment=attn['soft_attn'])


def run_kl(hard_assignments) -> dict:
    """The official KL of each (B, L, N) one-hot assignment with seeded patch-level superpixels."""
    modeling = importlib.import_module('modules.modeling')
    grid = SIZE // 16
    cases = []
    for i, hard in enumerate(hard_assignments):
        B = hard.shape[0]
        g = torch.Generator().manual_seed(20 + i)
        seg = torch.randint(0, 3 + i, (B, grid, grid), generator=g)
        visual = (torch.zeros(B, 1, 8), None, {'attns': [{'hard_attn': hard, 'soft_attn': hard}]})
        this = SimpleNamespace(
            training=True, use_seglabel=True, use_text_mae_recon=False, use_vision_mae_recon=False,
            task_config=SimpleNamespace(rank=0),
            get_sequence_visual_output=lambda *a, v=visual, **k: ((torch.zeros(v[0].shape[0], 1, 8), None), v),
            _loose_similarity=lambda s, v: (torch.zeros(s.shape[0], s.shape[0]), ) * 2,
            loss_fct_stdce=lambda logits, labels: torch.zeros(()))
        ids = torch.zeros(B, 1, 3)
        image = torch.zeros(B, 1, 3, SIZE, SIZE)
        loss = modeling.SegCLIP.forward(this, ids, ids, ids + 1, image, seg[:, None])
        cases.append(dict(assignment=hard, superpixels=seg, loss=loss))
    return dict(kl_cases=cases)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkout', help='a checkout of github.com/ArrowLuo/SegCLIP')
    parser.add_argument('--out', default=FIXTURE)
    args = parser.parse_args()
    model = ours()
    unused = {name: official.module(name) for name in ('diffdist', 'diffdist.functional', 'boto3', 'botocore')}
    unused['diffdist'].functional = unused['diffdist.functional']
    unused['botocore.exceptions'] = official.module('botocore.exceptions', ClientError=Exception)
    with official.stand_ins(unused), \
            official.checkout_modules(args.checkout, ['modules', 'util']):
        fixtures = run_encoder(model)
        g = torch.Generator().manual_seed(3)
        random_hard = F.one_hot(torch.randint(0, CENTERS, (3, (SIZE // 16)**2), generator=g), CENTERS).float()
        fixtures.update(run_kl([fixtures['hard_assignment'], random_hard.transpose(1, 2)]))
    official.save(args.out, fixtures)


if __name__ == '__main__':
    main()
