"""The restoration of one lightness plane: find damage, reduce grain, fill, then fix tone.

The learned detector (`detector.py`) looks at the photo as scanned, grain and all, because
that is what it was trained on, and finds networks of cracks, creases, tears and flaked
patches; the hand-made one (`defects.py`) adds the lone specks and thin straight scratches it
finds more surely on the grain-reduced photo. Grain is reduced before filling, so that the
fill matches smoothed surroundings, and the filled pixels get back grain of the strength that is left (`fill.regrain`).
Tone goes last so that the levels are measured without damage or grain in the way.

The user's brush strokes (`hints.damage_strokes`) correct the detected mask. A restoration
that differs from a previous one of the same photo and options only in its strokes reuses
the detection and grain step and fills again only the tiles whose mask changed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import cv2
import numpy as np

from ideepcolor_app.hints.damage_strokes import DamageStroke, apply_damage_strokes
from ideepcolor_app.restore.defects import find_defects
from ideepcolor_app.restore.detector import detect_damage
from ideepcolor_app.restore.fill import fill, regrain
from ideepcolor_app.restore.grain import reduce_grain
from ideepcolor_app.restore.options import RestoreOptions
from ideepcolor_app.restore.tone import auto_tone

logger = logging.getLogger(__name__)
# What grain is left after the reduction is about a third of it.
_GRAIN_LEFT = 1 / 3
_REFILL_TILE = 256
_REFILL_MARGIN = 48


@dataclass(frozen=True, eq=False)
class RestoreResult:
    """A restored lightness plane and what was done to it.

    Attributes:
        l: (H, W) float32 CIELAB L in [0, 100], read-only.
        defects: (H, W) bool mask of the pixels filled: the detectors', corrected by the
            user's brush strokes.
        detected: (H, W) bool mask the detectors found (grown by a pixel to cover soft
            edges), before the strokes.
        grain: the estimated grain std before reduction, in [0, 1] lightness.
        tone: the tone steps applied ("levels", "local contrast"), empty if none.
        seconds: wall time of the restoration.
        options: the options it was made with.
        base: (H, W) float32 lightness in [0, 1] after grain reduction, before filling.
        filled: (H, W) float32 `base` with the defects filled, before tone.
    """

    l: np.ndarray
    defects: np.ndarray
    detected: np.ndarray
    grain: float
    tone: tuple[str, ...] = field(default=())
    seconds: float = 0.0
    options: RestoreOptions = RestoreOptions()
    base: np.ndarray | None = field(default=None, repr=False)
    filled: np.ndarray | None = field(default=None, repr=False)

    @property
    def defect_fraction(self) -> float:
        """The fraction of pixels filled as defects."""
        return float(self.defects.mean()) if self.defects.size else 0.0


def check_lightness(l: np.ndarray) -> np.ndarray:
    """`l` as an array, or a ValueError naming what is wrong with it."""
    l = np.asarray(l)
    if l.ndim != 2 or l.size == 0:
        raise ValueError(f"lightness must be a non-empty (H, W) array, got shape {l.shape}")
    if not np.isfinite(l).all():
        raise ValueError("lightness contains NaN or infinite values")
    return l


def restore_lightness(
    l: np.ndarray,
    options: RestoreOptions = RestoreOptions(),
    strokes: Sequence[DamageStroke] = (),
    previous: RestoreResult | None = None,
) -> RestoreResult:
    """Restore a photo's CIELAB lightness: fill damage, reduce grain, fix faded tone.

    Args:
        l: (H, W) float CIELAB L in [0, 100].
        options: tone and strength.
        strokes: the user's corrections of the damage mask, oldest first.
        previous: a restoration of the same `l` (any strokes); when its options equal
            `options`, its detection and grain step are reused and only changed tiles refilled.
    Returns:
        A `RestoreResult` whose `l` has the same shape, float32 in [0, 100].
    Raises:
        ValueError: `l` is not a 2-D array, is empty, or holds NaN or infinite values.
    """
    l = check_lightness(l)
    start = time.perf_counter()
    reused = (
        previous if previous is not None and previous.options == options and previous.defects.shape == l.shape else None
    )
    if reused is not None and reused.base is not None:
        detected, base, grain = reused.detected, reused.base, reused.grain
    else:
        reused = None
        l32 = l.astype(np.float32)
        # The network (torch) and the grain step (OpenCV, NumPy) are independent and both
        # release the GIL, so they run side by side.
        with ThreadPoolExecutor(max_workers=1) as pool:
            grain_step = pool.submit(reduce_grain, np.clip(l32 / np.float32(100), 0, 1))
            detected = detect_damage(l32, options.sure, options.least_area, options.widest)
            base, grain = grain_step.result()
        if detected.any():  # grown by a pixel to cover soft edges
            detected = cv2.dilate(detected.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        base.flags.writeable = False
        # Lone specks and straight scratches: the hand-made detector finds them more surely.
        detected |= find_defects(base, grain * _GRAIN_LEFT)
    mask = apply_damage_strokes(detected, strokes) if strokes else detected
    if reused is not None:
        filled = _refill(reused, base, mask, grain)
    else:
        filled = regrain(fill(base, mask), mask, grain * _GRAIN_LEFT)
    filled.flags.writeable = False
    x = filled.copy()
    steps: list[str] = []
    if options.tone == "auto":
        x, steps = auto_tone(x)
    x = np.clip(x, 0, 1, out=x)
    x *= np.float32(100)
    x.flags.writeable = False
    seconds = time.perf_counter() - start
    logger.info(
        "restored %dx%d in %.2f s: grain %.4f, %.3f%% filled, tone %s",
        l.shape[1],
        l.shape[0],
        seconds,
        grain,
        100 * mask.mean(),
        ", ".join(steps) or "unchanged",
    )
    return RestoreResult(
        l=x,
        defects=mask,
        detected=detected,
        grain=grain,
        tone=tuple(steps),
        seconds=seconds,
        options=options,
        base=base,
        filled=filled,
    )


def _refill(previous: RestoreResult, base: np.ndarray, mask: np.ndarray, grain: float) -> np.ndarray:
    """`previous.filled` with the tiles whose mask changed filled again from `base`."""
    assert previous.filled is not None  # kept with `base`
    out = previous.filled.copy()
    changed = mask != previous.defects
    height, width = mask.shape
    t, m = _REFILL_TILE, _REFILL_MARGIN
    for row in range(0, height, t):
        for col in range(0, width, t):
            if not changed[row : row + t, col : col + t].any():
                continue
            y0, x0 = max(0, row - m), max(0, col - m)
            y1, x1 = min(height, row + t + m), min(width, col + t + m)
            window = mask[y0:y1, x0:x1]
            patch = regrain(fill(base[y0:y1, x0:x1], window), window, grain * _GRAIN_LEFT, seed=row * width + col)
            inner = (slice(row, min(height, row + t)), slice(col, min(width, col + t)))
            local = (slice(row - y0, inner[0].stop - y0), slice(col - x0, inner[1].stop - x0))
            out[inner] = np.where(mask[inner], patch[local], base[inner])
    return out
