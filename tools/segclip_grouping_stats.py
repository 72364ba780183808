"""How a trained SegCLIP groups: ``python tools/segclip_grouping_stats.py CONFIG CHECKPOINT [--images 32]``.

On the first ``--images`` images of the config's test split (evaluation mode, no Gumbel noise)
prints: centers used per image (distinct argmax of the assignment), the mean maximum soft
probability of a patch, the mean pairwise cosine of an image's region embeddings (and of its
region tokens as the group module hands them to stage 3), and the number of distinct classes the
zero-shot read-out gives an image's regions. Degenerate
groupings show as 1 center per image (everything in one region) or regions with cosine ~1
(every region summarises the whole image).
"""
import argparse

import torch
import torch.nn.functional as F

from mmseg_textsup.apis.inspect_checkpoint import load_model_and_test_batch


def mean_pairwise_cosine(regions):
    """Mean cosine between different regions (B, L, C) of an image, averaged over images."""
    unit = F.normalize(regions, dim=-1)
    cosine = unit @ unit.transpose(1, 2)
    n = cosine.shape[-1]
    return ((cosine.sum(dim=(1, 2)) - n) / (n * (n - 1))).mean()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--images', type=int, default=32)
    args = parser.parse_args()
    model, data = load_model_and_test_batch(args.config, args.checkpoint, args.images,
                                            ('image_encoder', 'text_encoder'))
    with torch.no_grad():
        out = model.image_encoder.forward_features(data['inputs'], ('regions', 'assignment', 'probs'))
        region_classes = model.text_encoder(out['regions'].transpose(1, 2)).argmax(1)  # B, L: the read-out's classes
        entering = model.image_encoder.group_patches(data['inputs'])['regions']  # before stage 3
    used = torch.tensor([float(len(a.argmax(-1).unique())) for a in out['assignment']])
    print(f'{len(data["inputs"])} images, {out["assignment"].shape[-1]} centers')
    print(f'centers used per image: {used.mean():.2f}')
    print(f'mean maximum soft probability: {out["probs"].amax(-1).mean():.3f}')
    distinct = torch.tensor([float(len(c.unique())) for c in region_classes])
    print(f'distinct classes among an image\'s regions: {distinct.mean():.2f}')
    print(f'mean pairwise cosine of an image\'s regions: {mean_pairwise_cosine(out["regions"]):.3f}')
    print(f'the same, region tokens entering stage 3: {mean_pairwise_cosine(entering):.3f}')


if __name__ == '__main__':
    main()
