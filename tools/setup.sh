#!/usr/bin/env bash
# Set up a virtual environment with everything mmseg_textsup needs (CPU machine or GPU node).
#
#   bash tools/setup.sh            # creates/updates ./.venv (override with MMSEG_TEXTSUP_VENV)
#
# Idempotent: every step checks what is already installed and skips it, so a second run
# takes seconds. The order matters (measured facts, see README "Installation"):
#   1. torch + torchvision as a matching pair. `--isolated` ignores a machine-wide pip
#      config that may prefer a local CPU-only torch wheel, with which torchvision fails
#      to import (`operator torchvision::nms does not exist`).
#   2. mmcv 2.1.0 with compiled ops, built against that torch: needs `setuptools<80`
#      (mmcv's setup.py imports pkg_resources) and `--no-build-isolation`. ~14 min on
#      2 cores the first time; pip caches the wheel afterwards.
#   3. the rest (mmengine, mmseg, open_clip, pydensecrf2, ...) and this package.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${MMSEG_TEXTSUP_VENV:-$ROOT/.venv}"
PYTHON_BIN="${PYTHON:-python3}"

log() { echo "[setup] $*" >&2; }

if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtual environment $VENV"
    "$PYTHON_BIN" -m venv "$VENV"
fi
PY="$VENV/bin/python"
PIP=("$PY" -m pip --disable-pip-version-check)

CERT_ARGS=()
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    CERT_ARGS=(--cert /etc/ssl/certs/ca-certificates.crt)
fi

# 1. torch + torchvision.
if "$PY" -c "import torch, torchvision" >/dev/null 2>&1; then
    log "torch $("$PY" -c 'import torch; print(torch.__version__)') + torchvision already import together"
else
    log "installing torch + torchvision (requirements/torch.txt)"
    "${PIP[@]}" install --isolated "${CERT_ARGS[@]}" -r "$ROOT/requirements/torch.txt"
fi

# 2. mmcv with compiled ops.
if "$PY" -c "import mmcv, mmcv.ops; assert mmcv.__version__ == '2.1.0'" >/dev/null 2>&1; then
    log "mmcv 2.1.0 with ops already installed"
else
    log "building mmcv 2.1.0 with ops (first time ~14 min on 2 cores; cached afterwards)"
    "${PIP[@]}" install "setuptools<80" wheel ninja
    MMCV_WITH_OPS=1 MAX_JOBS="${MAX_JOBS:-$(nproc)}" \
        "${PIP[@]}" install --no-build-isolation "mmcv==2.1.0"
fi

# 3. the rest, then this package (editable). pip skips what is already satisfied.
STAMP="$VENV/.mmseg_textsup_requirements"
WANT="$(cat "$ROOT"/requirements/*.txt "$ROOT/setup.py" | sha1sum | cut -d' ' -f1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && "$PY" -c "import mmseg_textsup" >/dev/null 2>&1; then
    log "runtime and test requirements already installed"
else
    log "installing runtime + test requirements and mmseg_textsup (editable)"
    "${PIP[@]}" install -r "$ROOT/requirements/mminstall.txt" -r "$ROOT/requirements/runtime.txt" \
        -r "$ROOT/requirements/tests.txt"
    "${PIP[@]}" install --no-deps --no-build-isolation -e "$ROOT"
    echo "$WANT" > "$STAMP"
fi

# 4. Debian's Chromium for the web demo's browser test (Playwright drives it; its own browser
#    download does not work offline). Only as root with apt; otherwise that test is skipped.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    log "installing Debian's chromium (browser test of tools/demo_app.py)"
    apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; } \
        || log "chromium could not be installed: the browser test will be skipped"
fi

"$PY" - <<'EOF'
import mmcv, mmengine, mmseg, open_clip, torch, torchvision
import mmcv.ops  # noqa: F401  compiled ops are required by mmseg
import pydensecrf.densecrf  # noqa: F401
print(f'[setup] ok: torch {torch.__version__}, torchvision {torchvision.__version__}, '
      f'mmcv {mmcv.__version__}, mmengine {mmengine.__version__}, mmseg {mmseg.__version__}, '
      f'open_clip {open_clip.__version__}')
EOF
