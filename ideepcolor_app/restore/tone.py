"""Faded, low-contrast prints: robust levels, and gentle local contrast where a print is flat.

Levels: the 0.5th and 99.5th percentiles of the lightness are the print's black and white
points; when either is off (black above `BLACK_OK`, white below `WHITE_OK`) the range is
stretched linearly so that they land at 0.01 and 0.99 (a side that is already fine keeps its
place). A well-exposed photo is returned unchanged.

Local contrast: a print that is still flat after levels (lightness std under `FLAT_STD`)
gets CLAHE with a low clip limit, blended in by half, so that nothing looks processed.
"""

from __future__ import annotations

import cv2
import numpy as np

BLACK_OK = 0.10
WHITE_OK = 0.85
TARGET_BLACK = 0.03
TARGET_WHITE = 0.96
FLAT_STD = 0.14
_CLAHE_CLIP = 1.5
_CLAHE_BLEND = 0.5
_SAMPLES = 1_000_000


def black_white_points(x: np.ndarray) -> tuple[float, float]:
    """The 0.5th and 99.5th percentiles of (H, W) lightness (sampled on large photos)."""
    step = max(1, int(np.sqrt(x.size / _SAMPLES)))
    low, high = np.percentile(x[::step, ::step], (0.5, 99.5))
    return float(low), float(high)


def levels(x: np.ndarray) -> tuple[np.ndarray, bool]:
    """Stretch a faded range out to the full one; (result, whether anything changed)."""
    low, high = black_white_points(x)
    if (low <= BLACK_OK and high >= WHITE_OK) or high - low < 1e-3:
        return x, False
    new_low = min(low, TARGET_BLACK) if low <= BLACK_OK else TARGET_BLACK
    new_high = max(high, TARGET_WHITE) if high >= WHITE_OK else TARGET_WHITE
    gain = np.float32((new_high - new_low) / (high - low))
    out = (x - np.float32(low)) * gain + np.float32(new_low)
    return np.clip(out, 0, 1, out=out), True


def local_contrast(x: np.ndarray) -> tuple[np.ndarray, bool]:
    """Gentle CLAHE on a flat print; (result, whether anything changed)."""
    step = max(1, int(np.sqrt(x.size / _SAMPLES)))
    if float(x[::step, ::step].std()) >= FLAT_STD:
        return x, False
    samples = np.round(np.clip(x, 0, 1) * 65535).astype(np.uint16)
    tiles = max(2, min(8, min(x.shape) // 64))
    clahe = cv2.createCLAHE(clipLimit=_CLAHE_CLIP, tileGridSize=(tiles, tiles))
    equalised = clahe.apply(samples).astype(np.float32) / np.float32(65535)
    blend = np.float32(_CLAHE_BLEND)
    return x * (1 - blend) + equalised * blend, True


def auto_tone(x: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Levels, then local contrast if still flat; (result, names of the steps applied)."""
    applied = []
    x, changed = levels(x)
    if changed:
        applied.append("levels")
        x, changed = local_contrast(x)
        if changed:
            applied.append("local contrast")
    return x, applied
