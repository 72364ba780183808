"""MaskCLIP dense inference vs the plain CLIP image forward (same weights, same input), and the
training-free dense modes after MaskCLIP (SCLIP, ClearCLIP, NACLIP) next to MaskCLIP's.

    python tools/benchmark/maskclip_dense.py [--model ViT-B-16] [--size 448]

Prints each mode's time relative to MaskCLIP's (NACLIP also with its PAMR post-processing: 10
steps, dilations 8 / 16, on 21 class maps at the input size; ProxyCLIP and CASS with their DINO
ViT-B/8 tower, random weights), then, last, (MaskCLIP dense forward time) /
(open_clip encode_image time); target <= 1.10.
"""
import argparse

import open_clip
import torch

from mmseg_textsup.models.backbones import OpenCLIPVision
from mmseg_textsup.models.backbones.open_clip_vision import resize_pos_embed
from mmseg_textsup.models.training_free import (CASSVision, PEARLPropagation, ProxyCLIPVision, ResCLIPVision,
                                                SCCLIPVision, pamr)
from benchmark_utils import compare, format_report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--model', default='ViT-B-16')
    parser.add_argument('--size', type=int, default=448)
    parser.add_argument('--batch', type=int, default=1)
    parser.add_argument('--repeats', type=int, default=7)
    args = parser.parse_args()
    torch.manual_seed(0)
    clip = open_clip.create_model(args.model, pretrained=None).eval()
    tower = OpenCLIPVision(args.model, outputs=('dense', )).eval()
    tower.visual.load_state_dict(clip.visual.state_dict())
    x = torch.randn(args.batch, 3, args.size, args.size)
    # open_clip's encode_image needs its position embedding at this size: give it one resized
    # the same way (bicubic), so both do the same work apart from the dense read-out.
    g = args.size // tower.patch_size
    logits = torch.randn(args.batch, 21, args.size, args.size)
    proxy = ProxyCLIPVision(args.model, pos_embed_by_scale_factor=True).eval()
    proxy.visual.load_state_dict(clip.visual.state_dict())
    blocks = len(tower.blocks)  # SC-CLIP's block indices scaled to the tower (the official ones at 12 blocks)

    def index(i):
        return min(i * blocks // 12, blocks - 2)

    sc_clip = SCCLIPVision(args.model, pos_embed_by_scale_factor=True, pre_adjust_idx=index(8),
                           post_adjust_idx=index(3), multi_start_idx=index(3),
                           multi_end_idx=max(index(10), index(3) + 1)).eval()
    sc_clip.visual.load_state_dict(clip.visual.state_dict())
    resclip = ResCLIPVision(args.model, pos_embed_by_scale_factor=True,
                            rcs_blocks=sorted({index(i) for i in (5, 6, 7, 8)})).eval()
    resclip.visual.load_state_dict(clip.visual.state_dict())

    width, heads = tower.visual.conv1.out_channels, tower.blocks[-1].attn.num_heads
    dino_size = {} if width == 768 else dict(model_kwargs=dict(embed_dim=width, num_heads=heads))  # tiny towers
    dino = dict(type='TimmViTTokens', model_name='vit_base_patch8_224.dino', pos_embed_by_scale_factor=True,
                **dino_size)
    cass = CASSVision(args.model, pos_embed_by_scale_factor=True, vfm=dino).eval()
    cass.visual.load_state_dict(clip.visual.state_dict())

    propagation = PEARLPropagation()
    text = torch.randn(21, tower.embed_dim)

    def pearl_with_propagation():
        tower.forward_features(x, ('dense', ), dense_mode='pearl')
        propagation(x, logits, text)

    def naclip_with_pamr():
        tower.forward_features(x, ('dense', ), dense_mode='naclip')
        pamr(x, logits, steps=10, dilations=(8, 16))

    with torch.no_grad():
        clip.visual.positional_embedding = torch.nn.Parameter(
            resize_pos_embed(tower.visual.positional_embedding, (g, g), tower.visual.grid_size))
        clip.visual.grid_size = (g, g)
        medians = compare({
            'open_clip encode_image': lambda: clip.encode_image(x),
            'MaskCLIP dense (maskclip mode)': lambda: tower.forward_features(x, ('dense', )),
            'MaskCLIP dense + keys': lambda: tower.forward_features(x, ('dense', 'keys')),
            'MaskCLIP dense (value mode)': lambda: tower.forward_features(x, ('dense', ), dense_mode='value'),
            **{f'{name} dense': (lambda m=mode: tower.forward_features(x, ('dense', ), dense_mode=m))
               for name, mode in (('SCLIP', 'sclip'), ('ClearCLIP', 'clearclip'), ('NACLIP', 'naclip'),
                                  ('PEARL', 'pearl'))},
            'NACLIP + PAMR dense': naclip_with_pamr,
            'PEARL + propagation dense': pearl_with_propagation,
            'ProxyCLIP dense': lambda: proxy(x),
            'SC-CLIP dense': lambda: sc_clip(x),
            'ResCLIP dense': lambda: resclip(x, text_embeddings=text),
            'CASS dense': lambda: cass(x),
        }, repeats=args.repeats)
    print(f'{args.model}, {args.batch}x3x{args.size}x{args.size}, CPU threads: {torch.get_num_threads()}')
    print(format_report(medians, 'open_clip encode_image'))
    maskclip = medians['MaskCLIP dense (maskclip mode)']
    for name in ('SCLIP', 'ClearCLIP', 'NACLIP', 'NACLIP + PAMR', 'ProxyCLIP', 'SC-CLIP', 'PEARL',
                 'PEARL + propagation', 'ResCLIP', 'CASS'):
        print(f'{name} dense / MaskCLIP dense = {medians[name + " dense"] / maskclip:.3f}')
    ratio = medians['MaskCLIP dense (maskclip mode)'] / medians['open_clip encode_image']
    print(f'dense / encode_image = {ratio:.3f} (target <= 1.10)')


if __name__ == '__main__':
    main()
