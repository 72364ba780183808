#!/usr/bin/env bash
# The performance issue's GPU figures in one command, on a CUDA machine (random weights, no data):
#   bash tools/benchmark/gpu_figures.sh 2>&1 | tee gpu_figures.log
# MaskCLIP ViT-B/16 448x448 images/s in fp32 / tf32 / bf16 with the fraction of the peak;
# CLIP-ES pseudo masks per image and projected hours for VOC train_aug (CRFs on all cores);
# one MaskCLIP+ iteration (DeepLabv2-R101, batch 8, 512 crop) and one SimSeg (LoDA) / SegCLIP
# pre-training step (ViT-B/16, batch 256), with peak memory. Record the output, the device and
# the date in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PYTHONWARNINGS=ignore
python tools/benchmark/maskclip_throughput.py --model ViT-B-16 --size 448 --batch 32
python tools/benchmark/clip_es_voc_estimate.py --images 64 --crf-workers "$(nproc)"
python tools/benchmark/maskclip_plus_step.py --batch 8 --size 512
python tools/benchmark/loda_step.py --model ViT-B-16 --batch 256
python tools/benchmark/segclip_step.py --model ViT-B-16 --batch 256
