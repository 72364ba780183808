"""Cost of S-Seg's pseudo-mask generator (frozen ViT + batched K-means) relative to the frozen
ViT's forward alone, on the same batch (random weights).

    python tools/benchmark/sseg_pseudo_masks.py [--model vit_small_patch8_224.dino] [--batch 8] [--size 224]

Contenders (interleaved, medians): the ViT forward (timm, no grad) and the whole generator
(forward + L2 normalisation + K-means with K = 8, 10 Lloyd iterations, vectorised over the batch +
nearest resize to the image). Prints last: generator / ViT forward (target: K-means overhead < 25 %).
"""
import argparse

import torch
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from benchmark_utils import compare, format_report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--model', default='vit_small_patch8_224.dino')
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--size', type=int, default=224)
    parser.add_argument('--clusters', type=int, default=8)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--repeats', type=int, default=5)
    args = parser.parse_args()
    init_default_scope('mmseg')
    torch.manual_seed(0)
    vit = dict(type='TimmViTTokens', model_name=args.model)
    generator = MODELS.build(dict(type='PseudoMaskGenerator', backbone=vit, num_clusters=args.clusters,
                                  seed=0)).to(args.device)
    images = torch.randn(args.batch, 3, args.size, args.size, device=args.device)

    def sync():
        if args.device.startswith('cuda'):
            torch.cuda.synchronize()

    @torch.no_grad()
    def vit_forward():
        generator.tokens(images)
        sync()

    def pseudo_masks():
        generator(images)
        sync()

    medians = compare({'frozen ViT forward': vit_forward, 'pseudo-mask generator': pseudo_masks},
                      repeats=args.repeats)
    tokens = (args.size // 8)**2
    print(f'{args.model}, batch {args.batch}x3x{args.size}x{args.size} ({tokens} tokens / image), K = {args.clusters}, '
          f'{args.device}, CPU threads: {torch.get_num_threads()}')
    print(format_report(medians, 'frozen ViT forward'))
    per_image = medians['pseudo-mask generator'] / args.batch * 1000
    print(f'pseudo masks: {per_image:.1f} ms per image (amortised over the batch)')
    ratio = medians['pseudo-mask generator'] / medians['frozen ViT forward']
    print(f'generator / ViT forward = {ratio:.3f} (target < 1.25)')


if __name__ == '__main__':
    main()
