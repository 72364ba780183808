"""Trident's cost per image, by part, next to MaskCLIP's sliding windows on the same CLIP tower and image.

    python tools/benchmark/trident_image.py [--height 448 --width 597] [--repeats 3]

configs/trident/voc21.py with random weights (ViT-B/16, DINO ViT-B/16, SAM ViT-B; no file needed):
SAM's pass (its image encoder at 1024 x 1024 and the guidance weights), the windows' CLIP + DINO pass,
the whole inference (both, the stitching and the aggregation) and SAM's refinement (its mask decoder on
the connected regions; with random weights their number is what the labels give, printed). The reference
is MaskCLIP's dense read-out (``OpenCLIPVision(dense_mode='maskclip')``) in the same 336 x 336 windows
with stride 224. Also prints GMACs per image (``FlopCounterMode``). Prints last: Trident inference /
MaskCLIP, (inference + refinement) / MaskCLIP.
"""
import os.path as osp

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from mmseg_textsup.models.training_free import connected_regions, trident_resize, window_boxes
from benchmark_utils import compare, count_flops, format_report, image_benchmark_parser

ROOT = osp.join(osp.dirname(__file__), '..', '..')


def main():
    parser = image_benchmark_parser(height=448, width=597, repeats=3)
    args = parser.parse_args()
    init_default_scope('mmseg')
    torch.manual_seed(0)
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'trident', 'voc21.py')).model
    cfg.backbone.update(model_name=args.model, pretrained=None, vfm=dict(cfg.backbone.vfm, pretrained=None))
    cfg.decode_head.text_encoder.update(model_name=args.model, pretrained=None, templates='single')
    cfg.sam.pretrained = None
    trident = MODELS.build(cfg).to(args.device).eval()
    maskclip = MODELS.build(dict(
        type='OpenVocabEncoderDecoder',
        backbone=dict(type='OpenCLIPVision', model_name=args.model, outputs=('dense', ), dense_mode='maskclip'),
        decode_head=dict(type='MaskCLIPHead', text_encoder=dict(
            type='OpenCLIPTextClassifier', model_name=args.model, vocabulary='proxyclip_voc21', templates='single')),
        test_cfg=dict(mode='slide', crop_size=(336, 336), stride=(224, 224)))).to(args.device).eval()
    maskclip.backbone.visual.load_state_dict(trident.backbone.visual.state_dict())
    x = torch.randn(1, 3, args.height, args.width, device=args.device)
    rgb = np.random.default_rng(0).integers(0, 256, (args.height, args.width, 3), dtype=np.uint8)
    meta = dict(ori_shape=x.shape[2:], img_shape=x.shape[2:], pad_shape=x.shape[2:], padding_size=[0] * 4)
    resized = trident_resize(x, 16, 336)
    windows = torch.cat([resized[:, :, a:c, b:d] for a, b, c, d in window_boxes(*resized.shape[2:], 336, 224)])
    state = {}

    def inference():  # a fresh meta each call: mmseg's slide inference sets img_shape to the crop's
        state['logits'] = trident.original_size_logits(trident.inference(x, [dict(meta)]), 0, meta)

    def maskclip_inference():
        return maskclip.inference(x, [dict(meta)])

    def refinement():
        return trident.scores_and_labels(state['logits'], meta)

    with torch.no_grad():
        maskclip_inference()  # text embeddings computed once
        inference()
        medians = compare({
            'MaskCLIP slide 336 / 224': maskclip_inference,
            'Trident SAM guidance': lambda: trident.sam(rgb, trident.cos_fac, trident.refine_neg_cos),
            'Trident windows (CLIP + DINO)': lambda: trident.backbone.proxy_values(windows),
            'Trident inference': inference,
            'Trident SAM refinement': refinement,
        }, repeats=args.repeats, warmup=1)
        gmacs = {name: count_flops(fn) / 2e9 for name, fn in (
            ('MaskCLIP', maskclip_inference), ('Trident inference', inference),
            ('SAM', lambda: trident.sam(rgb, trident.cos_fac, trident.refine_neg_cos)))}
        labels = super(type(trident), trident).scores_and_labels(state['logits'], meta)[1]
        probs = trident.probabilities(state['logits'])[0]
        regions = sum(len(r[0]) for r in connected_regions(labels[0, ::2, ::2], probs[:, ::2, ::2], 225, 0.2).values())
    print(f'{args.model} + DINO ViT-B/16 + SAM ViT-B, 1x3x{args.height}x{args.width} ({len(windows)} windows), '
          f'{args.device}, CPU threads: {torch.get_num_threads()}; regions prompting SAM: about {regions}')
    print('GMACs per image (matrix products and convolutions): ' + ', '.join(f'{k} {v:.1f}' for k, v in gmacs.items()))
    print(format_report(medians, 'MaskCLIP slide 336 / 224'))
    ref = medians['MaskCLIP slide 336 / 224']
    print(f"Trident inference / MaskCLIP = {medians['Trident inference'] / ref:.2f}; (inference + refinement) / "
          f"MaskCLIP = {(medians['Trident inference'] + medians['Trident SAM refinement']) / ref:.2f}")


if __name__ == '__main__':
    main()
