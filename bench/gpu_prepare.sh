#!/usr/bin/env bash
# Copy the luma catalog (32 MB) beside the working tree, git-ignored, so that the device tool can
# carry it to the GPU machine (which gets only the checkout). Never committed.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${1:-../shared/datasets/luma}
[ -d "$SRC" ] || { echo "no catalog at $SRC (expected ../shared/datasets/luma)"; exit 2; }
mkdir -p bench/.gpu-data
rm -rf bench/.gpu-data/luma
cp -r "$SRC" bench/.gpu-data/luma
du -sh bench/.gpu-data/luma
