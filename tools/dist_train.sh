#!/usr/bin/env bash
# Distributed training: tools/dist_train.sh CONFIG NUM_PROCESSES [train.py args...]
# One process per GPU on a CUDA node (NCCL); on a CPU-only machine the processes use gloo.
# Multi-node: set NNODES, NODE_RANK, MASTER_ADDR (and PORT) on every node.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$DIR/dist_launch.sh" "$DIR/train.py" "$2" "$1" --launcher pytorch "${@:3}"
