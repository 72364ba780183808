"""Rank prompt templates by CLIP-ES sharpness (eq. 5) over a labelled image set.

    python tools/analysis_tools/clip_es_sharpness.py configs/clip_es/voc21_cams.py \
        --prompts "a clean origami {}." "a photo of a {}." "a rendering of a {}." [--max-images 500]

sharpness(prompt) = sum_i var(s_i1..s_ik) / sum_i mean(s_i1..s_ik), s_ij the softmax score
(over the present classes and the background words) of the j-th present class of image i.
Uses the config's model (weights load in init_weights) and its test dataset (images with
image-level labels). Lower is better; the paper picks the lowest. --prompts-file reads one
template per line.
"""
import argparse

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS, MODELS
from tqdm import tqdm

from mmseg_textsup.utils.image import to_uint8_rgb


def sharpness(score_sets) -> float:
    """Eq. 5 from the present-class scores of every image (a list of 1-D tensors)."""
    var = sum(float(s.var(unbiased=False)) for s in score_sets if len(s))
    mean = sum(float(s.mean()) for s in score_sets if len(s))
    return var / mean if mean > 0 else float('nan')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--prompts', nargs='*', default=[])
    parser.add_argument('--prompts-file')
    parser.add_argument('--max-images', type=int, default=500)
    parser.add_argument('--cfg-options', nargs='*', default=[], help='key=value overrides (as tools/test.py)')
    args = parser.parse_args()
    prompts = list(args.prompts)
    if args.prompts_file:
        with open(args.prompts_file) as f:
            prompts += [line.strip() for line in f if line.strip()]
    bad = [p for p in prompts if p.count('{}') != 1]
    if not prompts or bad:
        parser.error(f'give templates with exactly one {{}}: {bad or "none given"}')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(dict(o.split('=', 1) for o in args.cfg_options))
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.eval()
    dataset_cfg = cfg.test_dataloader.dataset
    dataset = DATASETS.build(dataset_cfg.get('dataset', dataset_cfg))  # unwrap PendingPseudoLabels
    n = min(args.max_images, len(dataset))
    images = []
    for i in tqdm(range(n), desc='loading'):
        data = model.data_preprocessor(dict(inputs=[dataset[i]['inputs']], data_samples=[dataset[i]['data_samples']]))
        images.append((to_uint8_rgb(data['inputs'], model.data_preprocessor)[0], data['data_samples'][0].image_labels))
    ranked = []
    for prompt in prompts:
        model.set_prompt(prompt)
        scores = [model.present_class_scores(x, labels) for x, labels in tqdm(images, desc=prompt)]
        ranked.append((sharpness(scores), prompt))
    print(f'sharpness over {n} images ({args.config}), lowest first:')
    for value, prompt in sorted(ranked):
        print(f'{value:10.5f}  {prompt}')


if __name__ == '__main__':
    with torch.no_grad():
        main()
