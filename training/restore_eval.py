"""Synthetic-damage evaluation of `ideepcolor_app.restore`, and its benchmark on real scans.

    python -m training.restore_eval [--images DIR | --sources NAME ...] [--json FILE] [--strength S]
    python -m training.restore_eval --bench [--scans DIR] [--megapixels 12] [--json FILE]

Evaluation: every photo (CIELAB L / 100, at its own size) is damaged by one kind at a time
and by every kind at once (`training.print_damage`, a seed per photo and kind) and restored.
Per kind: the PSNR of the damaged and of the restored L against the clean L, averaged over
photos; and how well the detector found the damage model's mask (precision, recall and
intersection over union, pooled over the photos' pixels, of the detector's own mask before
the user's strokes and before it is grown). Fill kinds, stains and grain are restored with
``--tone off``; fading and "all" need the tone step and use ``--tone auto``. Clean photos are
restored both ways, and the share of their pixels the detector flags is reported.

Benchmark: `training.restore_bench` (real old scans enlarged to 12 MP; see there).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from ideepcolor_app.color.lab import rgb_to_l_np
from ideepcolor_app.imageio import read_photo
from ideepcolor_app.restore import RestoreOptions, restore_lightness
from training.print_damage import FILL_KINDS, KINDS, damage

PHOTOS = Path(os.environ.get("IDEEPCOLOR_PHOTOS", "../shared/data/photos"))
# (label, damage kind or None for clean, tone)
CASES = tuple((kind, kind, "off") for kind in FILL_KINDS + ("stains", "grain")) + (
    ("fading", "fading", "auto"),
    ("all", "all", "auto"),
    ("clean", None, "off"),
    ("clean, tone auto", None, "auto"),
)
# Least gain in dB per kind; specks, scratches, grain and fading must gain at least what the
# hand-made detector gained on the same damage (docs/restoration.md).
TARGET_GAIN_DB = {"cracks": 8.0, "creases": 8.0, "tears": 6.0, "flakes": 6.0, "all": 6.0}
TARGET_CLEAN_DB, TARGET_CLEAN_WORST_DB = 40.0, 38.0
TARGET_CRACK_IOU = 0.7
TARGET_CLEAN_FLAGGED = 0.001


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
    """Per-case lists of PSNRs and detection counts, and the per-photo times."""
    rows: dict[str, dict[str, Any]] = {
        label: {"damaged": [], "restored": [], "tp": 0, "fp": 0, "fn": 0, "flagged": []} for label, _, _ in CASES
    }
    seconds = []
    for index, path in enumerate(images):
        clean = load_lightness(path)
        for label, kind, tone in CASES:
            if kind is None:
                damaged, mask = clean, np.zeros(clean.shape, bool)
            else:
                damaged, mask = damage(clean, kind, case_seed(seed, index, kind))
            result = restore_lightness(damaged * 100, RestoreOptions(tone=tone, strength=strength))
            seconds.append(result.seconds)
            row = rows[label]
            row["damaged"].append(psnr(damaged, clean))
            row["restored"].append(psnr(result.l / 100, clean))
            found = result.detected
            row["tp"] += int((found & mask).sum())
            row["fp"] += int((found & ~mask).sum())
            row["fn"] += int((~found & mask).sum())
            row["flagged"].append(float(found.mean()))
    return {"rows": rows, "seconds": seconds}


def summarise(rows: dict, baseline: dict | None = None) -> dict:
    """Mean PSNRs, gain, detection scores and whether each target is met, per case."""
    out = {}
    for label, values in rows.items():
        damaged, restored = np.array(values["damaged"]), np.array(values["restored"])
        gain = restored - damaged
        tp, fp, fn = values["tp"], values["fp"], values["fn"]
        entry = {
            "photos": int(len(damaged)),
            "damaged_db": round(float(damaged.mean()), 2),
            "restored_db": round(float(restored.mean()), 2),
            "gain_db": round(float(gain.mean()), 2),
            "worst_gain_db": round(float(gain.min()), 2),
            "worst_restored_db": round(float(restored.min()), 2),
            "precision": round(tp / max(tp + fp, 1), 4),
            "recall": round(tp / max(tp + fn, 1), 4),
            "iou": round(tp / max(tp + fp + fn, 1), 4),
            "flagged_pct": round(100 * float(np.mean(values["flagged"])), 4),
            "worst_flagged_pct": round(100 * float(np.max(values["flagged"])), 4),
        }
        targets = []
        if label == "clean":
            targets.append(
                (
                    f"mean >= {TARGET_CLEAN_DB:g} dB, none < {TARGET_CLEAN_WORST_DB:g}",
                    restored.mean() >= TARGET_CLEAN_DB and restored.min() >= TARGET_CLEAN_WORST_DB,
                )
            )
            targets.append(
                (f"flagged <= {100 * TARGET_CLEAN_FLAGGED:g} %", np.mean(values["flagged"]) <= TARGET_CLEAN_FLAGGED)
            )
        elif label in TARGET_GAIN_DB:
            targets.append((f"gain >= {TARGET_GAIN_DB[label]:g} dB", gain.mean() >= TARGET_GAIN_DB[label]))
        elif baseline and label in baseline:
            targets.append((f"gain >= {baseline[label]:+.2f} dB (hand-made detector)", gain.mean() >= baseline[label]))
        if label == "cracks":
            targets.append((f"IoU >= {TARGET_CRACK_IOU:g}", entry["iou"] >= TARGET_CRACK_IOU))
        if targets:
            entry["targets"] = {text: bool(met) for text, met in targets}
        out[label] = entry
    return out


def print_table(summary: dict) -> None:
    print(
        f"{'case':17} {'photos':>6} {'damaged':>8} {'restored':>9} {'gain':>7} {'worst':>7} "
        f"{'prec':>6} {'recall':>6} {'IoU':>6} {'flagged%':>8}  targets"
    )
    for label, e in summary.items():
        clean = label.startswith("clean")
        damaged = "-" if clean else f"{e['damaged_db']:.2f}"
        gain = "-" if clean else f"{e['gain_db']:+.2f}"
        worst = f"{e['worst_restored_db']:.2f}" if clean else f"{e['worst_gain_db']:+.2f}"
        detection = (
            ("-", "-", "-")
            if clean or label in ("stains", "grain", "fading")
            else (f"{e['precision']:.3f}", f"{e['recall']:.3f}", f"{e['iou']:.3f}")
        )
        targets = "; ".join(f"{t}: {'met' if met else 'NOT MET'}" for t, met in e.get("targets", {}).items())
        print(
            f"{label:17} {e['photos']:6d} {damaged:>8} {e['restored_db']:9.2f} {gain:>7} {worst:>7} "
            f"{detection[0]:>6} {detection[1]:>6} {detection[2]:>6} {e['flagged_pct']:8.4f}  {targets}"
        )


def find_images(args: argparse.Namespace) -> list[Path]:
    from training.data import list_photos

    if args.sources:
        return sorted(list_photos([PHOTOS / "train"], only_sources=args.sources))
    images = sorted(list_photos([args.images]))
    return images[: args.limit] if args.limit else images


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.restore_eval", description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=Path, default=PHOTOS / "val", help="folder of clean photos (default: val)")
    parser.add_argument("--sources", nargs="+", help="score these whole sources of the corpus's train/ instead")
    parser.add_argument("--limit", type=int, default=0, help="only the first N photos (0: all)")
    parser.add_argument("--strength", default="medium", choices=("low", "medium", "high"))
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--baseline", type=Path, help="a JSON of the hand-made detector's gains on the same damage")
    parser.add_argument("--json", type=Path, help="write the numbers here")
    parser.add_argument("--bench", action="store_true", help="time real scans enlarged to --megapixels instead")
    parser.add_argument("--scans", type=Path, default=PHOTOS.parent / "oldphotos")
    parser.add_argument("--megapixels", type=float, default=12.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--busy", type=int, default=0, help="CPU-bound processes beside the benchmark")
    args = parser.parse_args(argv)
    if args.bench:
        from training.restore_bench import run_bench

        report = run_bench(args.scans, args.megapixels, args.repeat, args.busy)
    else:
        images = find_images(args)
        if not images:
            print(f"no photos in {args.images}", file=sys.stderr)
            return 1
        baseline = json.loads(args.baseline.read_text()) if args.baseline else None
        start = time.perf_counter()
        raw = evaluate(images, args.strength, args.seed)
        summary = summarise(raw["rows"], baseline)
        print_table(summary)
        print(
            f"{len(images)} photos in {time.perf_counter() - start:.1f} s "
            f"(median restore {statistics.median(raw['seconds']) * 1000:.0f} ms)"
        )
        report = {
            "images": args.sources or str(args.images),
            "strength": args.strength,
            "seed": args.seed,
            "summary": summary,
        }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"numbers: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
