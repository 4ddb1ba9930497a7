"""A before/after grid of the restoration for the README: one row per kind of damage.

Columns: the clean photo, the damaged one, and the restored one (``--tone off`` for specks,
scratches and grain, ``--tone auto`` for fading and every kind at once), each a crop at 1:1
so that grain and thin scratches stay visible. The PSNR of the damaged and the restored crop
against the clean one is written under each.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from ideepcolor_app.restore import RestoreOptions, restore_lightness
from training.restore_damage import damage

ROWS = (("specks", "off"), ("scratches", "off"), ("grain", "off"), ("fading", "auto"), ("all", "auto"))
CROP = (200, 300)  # height, width
_LABEL = 22
_GAP = 6


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(1 / max(float(np.mean((a - b) ** 2)), 1e-10)))


def _label(width: int, text: str) -> np.ndarray:
    strip = np.full((_LABEL, width), 255, np.uint8)
    cv2.putText(strip, text, (4, _LABEL - 7), cv2.FONT_HERSHEY_SIMPLEX, 0.45, 0, 1, cv2.LINE_AA)
    return strip


def grid_image(clean: np.ndarray, seed: int, top_left: tuple[int, int] | None = None) -> np.ndarray:
    """The grid as (H, W) uint8 for a clean lightness plane in [0, 1] (crops of at most `CROP`)."""
    height, width = min(CROP[0], clean.shape[0]), min(CROP[1], clean.shape[1])
    if top_left is None:
        top_left = ((clean.shape[0] - height) // 2, (clean.shape[1] - width) // 2)
    rows = []
    for index, (kind, tone) in enumerate(ROWS):
        damaged = damage(clean, kind, seed + index)
        restored = restore_lightness(damaged * 100, RestoreOptions(tone=tone)).l / 100
        crop = (slice(top_left[0], top_left[0] + height), slice(top_left[1], top_left[1] + width))
        cells = []
        for name, plane in (("clean", clean), (kind, damaged), (f"restored (tone {tone})", restored)):
            text = name if plane is clean else f"{name}: {_psnr(plane[crop], clean[crop]):.1f} dB"
            pixels = np.round(np.clip(plane[crop], 0, 1) * 255).astype(np.uint8)
            cells.append(np.vstack([_label(width, text), pixels]))
        gap = np.full((height + _LABEL, _GAP), 255, np.uint8)
        rows.append(np.hstack([cells[0], gap, cells[1], gap, cells[2]]))
    spacer = np.full((_GAP, rows[0].shape[1]), 255, np.uint8)
    return np.vstack([part for row in rows for part in (row, spacer)][:-1])


def write_grid(images: list[Path], destination: Path, seed: int, photo: Path | None = None,
               top_left: tuple[int, int] | None = None) -> Path:
    """Write the grid of `photo` (default: the first of `images`) as PNG, cropped at `top_left`."""
    from training.restore_eval import load_lightness

    clean = load_lightness(photo or images[0])
    destination.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(grid_image(clean, seed, top_left)).save(destination, optimize=True)
    return destination
