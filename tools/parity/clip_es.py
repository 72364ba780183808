"""Regenerate ``tests/data/clip_es_parity.pt`` from the official CLIP-ES scripts.

    python tools/parity/clip_es.py /path/to/CLIP-ES     # a checkout of github.com/linyq2117/CLIP-ES

The official scripts run unchanged on a tiny random CLIP (``TextSup-Tiny-ViT16``: patch 16, as
the scripts assume; :func:`mmseg_textsup.testing.seeded_weights`, seed 0, rounded to float16 as
the official loader stores them, logit scale 10) and two photographs at sizes that are not
multiples of 16, written as a small VOC folder (images, XML annotations, ground truth):

- ``generate_cams_voc12.py``: its ``zeroshot_classifier`` (the prompts it tokenises are
  recorded), its vendored ``clip`` (``encode_image`` / ``forward_last_layer``), its GradCAM,
  ``scoremap2bbox`` and the CAA lines of ``perform()``. Recorded: the normalised CAMs on the
  patch grid, the raw CAMs at image size (its ``cv2.resize``), the CAA-refined CAMs at image
  size (its ``scale_cam_image``, which the ``.npy`` files hold in float16) and the boxes;
- ``eval_cam_with_crf.py``: its CRF and confidence rule on those files: the image handed to the
  CRF, and the pseudo-mask PNG (255 where the CRF's maximum probability is below 0.95);
- ``utils.scoremap2bbox`` on 200 random maps;
- the GradCAM scaling (``scale_cam_image`` per layer, ``aggregate_multi_layers``) of raw maps whose
  ranges go down to 1e-6;
- the CAM generation once more on a 12-block tower (``TextSup-Tiny-ViT16-12L``, first photograph),
  where CAA's last 8 blocks are a real slice; and the CRF's maximum probability on the first
  photograph (the confidence map, cut at 0.95).

Only inputs and outputs are saved. GPU calls are kept on the CPU, and the modules the scripts
import but do not use here (``lxml`` for the XML, ``ttach``, ``joblib``'s parallel loop) are stood
in by equivalents (``tools/parity/official.py``).
"""
import argparse
import math
import os
import os.path as osp
import tempfile
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import cv2
import numpy as np
import official  # tools/parity/official.py: the script's own folder is on the import path
import open_clip
import skimage.data
import torch
from PIL import Image

import mmseg_textsup  # noqa: F401  registers the package (and its tiny open_clip architectures)
from mmseg_textsup.testing import seeded_weights

TINY = 'TextSup-Tiny-ViT16'
DEEP = 'TextSup-Tiny-ViT16-12L'  # 12 blocks: CAA's "last 8" is a real slice
SIZES = ((40, 56), (45, 70))  # (H, W), neither a multiple of 16: the official bicubic resize
IMAGE_LABELS = (('person', 'bird'), ('diningtable', 'person', 'tvmonitor'))  # VOC XML names
RANDOM_MAPS = dict(n=200, shape=(7, 9), seed=0)
RAW_CAMS = dict(maxima=(1e-6, 1e-5, 1e-4, 1e-2, 1.0), shape=(3, 4), seed=1)  # GradCAM ranges, small ones too


# ln of CLIP's temperature in float16, as checkpoints store it. 10, not CLIP's 100: on random weights
# 100 saturates the softmax (p = 0.99994), where float32 rounding of 1 - p dominates the CAMs.
LN_LOGIT_SCALE = float(torch.tensor(math.log(10.0)).half())


def tiny_clip_state(model_name: str = TINY) -> dict:
    """The weights both sides use: seeded, rounded to float16 (the official ``clip.load`` builds
    a half-precision model and casts it back to float32 on the CPU), logit scale LN_LOGIT_SCALE."""
    model = open_clip.create_model(model_name, pretrained=None)
    state = {k: v.half().float() for k, v in seeded_weights(model, 0).items()}
    state['logit_scale'] = torch.tensor(LN_LOGIT_SCALE)
    return state


def random_maps() -> torch.Tensor:
    """Min-max normalised random maps for the box test (reproducible on every machine)."""
    g = torch.Generator().manual_seed(RANDOM_MAPS['seed'])
    maps = torch.rand(RANDOM_MAPS['n'], *RANDOM_MAPS['shape'], generator=g) ** 3
    flat = maps.flatten(1) - maps.flatten(1).amin(1, keepdim=True)
    return (flat / flat.amax(1, keepdim=True)).reshape(maps.shape)


def raw_cams() -> torch.Tensor:
    """Non-negative GradCAM maps (K, h, w) whose ranges are RAW_CAMS' maxima (reproducible)."""
    g = torch.Generator().manual_seed(RAW_CAMS['seed'])
    maps = torch.rand(len(RAW_CAMS['maxima']), *RAW_CAMS['shape'], generator=g, dtype=torch.float64)
    maps = maps - maps.flatten(1).amin(1)[:, None, None]
    return (maps / maps.flatten(1).amax(1)[:, None, None] * torch.tensor(RAW_CAMS['maxima'])[:, None, None]).float()


def run_gradcam_scaling(checkout):
    """The official GradCAM's two scalings of :func:`raw_cams`, as ``compute_cam_per_layer``
    (ReLU, float32, ``scale_cam_image`` without a target size) and ``aggregate_multi_layers``
    (one target layer, as the scripts use) compute them."""
    image = official.load(checkout, 'pytorch_grad_cam/utils/image.py', 'pytorch_grad_cam.utils.image')
    base = official.load(checkout, 'pytorch_grad_cam/base_cam.py', 'pytorch_grad_cam.base_cam')
    cam = np.maximum(raw_cams().numpy(), 0).astype(np.float32)
    per_layer = [image.scale_cam_image(cam, None)[:, None, :]]
    return torch.from_numpy(base.BaseCAM.aggregate_multi_layers(None, per_layer))


def photographs():
    """Two photographs (uint8 RGB) at SIZES."""
    sources = (skimage.data.astronaut(), skimage.data.coffee())
    return [np.asarray(Image.fromarray(src).resize((w, h), Image.BILINEAR)) for src, (h, w) in zip(sources, SIZES)]


def write_voc(root: str, images):
    """JPEGImages/<id>.jpg (PNG bytes: lossless, both sides read the same pixels), Annotations/<id>.xml
    and a ground-truth folder; returns the image ids."""
    ids = []
    for sub in ('JPEGImages', 'Annotations', 'gt', 'cams', 'masks'):
        os.makedirs(osp.join(root, sub), exist_ok=True)
    for i, (rgb, names) in enumerate(zip(images, IMAGE_LABELS)):
        stem = f'2007_{i:06d}'
        Image.fromarray(rgb).save(osp.join(root, 'JPEGImages', stem + '.jpg'), format='PNG')
        annotation = ET.Element('annotation')
        size = ET.SubElement(annotation, 'size')
        ET.SubElement(size, 'width').text = str(rgb.shape[1])
        ET.SubElement(size, 'height').text = str(rgb.shape[0])
        for name in names:
            ET.SubElement(ET.SubElement(annotation, 'object'), 'name').text = name
        ET.ElementTree(annotation).write(osp.join(root, 'Annotations', stem + '.xml'))
        Image.fromarray(np.zeros(rgb.shape[:2], np.uint8)).save(osp.join(root, 'gt', stem + '.png'))
        ids.append(stem)
    return ids


def _joblib():
    def delayed(fn):
        return lambda *args: (fn, args)

    def parallel(*args, **kwargs):
        return lambda tasks: [fn(*a) for fn, a in tasks]

    return official.module('joblib', Parallel=parallel, delayed=delayed)


STAND_INS = dict(lxml=official.module('lxml', etree=ET), ttach=official.module('ttach'))


class Recorder:
    """Wraps a function; keeps (arguments, result) of every call."""

    def __init__(self, fn):
        self.fn, self.calls = fn, []

    def __call__(self, *args, **kwargs):
        out = self.fn(*args, **kwargs)
        self.calls.append((args, kwargs, out))
        return out


def run_generate_cams(checkout, root, ids, ckpt):
    """The official CAM generation on the fake VOC folder; returns what it computed."""
    gen = official.load(checkout, 'generate_cams_voc12.py', 'clip_es_generate_cams')
    gen.device = 'cpu'
    model, _ = gen.clip.load(ckpt, device='cpu')
    tokenize = gen.clip.tokenize = Recorder(gen.clip.tokenize)
    template = ['a clean origami {}.']  # the __main__ block's
    bg = gen.zeroshot_classifier(gen.BACKGROUND_CATEGORY, template, model)
    fg = gen.zeroshot_classifier(gen.new_class_names, template, model)
    prompts = [t for args, _, _ in tokenize.calls for t in args[0]]
    cam = Recorder(gen.GradCAM(model=model, target_layers=[model.visual.transformer.resblocks[-1].ln_1],
                               reshape_transform=gen.reshape_transform))
    resize = Recorder(cv2.resize)
    gen.cv2 = SimpleNamespace(**{k: getattr(cv2, k) for k in dir(cv2) if not k.startswith('__')})
    gen.cv2.resize = resize
    gen.scale_cam_image = Recorder(gen.scale_cam_image)
    gen.scoremap2bbox = Recorder(gen.scoremap2bbox)
    args = SimpleNamespace(img_root=osp.join(root, 'JPEGImages'), cam_out_dir=osp.join(root, 'cams'))
    gen.perform(0, [[stem + '.jpg' for stem in ids]], args, model, bg, fg, cam)
    grid = [torch.from_numpy(out[0][0].copy()) for _, _, out in cam.calls]
    raw = [torch.from_numpy(out) for _, _, out in resize.calls]
    refined = [torch.from_numpy(out[0]) for _, _, out in gen.scale_cam_image.calls]
    boxes = [torch.from_numpy(np.asarray(out[0][:out[1]], np.int64)) for _, _, out in gen.scoremap2bbox.calls]
    return prompts, grid, raw, refined, boxes


def run_crf(checkout, root, ids):
    """The official CRF + confidence rule on the written CAM files."""
    with official.stand_ins({'joblib': _joblib()}):
        crf = official.load(checkout, 'eval_cam_with_crf.py', 'clip_es_eval_cam_with_crf')
    crf.args = SimpleNamespace(image_root=osp.join(root, 'JPEGImages'), gt_root=osp.join(root, 'gt'),
                               cam_out_dir=osp.join(root, 'cams'), pseudo_mask_save_path=osp.join(root, 'masks'),
                               eval_only=False)
    crf.eval_list = ids
    crf.mean_bgr = (104.008, 116.669, 122.675)  # the __main__ block's
    images = []

    class TappedCRF(crf.DenseCRF):
        def __call__(self, image, probmap):
            out = super().__call__(image, probmap)
            images.append((torch.from_numpy(image.copy()), torch.from_numpy(out.max(axis=0).astype(np.float32))))
            return out

    crf.DenseCRF = TappedCRF
    crf.crf(1)
    masks = [torch.from_numpy(np.asarray(Image.open(osp.join(root, 'masks', s + '.png')), np.int64)) for s in ids]
    return images, masks  # images: (the CRF's image, its maximum probability) per image


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkout', help='path of a checkout of github.com/linyq2117/CLIP-ES')
    parser.add_argument('--out', default=osp.join(osp.dirname(__file__), '../../tests/data/clip_es_parity.pt'))
    args = parser.parse_args()
    checkout = osp.abspath(args.checkout)
    images = photographs()
    with tempfile.TemporaryDirectory() as root, official.stand_ins(STAND_INS), \
            official.checkout_modules(checkout, ['clip', 'pytorch_grad_cam', 'utils', 'clip_text']), \
            official.cuda_calls_stay_on_cpu(), torch.no_grad():
        ckpt, deep_ckpt = osp.join(root, 'tiny_clip.pt'), osp.join(root, 'deep_clip.pt')
        torch.save(tiny_clip_state(), ckpt)
        torch.save(tiny_clip_state(DEEP), deep_ckpt)
        ids = write_voc(root, images)
        deep_root = osp.join(root, 'deep')
        deep_id, = write_voc(deep_root, images[:1])
        with torch.enable_grad():
            prompts, grid, raw, refined, boxes = run_generate_cams(checkout, root, ids, ckpt)
            _, deep_grid, _, deep_refined, _ = run_generate_cams(checkout, deep_root, [deep_id], deep_ckpt)
        deep_keys = np.load(osp.join(deep_root, 'cams', deep_id + '.npy'), allow_pickle=True).item()['keys']
        scaled = run_gradcam_scaling(checkout)
        npys = [np.load(osp.join(root, 'cams', s + '.npy'), allow_pickle=True).item() for s in ids]
        crf_images, masks = run_crf(checkout, root, ids)
        utils = official.load(checkout, 'utils.py', 'clip_es_utils')
        random_boxes = [torch.from_numpy(np.asarray(b[:n], np.int64))
                        for b, n in (utils.scoremap2bbox(m, 0.4, multi_contour_eval=True)
                                     for m in random_maps().numpy())]
    boxes_of_maps = torch.cat([torch.cat([torch.full((len(b), 1), i), b], 1) for i, b in enumerate(random_boxes)])
    fixtures = dict(model_name=TINY, logit_scale=math.exp(LN_LOGIT_SCALE), prompts=prompts, random_maps=RANDOM_MAPS,
                    random_boxes=boxes_of_maps, images=[], raw_cams=RAW_CAMS, scaled_cams=scaled,
                    deep=dict(model_name=DEEP, keys=torch.from_numpy(deep_keys), grid_cams=torch.stack(deep_grid),
                              refined=torch.stack(deep_refined)))
    start = 0
    for i, (rgb, names, npy, (crf_image, crf_confidence), mask) in enumerate(
            zip(images, IMAGE_LABELS, npys, crf_images, masks)):
        k = len(names)
        item = dict(rgb=torch.from_numpy(rgb.copy()), names=names, keys=torch.from_numpy(npy['keys']),
                    grid_cams=torch.stack(grid[start:start + k]), refined=torch.stack(refined[start:start + k]),
                    boxes=boxes[start:start + k], pseudo_mask=mask)
        # the .npy holds the refined CAMs in float16: derivable, not saved
        assert torch.equal(item['refined'].half(), torch.from_numpy(npy['attn_highres']))
        if i == 0:  # one image is enough for the upsampling and the CRF's input image
            item.update(cams=torch.stack(raw[start:start + k]), crf_image=crf_image, crf_confidence=crf_confidence)
        fixtures['images'].append(item)
        start += k
    official.save(args.out, fixtures)


if __name__ == '__main__':
    main()
