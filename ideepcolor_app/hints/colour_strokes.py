"""Colour strokes: one colour painted along a brush path, as a hint the engine rasterises.

A `ColourStroke` is a polyline of brush centres in original-image pixel coordinates (the
convention of `ideepcolor_app.hints.model`: origin at the top-left corner of the image), one
CIELAB a*b* colour and a brush width measured, like a point's patch side, in working-resolution
pixels. `rasterize_stroke` paints it onto a working grid as hint patches along the whole path,
so every backend that takes points takes strokes. An object fill is stored the same way: a
stroke whose path covers the filled region (`ideepcolor_app.engine.fill`).

No Qt, no torch: numpy only.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ideepcolor_app.hints.checks import check_ab, check_path
from ideepcolor_app.hints.errors import HintsError

__all__ = ["MAX_STROKE_SIZE", "MIN_STROKE_SIZE", "ColourStroke", "path_distance", "rasterize_stroke", "stroke_distance"]

#: Narrowest and widest brush, in working-resolution pixels (the range of a point's patch side).
MIN_STROKE_SIZE = 1
MAX_STROKE_SIZE = 9
#: Largest |a*| or |b*| of a stroke's colour (as for points).


@dataclass(frozen=True)
class ColourStroke:
    """One colour stroke.

    Attributes:
        ab: CIELAB (a*, b*), each within [-128, 128].
        size: brush width in working-resolution pixels, an integer from 1 to 9.
        points: the brush centres (x, y) in original-image pixels, at least one (one is a dab).
    Raises:
        HintsError: a field is invalid; the message names it.
    """

    ab: tuple[float, float]
    size: int
    points: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "ab", check_ab(self.ab))
        size = self.size
        if (
            isinstance(size, bool)
            or not isinstance(size, numbers.Integral)
            or not (MIN_STROKE_SIZE <= size <= MAX_STROKE_SIZE)
        ):
            raise HintsError("size", f"must be an integer from {MIN_STROKE_SIZE} to {MAX_STROKE_SIZE}, got {size!r}")
        object.__setattr__(self, "size", int(size))
        object.__setattr__(self, "points", check_path(self.points))

    def moved(self, dx: float, dy: float, width: int, height: int) -> ColourStroke:
        """The same stroke shifted by (dx, dy) pixels as one piece, the shift limited so that
        every brush centre stays on a `width` x `height` photo (its shape never changes)."""
        xs = [x for x, _ in self.points]
        ys = [y for _, y in self.points]
        dx = min(max(dx, -min(xs)), width - max(xs))
        dy = min(max(dy, -min(ys)), height - max(ys))
        return ColourStroke(self.ab, self.size, tuple((x + dx, y + dy) for x, y in self.points))

    def scaled(self, sx: float, sy: float) -> ColourStroke:
        """The same stroke on the photo resized by (sx, sy); its width (working pixels) stays."""
        return ColourStroke(self.ab, self.size, tuple((x * sx, y * sy) for x, y in self.points))

    def recoloured(self, ab: tuple[float, float]) -> ColourStroke:
        return ColourStroke(ab, self.size, self.points)

    def resized(self, size: int) -> ColourStroke:
        return ColourStroke(self.ab, size, self.points)


def rasterize_stroke(stroke: ColourStroke, image_wh: tuple[int, int], working_hw: tuple[int, int]) -> np.ndarray:
    """The (h, w) bool mask of working pixels the brush covers along `stroke`.

    A brush centre (x, y) maps to the working grid as a point does (``col = x * w / width``);
    the brush is a disc of diameter `size` working pixels swept along the path: a pixel is
    covered when its centre lies within size / 2 of the path, and the pixel under each brush
    centre always is. A one-point stroke of size n covers about what a point of patch side n
    covers.
    """
    width, height = image_wh
    h, w = working_hw
    mask = np.zeros((h, w), bool)
    path = np.array([(y * h / height, x * w / width) for x, y in stroke.points], np.float64)  # (row, col)
    radius = stroke.size / 2
    for start, end in zip(path, path[1:] if len(path) > 1 else path, strict=False):
        low = np.floor(np.minimum(start, end) - radius).astype(int)
        high = np.ceil(np.maximum(start, end) + radius).astype(int)
        r0, c0 = max(low[0], 0), max(low[1], 0)
        r1, c1 = min(high[0] + 1, h), min(high[1] + 1, w)
        if r0 >= r1 or c0 >= c1:
            continue
        rows, cols = np.mgrid[r0:r1, c0:c1] + 0.5
        mask[r0:r1, c0:c1] |= _segment_distance(rows, cols, start, end) <= radius + 1e-9
    for row, col in path:
        mask[min(h - 1, int(row)), min(w - 1, int(col))] = True
    return mask


def _segment_distance(rows: np.ndarray, cols: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Distance from each (row, col) to the segment start-end (a point when they are equal)."""
    d = end - start
    length2 = float(d @ d)
    t = 0.0 if length2 == 0.0 else np.clip(((rows - start[0]) * d[0] + (cols - start[1]) * d[1]) / length2, 0, 1)
    distance: np.ndarray = np.hypot(rows - (start[0] + t * d[0]), cols - (start[1] + t * d[1]))
    return distance


def stroke_distance(stroke: ColourStroke, x: float, y: float) -> float:
    """Distance in photo pixels from (x, y) to the stroke's path (its centre line)."""
    return path_distance(stroke.points, x, y)


def path_distance(points: Sequence[tuple[float, float]], x: float, y: float) -> float:
    """Distance from (x, y) to the polyline through `points` ((x, y) pairs, at least one)."""
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    p = np.array([x, y], np.float64)
    if len(pts) == 1:
        return float(np.hypot(*(p - pts[0])))
    a, d = pts[:-1], pts[1:] - pts[:-1]
    t = np.clip(((p - a) * d).sum(axis=1) / np.maximum((d * d).sum(axis=1), 1e-12), 0.0, 1.0)
    return float(np.hypot(*(a + t[:, None] * d - p).T).min())
