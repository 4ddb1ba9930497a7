"""Synthetic-damage evaluation of `ideepcolor_app.restore`, its 12 MP benchmark, and the README grid.

    python -m training.restore_eval [--images DIR] [--json FILE] [--grid FILE [--grid-photo F] [--grid-at R,C]]
    python -m training.restore_eval --bench [--megapixels 12] [--json FILE]

Evaluation: every photo of the val folder (CIELAB L / 100) is damaged by one kind at a time
(`training.restore_damage`, a seed per photo and kind) and restored; the PSNR of the damaged
and of the restored L against the clean L is averaged per kind. Specks, scratches, grain
and clean photos are restored with ``--tone off`` (the issue's target: restored >= damaged
+ 4 dB, clean >= 38 dB); fading needs the tone step, so it and "all" (every kind at once)
use ``--tone auto``; clean photos are scored with both.

Benchmark: a generated 12 MP photo (4000 x 3000, smooth shapes, texture, grain, specks and
scratches) is restored `--repeat` times; the median wall time and the peak memory of the
process (ru_maxrss, which includes Python and the libraries) are printed and written.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from ideepcolor_app.color.lab import rgb_to_l_np
from ideepcolor_app.imageio import read_photo
from ideepcolor_app.restore import RestoreOptions, restore_lightness
from training.restore_damage import KINDS, damage

DEFAULT_IMAGES = Path(os.environ.get("IDEEPCOLOR_PHOTOS", "../shared/data/photos")) / "val"
# (label, damage kind or None for clean, tone)
CASES = (
    ("specks", "specks", "off"),
    ("scratches", "scratches", "off"),
    ("grain", "grain", "off"),
    ("fading", "fading", "auto"),
    ("all", "all", "auto"),
    ("clean", None, "off"),
    ("clean, tone auto", None, "auto"),
)
TARGET_GAIN_DB = 4.0
TARGET_CLEAN_DB = 38.0


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB of two lightness planes in [0, 1] (capped at 100 for identical ones)."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 100.0 if mse <= 1e-10 else 10 * np.log10(1.0 / mse)


def load_lightness(path: Path) -> np.ndarray:
    """A photo's CIELAB L / 100, (H, W) float32."""
    return rgb_to_l_np(np.asarray(read_photo(path).rgb, dtype=np.float32)) / np.float32(100)


def case_seed(seed: int, index: int, kind: str) -> int:
    return seed * 1_000_003 + index * 101 + (KINDS + ("all",)).index(kind)


def evaluate(images: list[Path], strength: str, seed: int) -> dict:
    """Per-case PSNR lists of damaged and restored L, and the per-photo times."""
    rows: dict[str, dict[str, list[float]]] = {label: {"damaged": [], "restored": []} for label, _, _ in CASES}
    seconds = []
    for index, path in enumerate(images):
        clean = load_lightness(path)
        for label, kind, tone in CASES:
            damaged = clean if kind is None else damage(clean, kind, case_seed(seed, index, kind))
            result = restore_lightness(damaged * 100, RestoreOptions(tone=tone, strength=strength))
            seconds.append(result.seconds)
            rows[label]["damaged"].append(psnr(damaged, clean))
            rows[label]["restored"].append(psnr(result.l / 100, clean))
    return {"rows": rows, "seconds": seconds}


def summarise(rows: dict) -> dict:
    """Mean PSNRs, gain, worst photo, and whether the issue's target is met, per case."""
    out = {}
    for label, values in rows.items():
        damaged, restored = np.array(values["damaged"]), np.array(values["restored"])
        gain = restored - damaged
        entry = {
            "photos": int(len(damaged)),
            "damaged_db": round(float(damaged.mean()), 2),
            "restored_db": round(float(restored.mean()), 2),
            "gain_db": round(float(gain.mean()), 2),
            "worst_gain_db": round(float(gain.min()), 2),
            "worst_restored_db": round(float(restored.min()), 2),
        }
        if label.startswith("clean"):
            entry["target"] = f"restored >= {TARGET_CLEAN_DB:g} dB"
            entry["met"] = bool(restored.mean() >= TARGET_CLEAN_DB)
        else:
            entry["target"] = f"gain >= {TARGET_GAIN_DB:g} dB"
            entry["met"] = bool(gain.mean() >= TARGET_GAIN_DB)
        out[label] = entry
    return out


def print_table(summary: dict) -> None:
    print(f"{'case':18} {'photos':>6} {'damaged':>8} {'restored':>9} {'gain':>6} {'worst gain':>10}  target")
    for label, e in summary.items():
        damaged = "-" if label.startswith("clean") else f"{e['damaged_db']:.2f}"
        gain = "-" if label.startswith("clean") else f"{e['gain_db']:+.2f}"
        worst = f"{e['worst_restored_db']:.2f} dB" if label.startswith("clean") else f"{e['worst_gain_db']:+.2f}"
        print(f"{label:18} {e['photos']:6d} {damaged:>8} {e['restored_db']:9.2f} {gain:>6} {worst:>10}  "
              f"{e['target']}: {'met' if e['met'] else 'NOT MET'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.restore_eval", description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=Path, default=DEFAULT_IMAGES, help="folder of clean photos (default: val)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N photos (0: all)")
    parser.add_argument("--strength", default="medium", choices=("low", "medium", "high"))
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--json", type=Path, help="write the numbers here")
    parser.add_argument("--grid", type=Path, help="write a before/after grid PNG here")
    parser.add_argument("--grid-photo", type=Path, help="the photo of the grid (default: the first one)")
    parser.add_argument("--grid-at", type=lambda t: tuple(int(v) for v in t.split(",")), metavar="ROW,COL",
                        help="top-left corner of the grid's crop (default: centred)")
    parser.add_argument("--bench", action="store_true", help="time a generated 12 MP photo instead")
    parser.add_argument("--megapixels", type=float, default=12.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, help="OpenCV threads for --bench (default: the cores this process may use)")
    args = parser.parse_args(argv)
    if args.bench:
        from training.restore_bench import run_bench
        report = run_bench(args.megapixels, args.repeat, args.threads)
    else:
        images = sorted(p for p in args.images.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".tif", ".tiff"))
        if args.limit:
            images = images[:args.limit]
        if not images:
            print(f"no photos in {args.images}", file=sys.stderr)
            return 1
        start = time.perf_counter()
        raw = evaluate(images, args.strength, args.seed)
        summary = summarise(raw["rows"])
        print_table(summary)
        print(f"{len(images)} photos in {time.perf_counter() - start:.1f} s "
              f"(median restore {statistics.median(raw['seconds']) * 1000:.0f} ms)")
        report = {"images": str(args.images), "strength": args.strength, "seed": args.seed, "summary": summary}
        if args.grid:
            from training.restore_grid import write_grid
            write_grid(images, args.grid, args.seed, args.grid_photo, args.grid_at)
            print(f"grid: {args.grid}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"numbers: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
