"""Grids that show the restoration on real scans, and the damage model beside real scans.

    python -m training.damage_grid --real docs/restore_real_scans.jpg        # before / found / after
    python -m training.damage_grid --lookalike docs/damage_vs_real.jpg       # which are real?

``--real``: for each of `REAL_CROPS` (a real scan from `oldphotos/`, a crop at 1:1, and on
one row the damage model's cracks drawn over the scan, since these scans hold few cracks),
three columns: the scan, the damage that was filled (red over the scan), and the restored
scan (default options).

``--lookalike``: 1:1 crops of real old scans and of corpus photos given an old-print look
and the damage model (`training.print_damage`), shuffled into one grid; the key (which cell
is which) is printed and written beside the image as JSON. If a person cannot tell them
apart from the image alone, the damage model looks real.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import cv2
import numpy as np

from ideepcolor_app.restore import RestoreOptions, restore_lightness
from training.print_damage import damage
from training.restore_eval import load_lightness

PHOTOS = Path(os.environ.get("IDEEPCOLOR_PHOTOS", "../shared/data/photos"))
OLD = PHOTOS.parent / "oldphotos"
# (scan, top, left, height, width of the crop shown, damage model kind drawn on it or None).
REAL_CROPS = (
    ("boulevarddutemple1838.jpg", 0, 200, 330, 440, None),
    ("1850geography.jpg", 300, 60, 330, 440, None),
    ("rgs.jpg", 0, 0, 330, 440, None),
    ("bicycles.jpg", 250, 250, 330, 440, "cracks"),
)
_LABEL = 20
_GAP = 6


def _label(width: int, text: str) -> np.ndarray:
    strip = np.full((_LABEL, width, 3), 255, np.uint8)
    cv2.putText(strip, text, (4, _LABEL - 6), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
    return strip


def _grey(x: np.ndarray) -> np.ndarray:
    return np.repeat(np.round(np.clip(x, 0, 1) * 255).astype(np.uint8)[..., None], 3, axis=2)


def _stack(rows: list[np.ndarray]) -> np.ndarray:
    width = max(r.shape[1] for r in rows)
    rows = [np.pad(r, ((0, 0), (0, width - r.shape[1]), (0, 0)), constant_values=255) for r in rows]
    spacer = np.full((_GAP, width, 3), 255, np.uint8)
    return np.vstack([part for row in rows for part in (row, spacer)][:-1])


def real_grid(crops=REAL_CROPS) -> np.ndarray:
    """(H, W, 3) uint8: per scan, the scan, what was found, and the restored scan."""
    rows = []
    for name, top, left, height, width, kind in crops:
        x = load_lightness(OLD / name)
        if kind:
            x, _ = damage(x, kind, 1)
            name = f"{name} + the damage model's {kind}"
        result = restore_lightness(x * 100, RestoreOptions())
        box = (slice(top, top + height), slice(left, left + width))
        scan, found = _grey(x[box]), _grey(x[box])
        found[result.defects[box]] = (0.35 * found[result.defects[box]] + [166, 0, 0]).astype(np.uint8)
        cells = [
            (scan, f"{name}"),
            (found, f"found: {100 * result.defect_fraction:.2f} % of the scan"),
            (_grey(result.l[box] / 100), "restored"),
        ]
        gap = np.full((cells[0][0].shape[0] + _LABEL, _GAP, 3), 255, np.uint8)
        parts = [np.vstack([_label(c.shape[1], text), c]) for c, text in cells]
        rows.append(np.hstack([parts[0], gap, parts[1], gap, parts[2]]))
    return _stack(rows)


def old_print_look(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A modern photo's lightness made to look printed long ago: soft, a little faded, grainy."""
    x = cv2.GaussianBlur(x, (0, 0), rng.uniform(0.6, 1.2))
    low, high = rng.uniform(0.05, 0.2), rng.uniform(0.8, 0.95)
    grain = rng.uniform(0.01, 0.03) * rng.standard_normal(x.shape).astype(np.float32)
    return (low + (high - low) * x + grain).astype(np.float32)


def lookalike_grid(count: int = 8, side: int = 256, seed: int = 3) -> tuple[np.ndarray, list[str]]:
    """(H, W, 3) uint8 grid of `count` real and `count` synthetic crops, and the key per cell."""
    rng = np.random.default_rng(seed)
    scans = sorted(p for p in OLD.glob("*.jpg"))
    photos = sorted((PHOTOS / "val").glob("*.jpg"))
    cells: list[tuple[np.ndarray, str]] = []
    for path in (scans[i] for i in rng.choice(len(scans), count, replace=False)):
        x = load_lightness(path)
        top, left = int(rng.integers(0, x.shape[0] - side + 1)), int(rng.integers(0, x.shape[1] - side + 1))
        cells.append((x[top : top + side, left : left + side], f"real: {path.name}"))
    made = 0
    for path in (photos[i] for i in rng.permutation(len(photos))):
        x = load_lightness(path)
        if min(x.shape) < side:
            continue
        top, left = int(rng.integers(0, x.shape[0] - side + 1)), int(rng.integers(0, x.shape[1] - side + 1))
        crop = old_print_look(x[top : top + side, left : left + side], rng)
        damaged, _ = damage(
            crop, str(rng.choice(["all", "cracks", "creases", "flakes", "hair", "tears"])), int(rng.integers(1 << 30))
        )
        cells.append((damaged, f"damage model: {path.name}"))
        made += 1
        if made == count:
            break
    order = rng.permutation(len(cells))
    columns = 4
    rows = []
    for start in range(0, len(order), columns):
        parts = []
        for k in order[start : start + columns]:
            parts += [_grey(cells[k][0]), np.full((side, _GAP, 3), 255, np.uint8)]
        rows.append(np.hstack(parts[:-1]))
    return _stack(rows), [cells[k][1] for k in order]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.damage_grid", description=__doc__.split("\n")[0])
    parser.add_argument("--real", type=Path, help="write the real-scan before/after grid here")
    parser.add_argument("--lookalike", type=Path, help="write the real-or-synthetic grid here")
    args = parser.parse_args(argv)
    if args.real:
        cv2.imwrite(str(args.real), cv2.cvtColor(real_grid(), cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
        print(f"grid: {args.real}")
    if args.lookalike:
        grid, key = lookalike_grid()
        cv2.imwrite(str(args.lookalike), cv2.cvtColor(grid, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
        args.lookalike.with_suffix(".key.json").write_text(json.dumps(key, indent=2) + "\n")
        print(f"grid: {args.lookalike}; key (row by row): " + "; ".join(key))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
