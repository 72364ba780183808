"""Cost of an S-Seg training step relative to a contrastive-only step of the same towers
(random weights), on the same batch.

    python tools/benchmark/sseg_step.py [--batch 4] [--size 224] [--device cpu]

Contenders (interleaved, medians), each forward + losses + backward:
- contrastive step: Swin-S MaskFormer image embedding (MLP of the mean mask feature) and the
  12x256 text tower, CLIPContrastiveLoss;
- S-Seg step: + pseudo masks (frozen DINO ViT-S/8 architecture + batched K-means, K = 8) and the
  matched dice + focal mask loss (configs/_base_/models/sseg_swin_s.py).
Prints last: S-Seg step / contrastive step.
"""
import argparse

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from benchmark_utils import compare, format_report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--batch', type=int, default=4)
    parser.add_argument('--size', type=int, default=224)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--repeats', type=int, default=3)
    args = parser.parse_args()
    init_default_scope('mmseg')
    torch.manual_seed(0)
    cfg = Config.fromfile('configs/_base_/models/sseg_swin_s.py').model
    cfg.pseudo_masks.backbone.pretrained = None
    model = MODELS.build(cfg).to(args.device).train()
    images = torch.randn(args.batch, 3, args.size, args.size, device=args.device)
    tokens = model.text_encoder.tokenize([f'dog runs grass car {i}' for i in range(args.batch)])
    samples = [SegDataSample(text_tokens=t) for t in tokens]

    def contrastive_step():
        image = model.backbone.forward_features(images, ('global', ))['global']
        model.loss_module(image, model.text_encoder.encode(tokens)['global']).backward()

    def sseg_step():
        losses = model.loss(images, samples)
        (losses['loss_mask'] + losses['loss_contrastive']).backward()

    medians = compare({'contrastive step (same towers)': contrastive_step, 'S-Seg step': sseg_step},
                      repeats=args.repeats, warmup=1)
    print(f'S-Seg (Swin-S, 64 queries, 12x256 text, DINO ViT-S/8 generator), batch {args.batch}x3x{args.size}x'
          f'{args.size}, {args.device}, CPU threads: {torch.get_num_threads()}')
    print(format_report(medians, 'contrastive step (same towers)'))
    ratio = medians['S-Seg step'] / medians['contrastive step (same towers)']
    print(f'S-Seg step / contrastive step = {ratio:.3f}')


if __name__ == '__main__':
    main()
