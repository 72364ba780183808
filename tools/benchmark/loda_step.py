"""Cost of a LoDA (SimSeg) training step relative to a plain CLIP contrastive step on the same
batch and towers (random weights).

    python tools/benchmark/loda_step.py [--model ViT-S-16] [--batch 16] [--size 224] [--device cpu]

Contenders (interleaved, medians), each forward + loss + backward:
- CLIP step: global image and text embeddings, CLIPContrastiveLoss;
- LoDA step: patch and word tokens, LoDALoss (M^I = M^T = 5);
- dense-alignment step: the same with selection off.
Prints last: LoDA step / CLIP step (target <= 1.15).
"""
import argparse

import torch
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from benchmark_utils import compare, format_report, peak_cuda_memory


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--model', default='ViT-S-16')
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--size', type=int, default=224)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--repeats', type=int, default=5)
    args = parser.parse_args()
    init_default_scope('mmseg')
    torch.manual_seed(0)
    image_tower = MODELS.build(dict(type='OpenCLIPVision', model_name=args.model, frozen=False)).to(args.device)
    text_tower = MODELS.build(dict(type='OpenCLIPText', model_name=args.model)).to(args.device)
    clip_loss = MODELS.build(dict(type='CLIPContrastiveLoss')).to(args.device)
    loda = MODELS.build(dict(type='LoDALoss')).to(args.device)
    dense = MODELS.build(dict(type='LoDALoss', select=False)).to(args.device)
    images = torch.randn(args.batch, 3, args.size, args.size, device=args.device)
    captions = [f'a photo of {i} dogs and a cat on the grass next to a red car' for i in range(args.batch)]
    tokens = text_tower.tokenize(captions)

    def clip_step():
        image = image_tower.forward_features(images, ('global', ))['global']
        clip_loss(image, text_tower(tokens)['global']).backward()

    def token_step(loss_fn):
        patches = image_tower.forward_features(images, ('dense', ), dense_mode='qk')['dense']
        text = text_tower(tokens, return_tokens=True)
        loss_fn(patches.flatten(2).transpose(1, 2), text['tokens'], text['mask']).backward()

    medians = compare({
        'CLIP contrastive step': clip_step,
        'LoDA step': lambda: token_step(loda),
        'dense-alignment step': lambda: token_step(dense),
    }, repeats=args.repeats)
    print(f'{args.model}, batch {args.batch}x3x{args.size}x{args.size}, {args.device}, '
          f'CPU threads: {torch.get_num_threads()}')
    print(format_report(medians, 'CLIP contrastive step'))
    peak = peak_cuda_memory(lambda: token_step(loda))
    if peak is not None:
        print(f'LoDA step: peak CUDA memory {peak / 2**30:.2f} GiB')
    print(f"LoDA step / CLIP step = {medians['LoDA step'] / medians['CLIP contrastive step']:.3f} (target <= 1.15)")


if __name__ == '__main__':
    main()
