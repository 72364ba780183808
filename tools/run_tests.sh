#!/usr/bin/env bash
# Set everything up (idempotent) and run the default test suite on CPU.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/tools/setup.sh"
VENV="${MMSEG_TEXTSUP_VENV:-$ROOT/.venv}"
cd "$ROOT"
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
