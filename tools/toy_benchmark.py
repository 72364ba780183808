"""Run every available paper's toy-world pipeline with the standard tools and tabulate mIoU.

    python tools/toy_benchmark.py                     # all rows, writes work_dirs/toy_benchmark/
    python tools/toy_benchmark.py --only maskclip     # the row "maskclip"
    python tools/toy_benchmark.py --only 'maskclip*'  # every row whose key starts with "maskclip"

Each row is a real ``tools/train.py`` / ``tools/test.py`` run; mIoU and per-class IoU are
read from the run's log. Rows whose ordering is judged train with several seeds
(``randomness.seed``) and report their mean with the standard deviation. The table (markdown)
goes to ``<out>/toy_results.md``, per-class IoUs to ``<out>/<row>.json``. Toy-world numbers
are not the papers' benchmarks.
"""
import argparse
import json
import os
import os.path as osp
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TOY_CLIP = 'work_dirs/toy_clip/toy_clip.pth'
MASKCLIP_WEIGHTS = ('model.backbone.pretrained', 'model.decode_head.text_encoder.pretrained')
CLIP_ES_WEIGHTS = ('model.backbone.pretrained', 'model.text_encoder.pretrained')
CLIP_ES_LABELS = 'work_dirs/toy_benchmark/clip_es_pseudo_masks/labels'  # written by the clip_es_pseudo_masks row
CLIP_ES_EQ8_LABELS = 'work_dirs/toy_benchmark/clip_es_pseudo_masks_eq8/labels'
SEGCLIP_WEIGHTS = ('model.image_encoder.pretrained', 'model.text_encoder.pretrained')
SSEG_WEIGHTS = ('model.pseudo_masks.backbone.pretrained', )
SSEG_LABELS = 'work_dirs/toy_benchmark/sseg_pseudo_labels/labels'  # written by the sseg_pseudo_labels row
SEGCLIP = 'SegCLIP (from the 4-block toy CLIP, 1,000 it., official lr)'
SEGCLIP_SHORT = 'SegCLIP (from the 4-block toy CLIP, 300 it., lr 1e-3)'
# The options that set the length of a SegCLIP toy run (max_iters and everything that follows it in the config).
SEGCLIP_ITERATION_KEYS = ('train_cfg.max_iters', 'train_cfg.val_interval', 'param_scheduler.1.end',
                          'default_hooks.checkpoint.interval', 'custom_hooks.0.interval')
SSEG = 'S-Seg (from scratch, 650 it.)'
MASKCLIP_PLUS_WEIGHTS = ('model.teacher.backbone.pretrained', 'model.teacher.decode_head.text_encoder.pretrained',
                         'model.classifier.text_encoder.pretrained')


@dataclass
class Row:
    """One table row: optional training, then a test run whose mIoU is reported."""
    key: str
    method: str
    setting: str
    config: str
    train: bool = False
    options: List[str] = field(default_factory=list)
    uses_toy_clip: bool = False  # evaluated with the toy CLIP weights of this benchmark run
    toy_clip_row: str = 'toy_clip'  # the row whose exported toy CLIP (<row>/<row>.pth) those are
    toy_clip_keys: Tuple[str, ...] = MASKCLIP_WEIGHTS  # config keys that receive those weights
    trained_by: Optional[str] = None  # test a checkpoint of another (earlier) row's training
    checkpoint: Optional[str] = None  # checkpoint file to test (default: the last one)
    seeds: Tuple[int, ...] = (0, )  # several where the row's ordering is judged (mean and spread)


def segclip_init(value: str, reconstruction: bool = True) -> List[str]:
    """Options that start SegCLIP's new layers with ``linear_init=value`` (the MAE branch's too, where the config
    has one); 'pytorch' for the rows measured before toy_pretrain.py took the official init at ViT-B's gain."""
    parts = ('image_encoder', 'reconstruction') if reconstruction else ('image_encoder', )
    return [f'model.{part}.linear_init={value}' for part in parts]


ROWS = [
    Row('toy_clip', 'toy CLIP (pre-training)', 'zero-shot, MaskCLIP value read-out', 'configs/toy_clip/pretrain.py',
        train=True),
    Row('toy_clip_4blocks', 'toy CLIP, 4 vision blocks (pre-training)', 'zero-shot, MaskCLIP value read-out',
        'configs/toy_clip/pretrain_4blocks.py', train=True),
    Row('maskclip', 'MaskCLIP', 'paper read-out (value + residual + FFN)', 'configs/maskclip/toy.py',
        uses_toy_clip=True),
    Row('maskclip_value', 'MaskCLIP', 'value path only (no residual / FFN)', 'configs/maskclip/toy.py',
        options=['model.backbone.dense_mode=value'], uses_toy_clip=True),
    Row('maskclip_qk', 'MaskCLIP', 'baseline: plain q-k last-block tokens', 'configs/maskclip/toy.py',
        options=['model.backbone.dense_mode=qk'], uses_toy_clip=True),
    Row('maskclip_ks', 'MaskCLIP', 'value path + key smoothing (official)', 'configs/maskclip/toy.py',
        options=['model.backbone.dense_mode=value', 'model.decode_head.key_smoothing=True'], uses_toy_clip=True),
    Row('maskclip_ks_paper', 'MaskCLIP', "value path + key smoothing (the paper's reading)", 'configs/maskclip/toy.py',
        options=['model.backbone.dense_mode=value', 'model.decode_head.key_smoothing=True',
                 'model.decode_head.refinement=paper', 'model.backbone.key_projection=in_proj'], uses_toy_clip=True),
    Row('maskclip_pd', 'MaskCLIP', 'value path + prompt denoising (0.5)', 'configs/maskclip/toy.py',
        options=['model.backbone.dense_mode=value', 'model.decode_head.prompt_denoising=0.5'], uses_toy_clip=True),
    Row('sclip', 'SCLIP (training-free)', 'correlative self-attention, residual + FFN', 'configs/sclip/toy.py',
        uses_toy_clip=True),
    Row('clearclip', 'ClearCLIP (training-free)', 'q-q attention, no residual / FFN', 'configs/clearclip/toy.py',
        uses_toy_clip=True),
    Row('naclip', 'NACLIP (training-free)', 'k-k attention + Gaussian neighbourhood (std 5), no residual / FFN',
        'configs/naclip/toy.py', uses_toy_clip=True),
    Row('proxyclip', 'ProxyCLIP (training-free)', "values averaged by another model's patch similarity (DINO's role: "
        'the 4-block toy CLIP)', 'configs/proxyclip/toy.py', uses_toy_clip=True,
        options=['model.backbone.vfm.pretrained=work_dirs/toy_benchmark/toy_clip_4blocks/toy_clip_4blocks.pth']),
    *[Row(f'maskclip_{short}{level}', 'MaskCLIP (value path) under corruption', f'{name.replace("_", " ")} {level}',
          'configs/maskclip/toy_corrupt.py', uses_toy_clip=True,
          options=[f'test_dataloader.dataset.pipeline.1.name={name}',
                   f'test_dataloader.dataset.pipeline.1.level={level}'])
      for short, name in (('noise', 'gaussian_noise'), ('blur', 'gaussian_blur')) for level in (1, 5)],
    Row('supervised', 'fully supervised (upper bound)', 'toy ViT + FCN head, toy labels',
        'configs/toy_clip/supervised.py', train=True),
    Row('maskclip_plus', 'MaskCLIP+', 'student after guided (500 it.) + self-training (500 it.)',
        'configs/maskclip_plus/toy.py', train=True, uses_toy_clip=True, toy_clip_keys=MASKCLIP_PLUS_WEIGHTS,
        seeds=(0, 1, 2)),
    Row('maskclip_plus_guided', 'MaskCLIP+', 'same runs, student after guided learning (iteration 500)',
        'configs/maskclip_plus/toy.py', uses_toy_clip=True, toy_clip_keys=MASKCLIP_PLUS_WEIGHTS,
        trained_by='maskclip_plus', checkpoint='iter_500.pth', seeds=(0, 1, 2)),
    Row('maskclip_plus_paper_switch', 'MaskCLIP+', "paper's switch at 1/10: guided 100 + self-training 900 it.",
        'configs/maskclip_plus/toy.py', train=True, options=['custom_hooks.0.start_iter=100'], uses_toy_clip=True,
        toy_clip_keys=MASKCLIP_PLUS_WEIGHTS),
    Row('maskclip_plus_zero_shot', 'MaskCLIP+ zero-shot', 'unseen: water, lemon, zebra (transductive)',
        'configs/maskclip_plus/toy_zero_shot.py', train=True, uses_toy_clip=True,
        toy_clip_keys=MASKCLIP_PLUS_WEIGHTS),
    Row('simseg', 'SimSeg (LoDA pre-training)', 'SimSeg inference with dense CRF', 'configs/simseg/toy_pretrain.py',
        train=True),
    Row('simseg_no_crf', 'SimSeg (LoDA pre-training)', 'same model, without CRF', 'configs/simseg/toy_pretrain.py',
        trained_by='simseg', options=['model.zero_shot.crf=False']),
    Row('simseg_argmax', 'SimSeg (LoDA pre-training)', 'diagnostic: argmax of the coarse maps, no selection',
        'configs/simseg/toy_pretrain.py', trained_by='simseg', options=['model.zero_shot.select=False']),
    Row('simseg_dense', 'SimSeg w/o LoDA (dense alignment)', 'SimSeg inference with dense CRF',
        'configs/simseg/toy_pretrain_dense.py', train=True),
    Row('simseg_dense_no_crf', 'SimSeg w/o LoDA (dense alignment)', 'same model, without CRF',
        'configs/simseg/toy_pretrain_dense.py', trained_by='simseg_dense', options=['model.zero_shot.crf=False']),
    Row('simseg_dense_argmax', 'SimSeg w/o LoDA (dense alignment)', 'diagnostic: argmax of the coarse maps',
        'configs/simseg/toy_pretrain_dense.py', trained_by='simseg_dense',
        options=['model.zero_shot.select=False']),
    # toy_pretrain.py as it is: the official init at the gain it has at ViT-B's width, N(0, 0.049)
    Row('segclip_width_matched_init', SEGCLIP, 'all three losses (toy_pretrain.py)',
        'configs/segclip/toy_pretrain.py', train=True, uses_toy_clip=True, toy_clip_row='toy_clip_4blocks',
        toy_clip_keys=SEGCLIP_WEIGHTS, seeds=(0, 1, 2)),
    Row('segclip_contrastive_width_matched_init', SEGCLIP, 'contrastive only (toy_pretrain_contrastive.py)',
        'configs/segclip/toy_pretrain_contrastive.py', train=True, uses_toy_clip=True,
        toy_clip_row='toy_clip_4blocks', toy_clip_keys=SEGCLIP_WEIGHTS, seeds=(0, 1, 2)),
    Row('segclip_reconstruction_width_matched_init', SEGCLIP,
        'contrastive + reconstruction (toy_pretrain_reconstruction.py)',
        'configs/segclip/toy_pretrain_reconstruction.py', train=True, uses_toy_clip=True,
        toy_clip_row='toy_clip_4blocks', toy_clip_keys=SEGCLIP_WEIGHTS, seeds=(0, 1, 2)),
    Row('segclip_superpixel_kl_width_matched_init', SEGCLIP,
        'contrastive + superpixel KL (toy_pretrain_superpixel_kl.py)',
        'configs/segclip/toy_pretrain_superpixel_kl.py', train=True, uses_toy_clip=True,
        toy_clip_row='toy_clip_4blocks', toy_clip_keys=SEGCLIP_WEIGHTS, seeds=(0, 1, 2)),
    Row('segclip', SEGCLIP, 'contrastive + reconstruction + superpixel KL, PyTorch init of the new layers',
        'configs/segclip/toy_pretrain.py', train=True, uses_toy_clip=True, toy_clip_row='toy_clip_4blocks',
        toy_clip_keys=SEGCLIP_WEIGHTS, seeds=(0, 1, 2), options=segclip_init('pytorch')),
    Row('segclip_contrastive', SEGCLIP, 'contrastive only, PyTorch init of the new layers',
        'configs/segclip/toy_pretrain_contrastive.py', train=True, uses_toy_clip=True,
        toy_clip_row='toy_clip_4blocks', toy_clip_keys=SEGCLIP_WEIGHTS, seeds=(0, 1, 2),
        options=segclip_init('pytorch', reconstruction=False)),
    Row('segclip_reconstruction', SEGCLIP, 'contrastive + reconstruction, PyTorch init of the new layers',
        'configs/segclip/toy_pretrain_reconstruction.py', train=True, uses_toy_clip=True,
        toy_clip_row='toy_clip_4blocks', toy_clip_keys=SEGCLIP_WEIGHTS, seeds=(0, 1, 2),
        options=segclip_init('pytorch')),
    Row('segclip_superpixel_kl', SEGCLIP, 'contrastive + superpixel KL, PyTorch init of the new layers (seed 0)',
        'configs/segclip/toy_pretrain_superpixel_kl.py', train=True, uses_toy_clip=True,
        toy_clip_row='toy_clip_4blocks', toy_clip_keys=SEGCLIP_WEIGHTS,
        options=segclip_init('pytorch', reconstruction=False)),
    Row('segclip_official_init', SEGCLIP, 'all three losses, the official init N(0, 0.02) of the new layers (seed 0)',
        'configs/segclip/toy_pretrain.py', train=True, uses_toy_clip=True, toy_clip_row='toy_clip_4blocks',
        toy_clip_keys=SEGCLIP_WEIGHTS, options=segclip_init('official')),
    Row('segclip_contrastive_official_init', SEGCLIP,
        'contrastive only, the official init N(0, 0.02) of the new layers (seed 0)',
        'configs/segclip/toy_pretrain_contrastive.py', train=True, uses_toy_clip=True,
        toy_clip_row='toy_clip_4blocks', toy_clip_keys=SEGCLIP_WEIGHTS,
        options=segclip_init('official', reconstruction=False)),
    Row('segclip_short', SEGCLIP_SHORT, 'contrastive + reconstruction + superpixel KL (seed 0)',
        'configs/segclip/toy_pretrain_short.py', train=True, uses_toy_clip=True, toy_clip_row='toy_clip_4blocks',
        toy_clip_keys=SEGCLIP_WEIGHTS),
    Row('segclip_short_contrastive', SEGCLIP_SHORT, 'contrastive only (seed 0)',
        'configs/segclip/toy_pretrain_short.py', train=True, uses_toy_clip=True, toy_clip_row='toy_clip_4blocks',
        toy_clip_keys=SEGCLIP_WEIGHTS, options=['model.reconstruction=None', 'model.superpixel_kl=None']),
    Row('segclip_short_reconstruction', SEGCLIP_SHORT, 'contrastive + reconstruction (seed 0)',
        'configs/segclip/toy_pretrain_short.py', train=True, uses_toy_clip=True, toy_clip_row='toy_clip_4blocks',
        toy_clip_keys=SEGCLIP_WEIGHTS, options=['model.superpixel_kl=None']),
    Row('segclip_short_superpixel_kl', SEGCLIP_SHORT, 'contrastive + superpixel KL (seed 0)',
        'configs/segclip/toy_pretrain_short.py', train=True, uses_toy_clip=True, toy_clip_row='toy_clip_4blocks',
        toy_clip_keys=SEGCLIP_WEIGHTS, options=['model.reconstruction=None']),
    Row('segclip_short_1000_iters', SEGCLIP_SHORT.replace('300', '1,000'),
        'contrastive + reconstruction + superpixel KL (seed 0)', 'configs/segclip/toy_pretrain_short.py', train=True,
        uses_toy_clip=True, toy_clip_row='toy_clip_4blocks', toy_clip_keys=SEGCLIP_WEIGHTS,
        options=[f'{key}=1000' for key in SEGCLIP_ITERATION_KEYS]),
    Row('segclip_per_image', SEGCLIP_SHORT, "all three losses, centers attend to their own image's tokens (the paper)",
        'configs/segclip/toy_pretrain_per_image.py', train=True, uses_toy_clip=True, toy_clip_row='toy_clip_4blocks',
        toy_clip_keys=SEGCLIP_WEIGHTS),
    Row('segclip_per_image_region_self_test', SEGCLIP_SHORT,
        'same model, stage 3 on each region alone at test time only',
        'configs/segclip/toy_pretrain_per_image.py', trained_by='segclip_per_image', uses_toy_clip=True,
        toy_clip_row='toy_clip_4blocks', toy_clip_keys=SEGCLIP_WEIGHTS,
        options=['model.image_encoder.region_attention=self']),
    Row('segclip_region_self', SEGCLIP_SHORT, 'all three losses, stage 3 on each region alone (not in the paper)',
        'configs/segclip/toy_pretrain_region_self.py', train=True, uses_toy_clip=True, toy_clip_row='toy_clip_4blocks',
        toy_clip_keys=SEGCLIP_WEIGHTS, seeds=(0, 1, 2)),
    Row('segclip_region_self_contrastive', SEGCLIP_SHORT,
        'contrastive only, stage 3 on each region alone (not in the paper)',
        'configs/segclip/toy_pretrain_region_self_contrastive.py', train=True, uses_toy_clip=True,
        toy_clip_row='toy_clip_4blocks', toy_clip_keys=SEGCLIP_WEIGHTS, seeds=(0, 1, 2)),
    Row('sseg_oracle', 'S-Seg pseudo-mask generator', 'toy CLIP tokens + K-means (K = 8), oracle labels (Table 1)',
        'configs/sseg/toy_pseudo_mask_oracle.py', uses_toy_clip=True, toy_clip_keys=SSEG_WEIGHTS),
    Row('sseg', SSEG, "the paper's design, zero-shot, MaskFormer combination", 'configs/sseg/toy_pretrain.py',
        train=True, uses_toy_clip=True, toy_clip_keys=SSEG_WEIGHTS),
    Row('sseg_winner', SSEG, 'same model, each pixel named by its most likely mask', 'configs/sseg/toy_pretrain.py',
        trained_by='sseg', uses_toy_clip=True, toy_clip_keys=SSEG_WEIGHTS, options=['model.zero_shot.combine=winner']),
    Row('sseg_project_then_mean', SSEG, 'image embedding = mean of the mask embeddings',
        'configs/sseg/toy_pretrain_project_then_mean.py', train=True, uses_toy_clip=True, toy_clip_keys=SSEG_WEIGHTS),
    Row('sseg_mask_pooled', SSEG, 'mask features pooled under their masks, mean of the mask embeddings (not in the '
        'paper)', 'configs/sseg/toy_pretrain_mask_pooled.py', train=True, uses_toy_clip=True,
        toy_clip_keys=SSEG_WEIGHTS, seeds=(0, 1, 2)),
    Row('sseg_mask_pooled_winner', SSEG, 'same model, each pixel named by its most likely mask',
        'configs/sseg/toy_pretrain_mask_pooled.py', trained_by='sseg_mask_pooled', uses_toy_clip=True,
        toy_clip_keys=SSEG_WEIGHTS, seeds=(0, 1, 2), options=['model.zero_shot.combine=winner']),
    Row('sseg_mask_pooled_8k_pairs', SSEG, 'mask pooled, 8k distinct pairs (data scaling; the others: 83k)',
        'configs/sseg/toy_pretrain_mask_pooled.py', train=True, uses_toy_clip=True, toy_clip_keys=SSEG_WEIGHTS,
        seeds=(0, 1, 2), options=['train_dataloader.dataset.num_samples=8000']),
    Row('sseg_pseudo_labels', 'S-Seg pseudo labels', 'the mask-pooled toy S-Seg (seed 0) on the 2000 toy train images',
        'configs/sseg/toy_train_pseudo_labels.py', trained_by='sseg_mask_pooled', uses_toy_clip=True,
        toy_clip_keys=SSEG_WEIGHTS, options=[f'pseudo_label_dir={osp.dirname(SSEG_LABELS)}']),
    Row('sseg_plus', 'S-Seg+', 'UperNet + small ViT (layer decay 0.7) on the S-Seg pseudo labels',
        'configs/sseg_plus/toy.py', train=True, seeds=(0, 1, 2),
        options=[f'train_dataloader.dataset.data_prefix.seg_map_path={SSEG_LABELS}']),
    *[Row(f'clip_es_{key}{"_bg1" if power == 1 else ""}', 'CLIP-ES pseudo masks',
          f'{what}, background (1 - max)^{power} (toy train, first 500)', 'configs/clip_es/toy.py',
          options=[f'model.caa={caa}', 'model.crf=False', f'model.bg_power={power}',
                   'test_dataloader.dataset.indices=500'], uses_toy_clip=True, toy_clip_keys=CLIP_ES_WEIGHTS)
      for key, what, caa in (('cams', 'initial CAMs', False), ('caa', '+ CAA', True)) for power in (2, 1)],
    Row('clip_es_caa_crf', 'CLIP-ES pseudo masks', '+ CAA + dense CRF (toy train, first 500)',
        'configs/clip_es/toy.py', options=['test_dataloader.dataset.indices=500'], uses_toy_clip=True,
        toy_clip_keys=CLIP_ES_WEIGHTS),
    Row('clip_es_pseudo_masks', 'CLIP-ES pseudo masks', 'CAA + CRF, all 2000 toy train images, written',
        'configs/clip_es/toy_pseudo_masks.py', uses_toy_clip=True, toy_clip_keys=CLIP_ES_WEIGHTS,
        options=[f'pseudo_label_dir={osp.dirname(CLIP_ES_LABELS)}']),
    Row('clip_es_pseudo_masks_eq8', 'CLIP-ES pseudo masks', "same masks, confidence by the paper's eq. 8, written",
        'configs/clip_es/toy_pseudo_masks.py', uses_toy_clip=True, toy_clip_keys=CLIP_ES_WEIGHTS,
        options=[f'pseudo_label_dir={osp.dirname(CLIP_ES_EQ8_LABELS)}', 'model.confidence=cam']),
    Row('clip_es_student_cgl', 'CLIP-ES student', 'DeepLabv2-style student on the pseudo masks, CGL (mu 0.95)',
        'configs/clip_es/toy_deeplabv2.py', train=True, seeds=(0, 1, 2),
        options=[f'train_dataloader.dataset.data_prefix.seg_map_path={CLIP_ES_LABELS}']),
    Row('clip_es_student_ce', 'CLIP-ES student', 'same, plain cross-entropy', 'configs/clip_es/toy_deeplabv2_ce.py',
        train=True, seeds=(0, 1, 2), options=[f'train_dataloader.dataset.data_prefix.seg_map_path={CLIP_ES_LABELS}']),
    Row('clip_es_student_cgl_eq8', 'CLIP-ES student', "CGL with the paper's eq. 8 confidence (CAMs, not the CRF)",
        'configs/clip_es/toy_deeplabv2.py', train=True, seeds=(0, 1, 2),
        options=[f'train_dataloader.dataset.data_prefix.seg_map_path={CLIP_ES_EQ8_LABELS}']),
]


def parse_metrics(log: str):
    """mIoU and per-class IoU of the last evaluation printed in an mmengine log."""
    blocks = log.split('per class results:')
    if len(blocks) < 2:
        raise RuntimeError('no evaluation found in the log')
    table = blocks[-1]
    per_class = {}
    for line in table.splitlines():
        m = re.match(r'\|\s*([^|]+?)\s*\|\s*([\d.]+|nan)\s*\|\s*([\d.]+|nan)\s*\|', line)
        if m:
            per_class[m.group(1)] = float(m.group(2))
        elif per_class and 'mIoU' in line:
            break
    miou = float(re.search(r'mIoU: ([\d.]+)', table).group(1))
    for key in ('mIoU_seen', 'mIoU_unseen', 'hIoU'):  # zero-shot metric
        m = re.search(rf'{key}: ([\d.]+)', table)
        if m:
            per_class[key] = float(m.group(1))
    return miou, per_class


def run(cmd, log_path):
    with open(log_path, 'w') as log:
        proc = subprocess.run(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    text = open(log_path).read()
    if proc.returncode != 0:
        raise RuntimeError(f'{" ".join(cmd)} failed, see {log_path}:\n{text[-2000:]}')
    return text


def run_seed(row: Row, seed: int, out_dir: str, python: str, toy_clip: str, reuse: bool = False) -> dict:
    """Train (if the row trains) and test one seed of a row; its mIoU and per-class IoU."""
    suffix = f'seed{seed}' if len(row.seeds) > 1 else ''
    work_dir = osp.join(out_dir, row.key, suffix)
    os.makedirs(work_dir, exist_ok=True)
    options = list(row.options) + ([f'randomness.seed={seed}'] if suffix else [])
    if row.uses_toy_clip:
        options += [f'{key}={toy_clip}' for key in row.toy_clip_keys]
    opts = ['--cfg-options', *options] if options else []
    if row.train and not (reuse and osp.isfile(osp.join(work_dir, 'last_checkpoint'))):
        run([python, 'tools/train.py', row.config, '--work-dir', work_dir, *opts], osp.join(work_dir, 'train.log'))
    trainer = next(r for r in ROWS if r.key == (row.trained_by or row.key))
    train_dir = osp.join(out_dir, trainer.key, f'seed{seed}' if len(trainer.seeds) > 1 else '')
    if row.checkpoint:
        checkpoint = osp.join(train_dir, row.checkpoint)
    elif row.train or row.trained_by:
        checkpoint = open(osp.join(train_dir, 'last_checkpoint')).read().strip()
    else:
        checkpoint = 'none'
    log = run([python, 'tools/test.py', row.config, checkpoint, '--work-dir', osp.join(work_dir, 'test'), *opts],
              osp.join(work_dir, 'test.log'))
    miou, per_class = parse_metrics(log)
    return dict(seed=seed, mIoU=miou, per_class_IoU=per_class)


def run_row(row: Row, out_dir: str, python: str, toy_clip: str, reuse: bool = False, seeds=None):
    """Every seed of a row (or those of ``seeds``); ``<out>/<key>.json`` holds the mean, the
    spread and each seed."""
    start = time.time()
    runs = [run_seed(row, seed, out_dir, python, toy_clip, reuse) for seed in row.seeds if not seeds or seed in seeds]
    mious = [r['mIoU'] for r in runs]
    per_class = {k: statistics.mean(r['per_class_IoU'][k] for r in runs) for k in runs[0]['per_class_IoU']}
    with open(osp.join(out_dir, f'{row.key}.json'), 'w') as f:
        json.dump(dict(method=row.method, setting=row.setting, mIoU=statistics.mean(mious),
                       mIoU_std=statistics.stdev(mious) if len(mious) > 1 else 0.0, seeds=runs,
                       per_class_IoU=per_class, minutes=(time.time() - start) / 60), f, indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default='work_dirs/toy_benchmark')
    parser.add_argument('--only', nargs='+', help="rows to run: keys, or prefixes ending in '*' (maskclip_plus*)")
    parser.add_argument('--reuse', action='store_true', help='test the existing checkpoint of trained rows')
    parser.add_argument('--seeds', type=int, nargs='+',
                        help="run only these of the rows' seeds (a later --reuse run adds the others)")
    args = parser.parse_args()
    out_dir = osp.join(ROOT, args.out)
    os.makedirs(out_dir, exist_ok=True)
    rows = [r for r in ROWS if not args.only or any(r.key == key or key.endswith('*') and r.key.startswith(key[:-1])
                                                    for key in args.only)]
    needs_files = any(r.config.startswith(('configs/clip_es/', 'configs/sseg')) for r in rows)
    if needs_files and not osp.isdir(osp.join(ROOT, 'data/toy/voc/SegmentationClassObjects')):
        run([sys.executable, 'tools/dataset_converters/write_toy_world.py', 'data/toy', '--shards', '0'],
            osp.join(out_dir, 'write_toy_world.log'))
    for row in rows:
        # the toy CLIP trained by this benchmark's toy_clip row (or toy_clip_4blocks), else, for the
        # first, the one tools/quickstart.sh made
        toy_clip = osp.join(out_dir, row.toy_clip_row, f'{row.toy_clip_row}.pth')
        if row.toy_clip_row == 'toy_clip' and not osp.isfile(toy_clip):
            toy_clip = osp.join(ROOT, TOY_CLIP)
        if row.uses_toy_clip and not osp.isfile(toy_clip):
            print(f'skip {row.key}: no toy CLIP yet ({toy_clip}); run the {row.toy_clip_row} row first', flush=True)
            continue
        print(f'running {row.key} ...', flush=True)
        run_row(row, out_dir, sys.executable, toy_clip, args.reuse, args.seeds)
    table = make_table(out_dir)
    with open(osp.join(out_dir, 'toy_results.md'), 'w') as f:
        f.write(table)
    print(table)


def make_table(out_dir: str) -> str:
    """Markdown table of every row measured so far in ``out_dir`` (in ROWS order): the mean of its
    seeds, with the standard deviation and the seeds' values where there are several."""
    lines = ['| method | setting | mIoU | per-class IoU | minutes (2-core CPU, wall) |', '|---|---|---|---|---|']
    for row in ROWS:
        path = osp.join(out_dir, f'{row.key}.json')
        if not osp.isfile(path):
            continue
        with open(path) as f:
            r = json.load(f)
        miou = f"{r['mIoU']:.1f}"
        if len(r.get('seeds', [])) > 1:
            values = ' / '.join(f"{s['mIoU']:.1f}" for s in r['seeds'])
            miou += f" ± {r['mIoU_std']:.1f} (seeds {values})"
        ious = ', '.join(f'{k} {v:.1f}' for k, v in r['per_class_IoU'].items())
        lines.append(f"| {r['method']} | {r['setting']} | {miou} | {ious} | {r['minutes']:.1f} |")
    return '\n'.join(lines) + '\n'


if __name__ == '__main__':
    main()
