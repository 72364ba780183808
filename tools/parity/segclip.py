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
- the zero-shot read-out: ``seg_segmentation/evaluation/vit_seg.ViTSegInference.encode_decode``
  (with ``get_attn_maps``) on single images with seeded class embeddings, with and without
  background; scores on every 4th pixel and every pixel's label are saved;
- the reconstruction: the MAE branch of ``VisualTransformer`` (``mask_ratio=0.75``: its
  ``ReconstructLayer`` and ``layers_mae2``) and ``modules/module_mae.MAEDecoder.forward_vis``
  with the weights of this package's ``SegCLIPReconstructionLoss``, on single images (the
  random masks are saved);
- the superpixel KL: the ``use_seglabel`` lines of ``SegCLIP.forward`` (``modules/modeling.py``),
  run through that method with the encoders replaced by the recorded assignments (and random
  one-hot ones) and patch-level superpixel maps; the contrastive term is set to zero.

The official cross-attention runs with torch 1.x's reading of its keys (:func:`torch1_key_layout`).
Only inputs that cannot be regenerated and the outputs are saved. ``diffdist``, ``boto3``,
``botocore`` and the evaluation's logger (imported by the official files, unused here) are stood
in (``tools/parity/official.py``).
"""
import argparse
import importlib
import os.path as osp
from functools import partial
from types import SimpleNamespace

import numpy as np
import official  # tools/parity/official.py: the script's own folder is on the import path
import torch
import torch.nn.functional as F

from mmseg_textsup.models.segclip import SegCLIPReconstructionLoss, SegCLIPVision
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
    # 24 images (the official code's key layout mixes the images of a batch, see SemanticGroup)
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


def official_encoder(model: SegCLIPVision):
    """The official ``VisualTransformer`` holding our weights, in evaluation mode."""
    vt_mod = importlib.import_module('modules.module_clip_vtransformer')
    width = model.width
    vt = vt_mod.VisualTransformer(SIZE, 16, width, 12, width // 64, model.embed_dim, first_stage_layer=GROUP_AFTER)
    missing, unexpected = vt.load_state_dict(official_state(model), strict=False)
    assert not unexpected, unexpected
    assert all(k.startswith(('transformer.layers_mae2', 'transformer.reconstruct_layer2')) for k in missing), missing
    return vt.eval()


def run_encoder(model: SegCLIPVision) -> dict:
    vt = official_encoder(model)
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


def run_read_out(checkout: str, model: SegCLIPVision) -> dict:
    """The official ``ViTSegInference.encode_decode`` (with and without background) on single
    images, with the official encoder holding our weights and seeded class embeddings."""
    vit_seg = official.load(checkout, 'seg_segmentation/evaluation/vit_seg.py', 'seg_segmentation.evaluation.vit_seg')
    vt = official_encoder(model)
    cases = []
    for i, (with_bg, num_classes) in enumerate(((True, 6), (False, 7), (True, 3))):
        text = F.normalize(seeded_tensor((num_classes, model.embed_dim), 40 + i, 'embedding'), dim=-1)

        def encode_image(img, return_hidden=False):
            x, _, _, mid = vt(img)
            hidden = vt.ln_post(x) @ vt.proj
            return hidden[:, 0], hidden, mid

        this = SimpleNamespace(model=SimpleNamespace(clip=SimpleNamespace(
            encode_image=encode_image, logit_scale=torch.tensor(3.0))), text_embedding=text, with_bg=with_bg,
            bg_thresh=0.8, align_corners=False)
        this.get_attn_maps = vit_seg.ViTSegInference.get_attn_maps.__get__(this)
        image = images()[i:i + 1]
        with torch.no_grad():
            scores = vit_seg.ViTSegInference.encode_decode(this, image, [{}])
        # every 4th pixel's scores and every pixel's label keep the fixture small
        cases.append(dict(image_index=i, text_embeddings=text, with_bg=with_bg, scores=scores[..., ::4, ::4],
                          labels=scores.argmax(dim=1)))
    return dict(read_out_cases=cases)


def our_reconstruction(model: SegCLIPVision):
    """This package's reconstruction loss for ``model`` with the fixture weights."""
    torch.manual_seed(0)
    loss = SegCLIPReconstructionLoss(model.width, model.patch_size, CENTERS).eval()
    seeded_weights(loss, seed=500)
    return loss


def run_reconstruction(model: SegCLIPVision) -> dict:
    """The official MAE branch: ``VisualTransformer(mask_ratio=0.75)`` (its ``ReconstructLayer`` and
    ``layers_mae2`` holding our reconstruction weights) and ``MAEDecoder.forward_vis``, on single
    images (their random masks are recorded)."""
    mae = importlib.import_module('modules.module_mae')
    ours = our_reconstruction(model)
    vt = official_encoder(model)
    state = {'transformer.reconstruct_layer2.rec_proj_a.a_fc.' + k[len('restore.'):]: v
             for k, v in ours.state_dict().items() if k.startswith('restore.')}
    state.update({'transformer.layers_mae2.' + k[len('extra_layers.'):]: v
                  for k, v in ours.state_dict().items() if k.startswith('extra_layers.')})
    vt.load_state_dict(state, strict=False)
    decoder = mae.MAEDecoder(model.width, model.width // 2, SIZE, 16, decoder_depth=3, decoder_num_heads=8,
                             norm_layer=partial(torch.nn.LayerNorm, eps=1e-6)).eval()
    names = {'decoder.': 'decoder_blocks.', 'pixel_head.': 'decoder_pred.'}
    state = {}
    for key, value in ours.state_dict().items():
        if key.startswith(('restore.', 'extra_layers.')):
            continue
        for a, b in names.items():
            key = b + key[len(a):] if key.startswith(a) else key
        state[key] = value.reshape(1, 1, -1) if key == 'mask_token' else value
    missing, unexpected = decoder.load_state_dict(state, strict=False)
    assert missing == ['decoder_pos_embed'] and not unexpected, (missing, unexpected)
    cases = []
    for i in range(2):
        image = images()[i:i + 1]
        torch.manual_seed(30 + i)
        with torch.no_grad():
            _, mask, restore, mid = vt(image, mask_ratio=0.75)
            hidden = torch.cat([mid['hidden'].mean(dim=1, keepdim=True), mid['hidden']], dim=1)
            loss = decoder.forward_vis(image, hidden, mask, restore, loss_allpatch=False)
        cases.append(dict(image_index=i, masked=mask[:, 1:].bool(), loss=loss))
    return dict(reconstruction_cases=cases)


def torch1_key_layout(forward):
    """``nn.MultiheadAttention.forward`` reading sequence-first keys as torch 1.x did: the official
    ``CrossAttentionBlock`` passes batch-first keys, which torch 1.x reshaped with ``view(-1, ...)``
    (today's torch refuses unless the batch equals the key length)."""
    def patched(self, query, key, value, *args, **kwargs):
        if not self.batch_first and key.dim() == 3 and key.shape[1] != query.shape[1]:
            key, value = (t.reshape(-1, query.shape[1], t.shape[-1]) for t in (key, value))
        return forward(self, query, key, value, *args, **kwargs)
    return patched


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkout', help='a checkout of github.com/ArrowLuo/SegCLIP')
    parser.add_argument('--out', default=FIXTURE)
    args = parser.parse_args()
    model = ours()
    unused = {name: official.module(name) for name in ('diffdist', 'diffdist.functional', 'boto3', 'botocore')}
    unused['diffdist'].functional = unused['diffdist.functional']
    unused['botocore.exceptions'] = official.module('botocore.exceptions', ClientError=Exception)
    unused['seg_segmentation.logger'] = official.module('seg_segmentation.logger', get_logger=None)
    torch1 = {(torch.nn.MultiheadAttention, 'forward'): torch1_key_layout(torch.nn.MultiheadAttention.forward),
              (np, 'float'): float}  # the official sin-cos table uses numpy 1.x's np.float
    with official.stand_ins(unused, torch1), \
            official.checkout_modules(args.checkout, ['modules', 'util']):
        fixtures = run_encoder(model)
        g = torch.Generator().manual_seed(3)
        random_hard = F.one_hot(torch.randint(0, CENTERS, (3, (SIZE // 16)**2), generator=g), CENTERS).float()
        fixtures.update(run_kl([fixtures['hard_assignment'], random_hard.transpose(1, 2)]))
        fixtures.update(run_read_out(args.checkout, model))
        fixtures.update(run_reconstruction(model))
    official.save(args.out, fixtures)


if __name__ == '__main__':
    main()
