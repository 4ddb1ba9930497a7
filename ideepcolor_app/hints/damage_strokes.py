"""Brush strokes that correct the restoration's damage mask: paint damage in, or out.

A `DamageStroke` is a polyline of brush centres in original-image pixel coordinates (the
convention of `ideepcolor_app.hints.model`: origin at the top-left corner) with a brush
radius in original pixels. "add" strokes mark pixels as damage to be filled; "remove"
strokes keep pixels as they are even where the detector found damage. Strokes apply in
order, so a later stroke wins where two overlap, which is what undoing the last one expects.

No Qt, no torch: numpy and OpenCV's line drawing only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from ideepcolor_app.hints.checks import check_path, real
from ideepcolor_app.hints.errors import HintsError

__all__ = ["DAMAGE_MODES", "MAX_BRUSH_RADIUS", "DamageStroke", "apply_damage_strokes", "paint_stroke"]

DAMAGE_MODES = ("add", "remove")
#: Largest brush radius, in original-image pixels.
MAX_BRUSH_RADIUS = 500.0


@dataclass(frozen=True)
class DamageStroke:
    """One brush stroke on the damage mask.

    Attributes:
        mode: "add" (paint damage in) or "remove" (paint it out).
        radius: brush radius in original-image pixels, from 0.5 to `MAX_BRUSH_RADIUS`.
        points: the brush centres (x, y) in original-image pixels, at least one.
    Raises:
        HintsError: a field is invalid.
    """

    mode: str
    radius: float
    points: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        if self.mode not in DAMAGE_MODES:
            raise HintsError("mode", f"must be one of {', '.join(DAMAGE_MODES)}, got {self.mode!r}")
        radius = real("radius", self.radius)
        if not 0.5 <= radius <= MAX_BRUSH_RADIUS:
            raise HintsError("radius", f"must be from 0.5 to {MAX_BRUSH_RADIUS:g} pixels, got {radius:g}")
        object.__setattr__(self, "radius", radius)
        object.__setattr__(self, "points", check_path(self.points))

    def scaled(self, sx: float, sy: float) -> DamageStroke:
        """The same stroke on the photo resized by (sx, sy); the radius scales by their mean."""
        return DamageStroke(
            self.mode, max(0.5, self.radius * (sx + sy) / 2), tuple((x * sx, y * sy) for x, y in self.points)
        )

    def moved(self, dx: float, dy: float) -> DamageStroke:
        """The same stroke shifted by (dx, dy) pixels."""
        return DamageStroke(self.mode, self.radius, tuple((x + dx, y + dy) for x, y in self.points))


def paint_stroke(shape: tuple[int, int], stroke: DamageStroke) -> np.ndarray:
    """The (H, W) bool mask of the pixels whose centre the brush covers along `stroke`."""
    mask = np.zeros(shape, np.uint8)
    shift = 4  # sub-pixel precision of OpenCV's drawing: coordinates in 1/16 pixel
    scale = 1 << shift
    # Pixel centres are at c + 0.5; OpenCV's integer coordinates name pixel centres.
    centres = [(round((x - 0.5) * scale), round((y - 0.5) * scale)) for x, y in stroke.points]
    thickness = max(1, int(round(2 * stroke.radius)))
    radius = max(0, int(round(stroke.radius * scale)))
    for centre in centres:
        cv2.circle(mask, centre, radius, 1, -1, cv2.LINE_8, shift)
    for start, end in zip(centres, centres[1:], strict=False):
        cv2.line(mask, start, end, 1, thickness, cv2.LINE_8, shift)
    return mask.astype(bool)


def apply_damage_strokes(detected: np.ndarray, strokes: Sequence[DamageStroke]) -> np.ndarray:
    """The damage mask after the user's strokes, in order (later strokes win).

    Args:
        detected: (H, W) bool, the detector's mask.
        strokes: the user's strokes, oldest first.
    Returns:
        (H, W) bool, a new array (`detected` is not changed).
    """
    mask = np.array(detected, dtype=bool, copy=True)
    for stroke in strokes:
        painted = paint_stroke(mask.shape, stroke)
        if stroke.mode == "add":
            mask |= painted
        else:
            mask &= ~painted
    return mask
