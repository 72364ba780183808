#!/usr/bin/env bash
# The main job on the embedded default: set up (idempotent), pre-train the toy CLIP on
# toy-world captions with tools/train.py, then measure its MaskCLIP-style zero-shot
# segmentation of the toy val split with tools/test.py (per-class IoU and mIoU).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/tools/setup.sh"
PY="${MMSEG_TEXTSUP_VENV:-$ROOT/.venv}/bin/python"
cd "$ROOT"
WORK_DIR="${WORK_DIR:-work_dirs/toy_clip}"
"$PY" tools/train.py configs/toy_clip/pretrain.py --work-dir "$WORK_DIR"
"$PY" tools/test.py configs/toy_clip/pretrain.py "$(cat "$WORK_DIR/last_checkpoint")" --work-dir "$WORK_DIR/test"
echo "toy CLIP weights (open_clip format): $WORK_DIR/toy_clip.pth"
