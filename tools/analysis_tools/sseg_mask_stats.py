"""What a trained S-Seg's masks say: ``python tools/analysis_tools/sseg_mask_stats.py CONFIG CHECKPOINT [--images 64]``.

On the first ``--images`` images of the config's test split (evaluation mode) prints: the mean
pairwise cosine of an image's mask embeddings, the number of distinct classes its masks are
named (argmax of each mask's class probabilities), the number of masks that win a pixel (argmax
of the mask logits), and how many of the N queries the Hungarian matching pairs with a pseudo
mask on these images (the generator's weights come from the config: ``--cfg-options
model.pseudo_masks.backbone.pretrained=...``). Masks that all describe the whole image show as
cosine ~1 and ~1 class per image.
"""
import argparse

import torch
import torch.nn.functional as F
from mmengine.config import DictAction

from mmseg_textsup.apis.inspect_checkpoint import load_model_and_test_batch
from mmseg_textsup.models.sseg import match_batch


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--images', type=int, default=64)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args()
    model, data = load_model_and_test_batch(args.config, args.checkpoint, args.images, cfg_options=args.cfg_options)
    model.pseudo_masks.init_weights()
    with torch.no_grad():
        out = model.backbone.forward_features(data['inputs'], ('masks', 'mask_embeddings'))
        mask_classes = model.text_encoder(out['mask_embeddings'].transpose(1, 2)).argmax(1)  # B, N
        pseudo = model.pseudo_masks(data['inputs'])
    emb = F.normalize(out['mask_embeddings'], dim=-1)
    cosine = emb @ emb.transpose(1, 2)
    n = cosine.shape[-1]
    off_diagonal = (cosine.sum(dim=(1, 2)) - cosine.diagonal(dim1=1, dim2=2).sum(-1)) / (n * (n - 1))
    distinct = torch.tensor([float(len(c.unique())) for c in mask_classes])
    winners = torch.tensor([float(len(m.argmax(0).unique())) for m in out['masks']])
    h, w = out['masks'].shape[2:]
    labels = F.interpolate(pseudo[:, None].float(), size=(h, w), mode='nearest')[:, 0].long().flatten(1)
    targets = F.one_hot(labels, int(labels.max()) + 1).transpose(1, 2).float()
    _, rows, _ = match_batch(out['masks'].flatten(2), targets, targets.sum(-1) > 0)
    print(f'{len(data["inputs"])} images, {n} queries')
    print(f'mean pairwise cosine of an image\'s mask embeddings: {off_diagonal.mean():.3f}')
    print(f'distinct classes among an image\'s masks: {distinct.mean():.2f}')
    print(f'masks that win a pixel per image: {winners.mean():.2f}')
    print(f'queries matched to a pseudo mask on these images: {len(rows.unique())} of {n}')


if __name__ == '__main__':
    main()
