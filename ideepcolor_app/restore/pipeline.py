"""The restoration of one lightness plane: grain, then defects, then tone.

Grain goes first so that the defect detector sees the picture and not the grain, and the
filled defects match their (already smoothed) surroundings; tone goes last so that the
levels are measured without specks, scratches or grain in the way.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ideepcolor_app.hints.damage_strokes import DamageStroke, apply_damage_strokes
from ideepcolor_app.restore.defects import fill_defects, find_defects
from ideepcolor_app.restore.grain import reduce_grain
from ideepcolor_app.restore.options import RestoreOptions
from ideepcolor_app.restore.tone import auto_tone

logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class RestoreResult:
    """A restored lightness plane and what was done to it.

    Attributes:
        l: (H, W) float32 CIELAB L in [0, 100], read-only.
        defects: (H, W) bool mask of the pixels filled (the detector's, corrected by the
            user's brush strokes).
        detected: (H, W) bool mask the detector found, before the strokes.
        grain: the estimated grain std before reduction, in [0, 1] lightness.
        tone: the tone steps applied ("levels", "local contrast"), empty if none.
        seconds: wall time of the restoration.
    """

    l: np.ndarray
    defects: np.ndarray
    detected: np.ndarray
    grain: float
    tone: tuple[str, ...] = field(default=())
    seconds: float = 0.0

    @property
    def defect_fraction(self) -> float:
        """The fraction of pixels filled as defects."""
        return float(self.defects.mean()) if self.defects.size else 0.0


def restore_lightness(
    l: np.ndarray, options: RestoreOptions = RestoreOptions(), strokes: Sequence[DamageStroke] = (),
) -> RestoreResult:
    """Restore a photo's CIELAB lightness: reduce grain, fill defects, fix faded tone.

    Args:
        l: (H, W) float CIELAB L in [0, 100].
        options: tone and strength.
        strokes: the user's corrections of the damage mask, oldest first.
    Returns:
        A `RestoreResult` whose `l` has the same shape, float32 in [0, 100].
    Raises:
        ValueError: `l` is not a 2-D array, is empty, or holds NaN or infinite values.
    """
    l = np.asarray(l)
    if l.ndim != 2 or l.size == 0:
        raise ValueError(f"lightness must be a non-empty (H, W) array, got shape {l.shape}")
    if not np.isfinite(l).all():
        raise ValueError("lightness contains NaN or infinite values")
    start = time.perf_counter()
    x = np.clip(l.astype(np.float32) / np.float32(100), 0, 1)
    x, grain = reduce_grain(x, options.grain_scale)
    # What grain is left after the reduction is about a third of it (val: +4 dB or more).
    detected = find_defects(x, grain / 3, options.defects)
    mask = apply_damage_strokes(detected, strokes) if strokes else detected
    x = fill_defects(x, mask)
    steps: list[str] = []
    if options.tone == "auto":
        x, steps = auto_tone(x)
    x = np.clip(x, 0, 1, out=x)
    x *= np.float32(100)
    x.flags.writeable = False
    seconds = time.perf_counter() - start
    logger.info("restored %dx%d in %.2f s: grain %.4f, %.3f%% defects, tone %s",
                l.shape[1], l.shape[0], seconds, grain, 100 * mask.mean(), ", ".join(steps) or "unchanged")
    return RestoreResult(l=x, defects=mask, detected=detected, grain=grain, tone=tuple(steps), seconds=seconds)
