"""Regenerate ``tests/data/maskclip_parity.pt`` from the official MaskCLIP code.

    python tools/parity/maskclip.py /path/to/MaskCLIP     # a checkout of github.com/chongzhou96/MaskCLIP

The official functions run on the tiny random CLIP of the tests (``TextSup-Tiny-ViT``,
:func:`mmseg_textsup.testing.seeded_weights`, seed 0) and on this package's modules' seeded
weights where a module is not part of CLIP (the ASPP-v2 branches):

- its weight conversion (``tools/maskclip_utils/convert_clip_weights.py``) and its ViT
  (``mmseg/models/backbones/vit.py``, mmseg's ViT with ``return_qkv``: the value path and the
  keys after the output projection) at two input sizes (one not a multiple of the patch);
- ``MaskClipHead`` (``cls_seg`` + ``refine_output``: prompt denoising, key smoothing, both);
- the prompt-engineering text classifier (``tools/maskclip_utils/prompt_engineering.py``);
- ``ASPPModuleV2`` (``mmseg/models/decode_heads/aspp_headv2.py``) and ``MaskClipPlusHead.cls_seg``;
- the pseudo-label rule ``MaskClipPlusHead.assign_label`` (transductive zero-shot, and
  annotation-free with key smoothing + prompt denoising).

Only inputs and outputs are saved. The official files need mmcv 1.x / mmseg 0.x names, stood
in by today's equivalents (``tools/parity/official.py``).
"""
import argparse
import logging
import os
import os.path as osp
import runpy
import sys
import tempfile
import types

import official  # tools/parity/official.py: the script's own folder is on the import path
import open_clip
import torch
from mmengine.model import BaseModule, ModuleList, weight_init
from mmengine.registry import Registry
from mmengine.runner.checkpoint import _load_checkpoint
from mmengine.utils import to_2tuple

import mmseg_textsup  # noqa: F401  registers the package (and its tiny open_clip architectures)
from mmseg_textsup.models.decode_heads import ASPPV2Head
from mmseg_textsup.testing import seeded_weights

TINY = 'TextSup-Tiny-ViT'
SIZES = ((32, 48), (36, 44))  # the second is not a multiple of the 8-pixel patch: corner padding
CLASSES = ['airplane', 'dining table', 'tv monitor', 'potted plant', 'sheep']
ASPP = dict(in_channels=8, channels=32, dilations=(1, 2), num_classes=5, norm_cfg=dict(type='BN'))


def tiny_clip():
    """The tiny random CLIP both sides use (exact GELU, as the official mmcv ViT)."""
    model = open_clip.create_model(TINY, pretrained=None)
    seeded_weights(model, 0)
    return model.eval()


def aspp_v2():
    """This package's ASPP-v2 head with seeded weights (BN in eval mode)."""
    head = ASPPV2Head(**ASPP, dropout_ratio=0.0)
    seeded_weights(head, 1)
    return head.eval()


def stand_ins():
    import mmcv
    import mmseg.utils
    from mmseg.models.utils import resize

    class BaseDecodeHead(torch.nn.Module):  # only the official methods called below are used
        pass

    modules = {
        'mmcv.runner': official.module('mmcv.runner', BaseModule=BaseModule, ModuleList=ModuleList,
                                       _load_checkpoint=_load_checkpoint, auto_fp16=lambda *a, **k: (lambda f: f),
                                       force_fp32=lambda *a, **k: (lambda f: f)),
        'mmcv.runner.base_module': official.module('mmcv.runner.base_module', BaseModule=BaseModule),
        'mmcv.cnn.utils.weight_init': official.module('mmcv.cnn.utils.weight_init',
                                                      constant_init=weight_init.constant_init,
                                                      kaiming_init=weight_init.kaiming_init,
                                                      trunc_normal_=weight_init.trunc_normal_),
        'mmseg.ops': official.module('mmseg.ops', resize=resize),
        'maskclip.models.builder': official.module('maskclip.models.builder', BACKBONES=Registry('backbone'),
                                                   HEADS=Registry('head'), build_head=None, build_backbone=None),
        'maskclip.models.decode_heads.decode_head': official.module('maskclip.models.decode_heads.decode_head',
                                                                    BaseDecodeHead=BaseDecodeHead),
    }
    attributes = {(mmcv.utils, 'to_2tuple'): to_2tuple, (mmcv.utils, 'print_log'): lambda *a, **k: None,
                  (mmseg.utils, 'get_root_logger'): logging.getLogger}
    return official.stand_ins(modules, attributes)


def official_vit(checkout, clip_model):
    """The official ViT (tiny dims) with the weights its conversion script makes of ``clip_model``."""
    embed = official.load(checkout, 'mmseg/models/utils/embed.py', 'maskclip.models.utils.embed')
    sys.modules['maskclip.models.utils'].PatchEmbed = embed.PatchEmbed
    vit = official.load(checkout, 'mmseg/models/backbones/vit.py', 'maskclip.models.backbones.vit')
    fake_clip = official.module('clip', load=lambda name, device='cpu', jit=False: (clip_model, None))
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp, official.stand_ins({'clip': fake_clip}):
        os.makedirs(osp.join(tmp, 'pretrain'))
        os.chdir(tmp)
        argv, sys.argv = sys.argv, ['convert_clip_weights.py', '--model', 'ViT16']
        try:
            runpy.run_path(osp.join(checkout, 'tools/maskclip_utils/convert_clip_weights.py'), run_name='__main__')
            weights = torch.load(osp.join(tmp, 'pretrain/ViT16_clip_weights.pth'), weights_only=False)
        finally:
            sys.argv = argv
            os.chdir(cwd)
    v = clip_model.visual
    model = vit.VisionTransformer(
        img_size=(v.image_size[0], v.image_size[1]), patch_size=v.patch_size[0], patch_bias=False,
        embed_dims=v.transformer.width, num_layers=len(v.transformer.resblocks),
        num_heads=v.transformer.resblocks[0].attn.num_heads, mlp_ratio=4, out_indices=-1, qkv_bias=True,
        with_cls_token=True, output_cls_token=False, norm_cfg=dict(type='LN', eps=1e-6), act_cfg=dict(type='GELU'),
        patch_norm=False, pre_norm=True, final_norm=True, return_qkv=True, interpolate_mode='bicubic', num_fcs=2)
    model.load_state_dict(weights['clip'], strict=True)
    proj = torch.nn.Conv2d(v.transformer.width, v.output_dim, 1, bias=False)
    proj.weight.data = weights['proj']['weight'][:, :, None, None]
    model.eval()  # (its train() returns None)
    return model, proj


def official_text_embeddings(checkout, clip_model):
    tokenizer = open_clip.get_tokenizer(TINY)
    fake_clip = official.module('clip', load=lambda name, device='cpu', jit=False: (clip_model, None),
                                tokenize=tokenizer)
    with official.stand_ins({'clip': fake_clip}), official.cuda_calls_stay_on_cpu():
        prompts = official.load(checkout, 'tools/maskclip_utils/prompt_engineering.py', 'maskclip_prompts')
        weights = prompts.zeroshot_classifier('ViT-B/16', CLASSES, prompts.prompt_templates)
    return weights.permute(1, 0).float(), len(prompts.prompt_templates)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkout', help='path of a checkout of github.com/chongzhou96/MaskCLIP')
    parser.add_argument('--out', default=osp.join(osp.dirname(__file__), '../../tests/data/maskclip_parity.pt'))
    args = parser.parse_args()
    clip_model = tiny_clip()
    fixtures = dict(model_name=TINY, classes=CLASSES, sizes=SIZES)
    with stand_ins(), torch.no_grad():
        vit, proj = official_vit(args.checkout, clip_model)
        heads = official.load(args.checkout, 'mmseg/models/decode_heads/maskclip_head.py',
                              'maskclip.models.decode_heads.maskclip_head')
        plus = official.load(args.checkout, 'mmseg/models/decode_heads/maskclip_plus_head.py',
                             'maskclip.models.decode_heads.maskclip_plus_head')
        aspp_module = official.load(args.checkout, 'mmseg/models/decode_heads/aspp_headv2.py',
                                    'maskclip.models.decode_heads.aspp_headv2')
        text, num_templates = official_text_embeddings(args.checkout, clip_model)
        fixtures.update(text_embeddings=text, num_templates=num_templates)
        head = types.SimpleNamespace(text_embeddings=text)
        g = torch.Generator().manual_seed(0)
        for size in SIZES:
            image = torch.randn(1, 3, *size, generator=g).half()  # stored as fp16: the run uses these values
            out, q, k, v = vit(image.float())[-1]
            dense = proj(v)
            cosines = heads.MaskClipHead.cls_seg(head, dense)
            refined = {}
            for name, ks, pd in (('pd', 0.0, 0.5), ('ks', 1.0, 0.0), ('kspd', 1.0, 0.5)):
                refined[name] = heads.MaskClipHead.refine_output(
                    types.SimpleNamespace(ks_thresh=ks, pd_thresh=pd), cosines.clone(), k)
            h, w = dense.shape[2:]
            fixtures[size] = dict(image=image, dense=dense, keys=k.transpose(1, 2).reshape(1, -1, h, w),
                                  cosines=cosines, refined=refined)
        fixtures['pseudo_labels'] = pseudo_labels(plus, text, dense, k, SIZES[-1], g)  # the non-square, padded size
        ours = aspp_v2()
        branches = aspp_module.ASPPModuleV2(ASPP['dilations'], ASPP['in_channels'], ASPP['channels'], None,
                                            ASPP['norm_cfg'], dict(type='ReLU')).eval()
        branches.load_state_dict({k[len('branches.'):]: v for k, v in ours.state_dict().items()
                                  if k.startswith('branches.')})
        features = torch.randn(1, ASPP['in_channels'], 5, 7, generator=g)
        aspp = sum(branches(features))
        student = types.SimpleNamespace(dropout=None, norm_feat=False, cls_bg=False, text_embeddings=text)
        fixtures['aspp'] = dict(features=features, output=aspp,
                                student_logits=plus.MaskClipPlusHead.cls_seg(student, aspp))
    official.save(args.out, fixtures)


def pseudo_labels(plus, text, dense, keys, size, g):
    """``assign_label`` with the CLIP teacher (``keys``: (B, hw, C) as the official ViT gives them):
    zero-shot (unseen 2, 3 of 5; ground truth -1 there, 255 ignored) and annotation-free (every
    labelled pixel -1, 255 kept) with key smoothing + denoising."""
    H, W = size
    gt = torch.randint(0, 5, (1, 1, H, W), generator=g)
    gt[gt == 3] = 2
    gt[gt == 2] = -1  # pixels of unseen classes are unlabelled
    gt[:, :, :4] = 255
    results = dict(zero_shot_gt=gt.clone())
    for name, cats, ks, pd, target in (('zero_shot', [2, 3], 0.0, 0.0, gt),
                                       ('annotation_free', [0, 1, 2, 3, 4], 1.0, 0.5, None)):
        if target is None:  # annotation-free: every labelled pixel is suppressed, 255 stays
            target = torch.where(gt == 255, gt, torch.full_like(gt, -1))
        head = types.SimpleNamespace(cls_bg=False, text_embeddings=text, align_corners=False, conf_thresh=0.0,
                                     ks_thresh=ks, pd_thresh=pd)
        head.refine_clip_output = types.MethodType(plus.MaskClipPlusHead.refine_clip_output, head)
        results[name] = plus.MaskClipPlusHead.assign_label(head, target.clone(), dense.clone(), norm=True,
                                                           unlabeled_cats=torch.tensor(cats), clip=True, k=keys)
    return results


if __name__ == '__main__':
    main()
