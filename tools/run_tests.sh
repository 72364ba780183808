#!/usr/bin/env bash
# Set everything up (idempotent), lint, and run the default test suite on CPU.
#   bash tools/run_tests.sh                 # everything (CI)
#   bash tools/run_tests.sh -m "not slow"   # the fast loop: no subprocesses, no multi-process runs
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/tools/setup.sh"
VENV="${MMSEG_TEXTSUP_VENV:-$ROOT/.venv}"
cd "$ROOT"
"$VENV/bin/python" -m flake8 .
"$VENV/bin/python" -m isort --check-only --diff --quiet .
# two workers (pytest-xdist; work stealing balances the long subprocess tests): the subprocesses and
# dist tests leave a core idle most of the time; each worker's torch uses its share of the threads
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider -n "${PYTEST_WORKERS:-2}" --dist worksteal tests "$@"
