"""How a trained SegCLIP groups.

    python tools/analysis_tools/segclip_grouping_stats.py CONFIG CHECKPOINT [--images 32]


On the first ``--images`` images of the config's test split (evaluation mode, no Gumbel noise)
prints: centers used per image (distinct argmax of the assignment), the mean maximum soft
probability of a patch, the mean pairwise cosine of an image's region embeddings (and of its
region tokens as the group module hands them to stage 3), the number of distinct classes the
zero-shot read-out gives an image's regions, and the mean norm of the region tokens entering
stage 3 against that of the patch tokens entering the group module (the scale stage 3's CLIP
blocks were trained on). Degenerate groupings show as 1 center per image (everything in one
region) or regions with cosine ~1 (every region summarises the whole image); region tokens much
smaller than the patch tokens are swamped by stage 3's attention, which then averages them.
Where the test images keep their size (the toy world), also: region purity (the share of patches
whose region's majority ground-truth class is theirs; a patch's class is its most frequent pixel
label) and region accuracy (the share of patches whose region the read-out names with that
majority class): a pure grouping whose regions are named wrongly shows as high purity, low accuracy.
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


def region_purity_and_accuracy(assignment, region_classes, labels, patch_size):
    """(purity, accuracy) over all patches of assignments (B, N, L), the read-out's region classes
    (B, L) and ground-truth label maps (B, H, W) of the images' size; see the module docstring."""
    B, N, _ = assignment.shape
    p = patch_size
    h, w = labels.shape[1] // p, labels.shape[2] // p
    patch_labels = labels.reshape(B, h, p, w, p).permute(0, 1, 3, 2, 4).reshape(B, N, p * p).mode(-1).values
    member = assignment.argmax(-1)
    pure = right = 0
    for b in range(B):
        for region in member[b].unique():
            labels_in = patch_labels[b][member[b] == region]
            majority = labels_in.mode().values
            pure += (labels_in == majority).sum().item()
            right += len(labels_in) * int(region_classes[b, region] == majority)
    return pure / (B * N), right / (B * N)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--images', type=int, default=32)
    args = parser.parse_args()
    model, data = load_model_and_test_batch(args.config, args.checkpoint, args.images,
                                            ('backbone', 'text_tower'))
    with torch.no_grad():
        out = model.backbone.forward_features(data['inputs'], ('regions', 'assignment', 'probs'))
        region_classes = model.text_encoder(out['regions'].transpose(1, 2)).argmax(1)  # B, L: the read-out's classes
        encoder = model.backbone
        patches = encoder.run_blocks(encoder.embed(data['inputs'])[0][:, 1:], 0, encoder.group_after)[0]
        entering = encoder.group(patches)['regions']  # before stage 3 (evaluation: no Gumbel noise)
    used = torch.tensor([float(len(a.argmax(-1).unique())) for a in out['assignment']])
    print(f'{len(data["inputs"])} images, {out["assignment"].shape[-1]} centers')
    print(f'centers used per image: {used.mean():.2f}')
    print(f'mean maximum soft probability: {out["probs"].amax(-1).mean():.3f}')
    distinct = torch.tensor([float(len(c.unique())) for c in region_classes])
    print(f'distinct classes among an image\'s regions: {distinct.mean():.2f}')
    print(f'mean pairwise cosine of an image\'s regions: {mean_pairwise_cosine(out["regions"]):.3f}')
    print(f'the same, region tokens entering stage 3: {mean_pairwise_cosine(entering):.3f}')
    print(f'mean norm of the region tokens entering stage 3: {entering.norm(dim=-1).mean():.3f}')
    print(f'mean norm of the patch tokens entering the group module: {patches.norm(dim=-1).mean():.3f}')
    labels = torch.stack([s.gt_sem_seg.data[0] for s in data['data_samples']])
    if labels.shape[1:] == data['inputs'].shape[2:]:
        purity, accuracy = region_purity_and_accuracy(out['assignment'], region_classes, labels, encoder.patch_size)
        print(f'region purity: {purity:.3f}')
        print(f'region accuracy: {accuracy:.3f}')
    else:
        print('region purity and accuracy: n/a (the labels are not at the input size)')


if __name__ == '__main__':
    main()
