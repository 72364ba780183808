"""Cost of a SegCLIP training step relative to a plain CLIP contrastive step on the same batch and
towers (random weights), and the cost of the superpixels per image.

    python tools/benchmark/segclip_step.py [--model ViT-B-16] [--group-after 10] [--batch 8] [--size 224] [--device cpu]

Contenders (interleaved, medians), each forward + losses + backward:
- CLIP step: global image and text embeddings, CLIPContrastiveLoss;
- SegCLIP contrastive only: the same towers with the group module (max-pooled regions);
- SegCLIP all three losses: + superpixel KL + MAE reconstruction (second pass on 25 % of patches).
Then Felzenszwalb superpixels (scale 224, sigma 9, min size 224) of toy-world images of the
same size, per image, single process; compared with the CLIP step's time per image.
The steps' FLOPs (``FlopCounterMode``: matrix products, convolutions, attention) give the
ratio the official design costs on any device; the time ratio adds what the device makes of the
smaller products (the MAE branch's 49-token blocks, the decoder at half width).
On CPU the steps are timed with freed memory kept for reuse (``reused_cpu_memory``), as a GPU's
caching allocator does: under glibc's defaults each step page-faults its activations in again,
which taxes the SegCLIP step (more activation memory) beyond its FLOPs (``--malloc-defaults``
measures that way).
Prints last: SegCLIP step (all losses) / CLIP step.
"""
import argparse
import contextlib
import time

import numpy as np
import torch
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from mmseg_textsup.datasets.toy.world import ToyWorld
from mmseg_textsup.models.segclip import felzenszwalb_superpixels
from benchmark_utils import compare, count_flops, format_report, peak_cuda_memory, reused_cpu_memory


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--model', default='ViT-B-16')
    parser.add_argument('--group-after', type=int, default=10, help='CLIP blocks before the group module')
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--size', type=int, default=224)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--repeats', type=int, default=9)
    parser.add_argument('--malloc-defaults', action='store_true',
                        help='time with glibc malloc\'s defaults (freed activations returned to the system)')
    args = parser.parse_args()
    init_default_scope('mmseg')
    torch.manual_seed(0)
    world = ToyWorld(seed=0, size=args.size)
    images_np = [world.sample(i).image for i in range(args.batch)]
    superpixels = [torch.from_numpy(felzenszwalb_superpixels(im).astype(np.int64)) for im in images_np]
    images = torch.randn(args.batch, 3, args.size, args.size, device=args.device)
    segclip_cfg = dict(type='SegCLIPPretrainer',
                       backbone=dict(type='SegCLIPVision', model_name=args.model, group_after=args.group_after),
                       text_tower=dict(type='OpenCLIPText', model_name=args.model))
    full = MODELS.build(segclip_cfg).to(args.device).train()
    contrastive = MODELS.build(dict(segclip_cfg, reconstruction=None, superpixel_kl=None)).to(args.device).train()
    clip_image = MODELS.build(dict(type='OpenCLIPVision', model_name=args.model, frozen=False)).to(args.device)
    clip_loss = MODELS.build(dict(type='CLIPContrastiveLoss')).to(args.device)
    tokens = full.text_encoder.tokenize([f'a photo of {i} dogs and a cat on the grass' for i in range(args.batch)])
    samples = [SegDataSample(text_tokens=t, superpixels=s) for t, s in zip(tokens, superpixels)]

    def clip_step():
        image = clip_image.forward_features(images, ('global', ))['global']
        clip_loss(image, full.text_encoder.encode(tokens)['global']).backward()

    def segclip_step(model):
        losses = model.loss(images, samples)
        sum(v for k, v in losses.items() if k.startswith('loss')).backward()

    contenders = {
        'CLIP contrastive step': clip_step,
        'SegCLIP step, contrastive only': lambda: segclip_step(contrastive),
        'SegCLIP step, all three losses': lambda: segclip_step(full),
    }
    with (contextlib.nullcontext(False) if args.malloc_defaults else reused_cpu_memory()) as reused:
        medians = compare(contenders, repeats=args.repeats)
    start = time.perf_counter()
    for im in images_np:
        felzenszwalb_superpixels(im)
    sp_ms = (time.perf_counter() - start) / len(images_np) * 1000
    clip_ms = medians['CLIP contrastive step'] / args.batch * 1000
    print(f'{args.model}, batch {args.batch}x3x{args.size}x{args.size}, {args.device}, '
          f'CPU threads: {torch.get_num_threads()}, '
          f'malloc: {"freed memory reused" if reused else "defaults"}')
    print(format_report(medians, 'CLIP contrastive step'))
    peak = peak_cuda_memory(lambda: segclip_step(full))
    if peak is not None:
        print(f'SegCLIP step (all losses): peak CUDA memory {peak / 2**30:.2f} GiB')
    print(f'superpixels (Felzenszwalb 224/9/224, {args.size}x{args.size}): {sp_ms:.1f} ms per image, '
          f'{sp_ms / clip_ms:.3f}x the CLIP step per image ({clip_ms:.1f} ms)')
    flops = count_flops(lambda: segclip_step(full)) / count_flops(clip_step)
    print(f'FLOPs: SegCLIP step (all losses) / CLIP step = {flops:.3f}')
    ratio = medians['SegCLIP step, all three losses'] / medians['CLIP contrastive step']
    print(f'SegCLIP step (all losses) / CLIP step = {ratio:.3f}')


if __name__ == '__main__':
    main()
