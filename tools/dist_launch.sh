#!/usr/bin/env bash
# What tools/dist_train.sh and tools/dist_test.sh share: tools/dist_launch.sh SCRIPT NUM_PROCESSES ARGS...
# runs SCRIPT ARGS... in NUM_PROCESSES processes with torch.distributed.run (NCCL on a CUDA node,
# gloo on a CPU-only machine). Multi-node: set NNODES, NODE_RANK, MASTER_ADDR (and PORT) on every node.
set -euo pipefail
SCRIPT=$1
NPROC=$2
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHONPATH="$DIR/..:${PYTHONPATH:-}" \
"${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" --node_rank="${NODE_RANK:-0}" --master_addr="${MASTER_ADDR:-127.0.0.1}" \
    --nproc_per_node="$NPROC" --master_port="${PORT:-29500}" \
    "$SCRIPT" "${@:3}"
