"""Regenerate ``tests/data/trident_parity.pt`` from the official Trident code.

    python tools/parity/trident.py /path/to/Trident /path/to/dino
    # checkouts of github.com/YuHengsss/Trident and github.com/facebookresearch/dino

The official ``Trident`` segmentor (``trident.py``, unchanged) is built with its own ``__init__`` on
tiny models with the fixture weights: its vendored open_clip's ``CLIP`` of the architecture
:data:`ARCH` (its modified ``VisionTransformer``; ``create_model`` stands in for the download),
DINO's own ``VisionTransformer`` (the DINO checkout's ``vision_transformer.py``; ``torch.hub.load``
stands in) of :data:`DINO_ARGS`, and its vendored segment_anything's SAM of :data:`SAM_ARGS` (12
heads and the 1024 input: the official code hard-codes both; ``sam_model_registry`` stands in).
``.half()`` keeps floats as they are and makes integer tensors float (the fixtures are fp32; the official
code runs in fp16). Each case of :data:`CASES` (the settings of one official config with SAM's
refinement, at two sizes, one not square, windows of :data:`CROP`) runs on the network input
:func:`image` and an image file of :func:`file_image` (SAM reads it): ``get_trident_seg`` (the logits)
and ``predict`` (the refined labels and scores). Saved: every :data:`STEP`-th pixel of the logits
(cosines at the original size) and of the scores, the labels and the text embeddings. Only inputs and
outputs are saved.
"""
import argparse
import functools
import importlib
import json
import os.path as osp
import tempfile

import cv2
import official  # tools/parity/official.py: the script's own folder is on the import path
import open_clip
import timm
import torch
from mmseg.structures import SegDataSample

from mmseg_textsup.testing import seeded_tensor, seeded_weights

ARCH = 'TextSup-Tiny-ViT16'
ARCH_FILE = osp.join(osp.dirname(__file__), '..', '..', 'mmseg_textsup', 'models', 'clip', 'model_configs',
                     f'{ARCH}.json')
DINO_TIMM = 'vit_base_patch16_224.dino'
DINO_ARGS = dict(embed_dim=64, depth=1, num_heads=2)
SAM_ARGS = dict(embed_dim=48, depth=2, num_heads=12, global_attn_indexes=[1])
CLIP_MEAN, CLIP_STD = (122.771, 116.746, 104.094), (68.501, 66.632, 70.323)  # trident.py's data preprocessor
CLASSES = ['sky; wall; tree', 'person', 'dog', 'cat', 'car', 'bird', 'chair']  # the official format
CROP, STRIDE = 112, 64  # multiples of 16 and of the official padding unit 56
#: name -> (network input size, image file size (the original size), official model kwargs): cfg_voc21.py's
#: and cfg_city_scapes.py's settings, with SAM's refinement (its dist_test.sh: --sam_refine)
CASES = {
    'voc21_150x210': ((150, 210), (75, 105), dict(cos_fac=1.2, refine_neg_cos=True, prob_thd=0.2, coarse_thresh=0.2,
                                                  sam_iou_thresh=0.0)),
    'cityscapes_128x256': ((128, 256), (64, 128), dict(cos_fac=3.0, refine_neg_cos=False, coarse_thresh=0.1,
                                                       sam_iou_thresh=-0.2, dataset_type='CityscapesDataset')),
}
#: The tiny random SAM predicts IoUs of -0.4 to 0.1, so the cases' IoU thresholds (0.8 in base_config.py) keep some
#: masks and let others fail. base_config.py's minimal area and trident.py's default mask coefficient:
COMMON = dict(minimal_area=225, sam_mask_coff=0.005)
STEP = 4
FIXTURE = osp.join(osp.dirname(__file__), '..', '..', 'tests', 'data', 'trident_parity.pt')


def clip_state() -> dict:
    return seeded_weights(open_clip.create_model(ARCH), 700)


def dino_state() -> dict:
    return seeded_weights(timm.create_model(DINO_TIMM, pretrained=False, num_classes=0, **DINO_ARGS), 800)


def sam_state() -> dict:
    """The tiny SAM's weights (``segment_anything``'s whole model: encoder, prompt encoder, mask decoder)."""
    from segment_anything.build_sam import _build_sam
    return seeded_weights(_build_sam(*SAM_ARGS.values()), 900)


def image(name: str) -> torch.Tensor:
    """The CLIP-normalised network input (1, 3, h, w): the file's image resized (bilinear)."""
    size, file_size = CASES[name][:2]
    x = torch.from_numpy(file_image(file_size)).permute(2, 0, 1)[None].float()
    x = torch.nn.functional.interpolate(x, size=size, mode='bilinear', align_corners=False)
    return (x - torch.tensor(CLIP_MEAN).view(3, 1, 1)) / torch.tensor(CLIP_STD).view(3, 1, 1)


def file_image(size):
    """The RGB uint8 image (h, w, 3) of the image file SAM reads: smooth colour fields with noise."""
    h, w = size
    base = torch.nn.functional.interpolate(seeded_tensor((1, 3, h // 32, w // 32), h + w, 'embedding'), size=size,
                                           mode='bilinear', align_corners=False)[0]
    noise = seeded_tensor((3, h, w), h * w, 'embedding') * 0.2
    return ((base + noise) * 90 + 128).clamp(0, 255).round().byte().permute(1, 2, 0).numpy()


def write_image(path: str, rgb) -> None:
    cv2.imwrite(path, rgb[..., ::-1].copy())  # PNG, lossless


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkout')
    parser.add_argument('dino_checkout')
    parser.add_argument('--out', default=FIXTURE)
    args = parser.parse_args()
    checkout = osp.abspath(args.checkout)
    with open(ARCH_FILE) as f:
        arch = json.load(f)
    state = clip_state()  # by the installed open_clip, before the checkout's hides it
    fixtures = dict(classes=CLASSES)
    names = ['open_clip', 'segment_anything', 'prompts', 'myutils', 'seg_utils', 'pamr']  # forgotten afterwards

    def half(self, *_, **__):  # the fixtures are fp32 (labels become floats, as in float16)
        return self if not isinstance(self, torch.Tensor) or self.is_floating_point() else self.float()

    with official.checkout_modules(checkout, names), official.cuda_calls_stay_on_cpu(), \
            official.stand_ins({'openpyxl': official.module('openpyxl')},  # imported by myutils.py, not used
                               {(torch.Tensor, 'half'): half, (torch.nn.Module, 'half'): half}), \
            tempfile.TemporaryDirectory() as tmp:
        oc_model = importlib.import_module('open_clip.model')
        build_sam = importlib.import_module('segment_anything.build_sam')
        with official.checkout_modules(osp.abspath(args.dino_checkout), ['utils', 'vision_transformer']):
            dino = importlib.import_module('vision_transformer')
        trident = official.load(checkout, 'trident.py', 'trident')

        def create_model(*_, **__):
            clip = oc_model.CLIP(**arch).eval()
            clip.load_state_dict(state)
            return clip

        def tiny_dino(*_, **__):
            vit = dino.VisionTransformer(patch_size=16, mlp_ratio=4, qkv_bias=True,
                                         norm_layer=functools.partial(torch.nn.LayerNorm, eps=1e-6), **DINO_ARGS)
            vit.load_state_dict(dino_state())
            return vit.eval()

        def tiny_sam(checkpoint=None):
            sam = build_sam._build_sam(*SAM_ARGS.values())
            sam.load_state_dict(sam_state())
            return sam

        trident.create_model = create_model
        trident.sam_model_registry = {'vit_b': tiny_sam}
        class_file = osp.join(tmp, 'classes.txt')
        with open(class_file, 'w') as f:
            f.write('\n'.join(CLASSES))
        with official.stand_ins({}, {(torch.hub, 'load'): tiny_dino}):
            for name, (size, file_size, kwargs) in CASES.items():
                model = trident.Trident('openai', 'ViT-B/16', 'dino', class_file, device=torch.device('cpu'),
                                        slide_stride=STRIDE, slide_crop=CROP, sam_refinement=True, **COMMON, **kwargs)
                path = osp.join(tmp, f'{name}.png')
                write_image(path, file_image(file_size))
                with torch.no_grad():
                    logits = model.get_trident_seg(image(name), path, [dict(ori_shape=file_size)])
                    sample = SegDataSample(metainfo=dict(img_path=path, ori_shape=file_size))
                    (out, ) = model.predict(image(name), [sample])
                fixtures[name] = dict(logits=logits[0, :, ::STEP, ::STEP], query_features=model.query_features,
                                      labels=out.pred_sem_seg.data[0], scores=out.seg_logits.data[:, ::STEP, ::STEP])
    official.save(args.out, fixtures)


if __name__ == '__main__':
    main()
