#!/usr/bin/env bash
# One command for a borrowed GPU machine (CUDA torch preinstalled, no package registry, ~10 minutes):
# install the project from this working tree without dependencies, train luma at 128 px for MINUTES
# with bf16 autocast, channels_last and fused Adam, write 2000 samples as PNGs into $OUT, and print
# images/s, the fraction of peak bf16 FLOP/s of the train step and peak memory.
#
#   bash bench/gpu_prepare.sh                 # here: copy ../shared/datasets/luma to bench/.gpu-data (git-ignored)
#   device run: bash bench/gpu_run.sh 7       # carry bench/.gpu-data; then score $OUT here (docs/BENCHMARKS.md)
#
# Any extra arguments go to bench/gpu_train.py (e.g. --resolution 32 --kimg 0.05 for a CPU smoke test).
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-7}
shift || true
OUT=${OUT:-runs/gpu-out}
DATA=${GPU_DATA:-bench/.gpu-data/luma}
# No registry there: never let pip reach for one. An old setuptools that cannot build this
# pyproject falls back to running from src/, which is all the training path needs.
if [ -n "${SKIP_INSTALL:-}" ]; then
  echo "SKIP_INSTALL set: using the productgan already importable here"
elif ! PIP_NO_INDEX=1 python -m pip install --quiet --no-deps --no-build-isolation -e . >/dev/null 2>&1; then
  echo "pip install -e . failed here; running from src/ instead"
  export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
fi
python -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'cpu')"
python bench/gpu_train.py --data "$DATA" --out "$OUT" --minutes "$MINUTES" "$@"
