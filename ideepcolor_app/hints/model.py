"""The hint data model: immutable values describing what the user asked for.

A `Hints` value holds the photo's size, the local hints (`HintPoint`: a position, a CIELAB
a*b* colour and a patch side) and the global hints (`GlobalHints`: a colour-bin histogram
and a mean saturation). Everything is a frozen dataclass compared by value, so undo/redo can
compare snapshots with `==`; edits return new objects.

Coordinates. A point's `x`, `y` are continuous pixel coordinates in the original image, origin
at the top-left *corner* of the top-left pixel: pixel column `c` spans `[c, c + 1)` and its
centre is at `c + 0.5`. Valid points satisfy `0 <= x < width`, `0 <= y < height`; the pixel
under a point is `(floor(y), floor(x))`, and `(width / 2, height / 2)` is the image centre.
Resizing the photo scales the coordinates (`Hints.scaled_to`), nothing else.

Colour strokes (`ColourStroke`, see `ideepcolor_app.hints.colour_strokes`) paint one colour
along a brush path; they are local hints like the points, rasterised along their whole path.
Damage strokes (`DamageStroke`, see `ideepcolor_app.hints.damage_strokes`) correct the
restoration's damage mask; they are kept with the hints so that they are saved, undone and
restored with the rest of the session, and they scale with the photo like the points.

No Qt, no torch.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ideepcolor_app.hints.checks import AB_LIMIT, check_ab, real
from ideepcolor_app.hints.colour_strokes import ColourStroke
from ideepcolor_app.hints.damage_strokes import MAX_BRUSH_RADIUS, DamageStroke
from ideepcolor_app.hints.errors import HintsError

__all__ = [
    "AB_LIMIT",
    "DEFAULT_NUM_BINS",
    "GlobalHints",
    "HintPoint",
    "Hints",
    "HintsError",
    "MAX_PATCH_SIZE",
    "MIN_PATCH_SIZE",
]

#: Number of colour bins of a histogram hint: the 23 x 23 ab grid (a-major, centres -110..110).
DEFAULT_NUM_BINS = 529
#: Smallest and largest patch side of a local hint, in working-resolution pixels.
MIN_PATCH_SIZE = 1
MAX_PATCH_SIZE = 9
#: How far a histogram's sum may be from 1.
HISTOGRAM_SUM_TOLERANCE = 1e-3


def format_number(value: float) -> str:
    """Format a number for an error message: ``3500``, ``0.8``, ``1e-05``."""
    return f"{value:.6g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class HintPoint:
    """One local hint: paint a `size` x `size` patch of colour `ab` around (x, y).

    Numbers are normalised on construction (`x`, `y`, `ab` become floats, `ab` a tuple), so
    ``HintPoint(10, 5, [1, 2]) == HintPoint(10.0, 5.0, (1.0, 2.0))``.

    Attributes:
        x: column in original-image pixels, continuous, origin at the top-left corner of the
            image (pixel column c spans [c, c + 1)).
        y: row in original-image pixels, same convention.
        ab: CIELAB (a*, b*), each within [-128, 128].
        size: patch side in working-resolution pixels, an integer from 1 to 9.

    Raises:
        HintsError: a field has the wrong type or range; the message names the field.
    """

    x: float
    y: float
    ab: tuple[float, float]
    size: int = 3

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", real("x", self.x))
        object.__setattr__(self, "y", real("y", self.y))
        object.__setattr__(self, "ab", check_ab(self.ab))
        object.__setattr__(self, "size", _check_size(self.size))


def _check_size(size: Any) -> int:
    if (
        isinstance(size, bool)
        or not isinstance(size, numbers.Integral)
        or not MIN_PATCH_SIZE <= int(size) <= MAX_PATCH_SIZE
    ):
        raise HintsError(
            "size",
            f"must be an integer from {MIN_PATCH_SIZE} to {MAX_PATCH_SIZE}, got {size!r}",
        )
    return int(size)


@dataclass(frozen=True)
class GlobalHints:
    """Whole-image hints; `None` switches one off.

    Attributes:
        saturation: mean HSV saturation of the wanted result, in [0, 1], or None.
        histogram: one probability per colour bin (in the app's bin order, see
            docs/ARCHITECTURE.md), non-negative, summing to 1 within 1e-3; or None. Any
            sequence is stored as a tuple of floats. The model does not know the bin count;
            `hints_from_dict` checks it against `num_bins`.

    Raises:
        HintsError: a value is out of range; the message names the field.
    """

    saturation: float | None = None
    histogram: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.saturation is not None:
            saturation = real("saturation", self.saturation)
            if not 0.0 <= saturation <= 1.0:
                raise HintsError("saturation", f"must be between 0 and 1, got {format_number(saturation)}")
            object.__setattr__(self, "saturation", saturation)
        if self.histogram is not None:
            object.__setattr__(self, "histogram", _check_histogram(self.histogram))

    @property
    def is_empty(self) -> bool:
        """True when both global hints are switched off."""
        return self.saturation is None and self.histogram is None


def _check_histogram(histogram: Any) -> tuple[float, ...]:
    if isinstance(histogram, (str, bytes)) or not isinstance(histogram, Iterable):
        raise HintsError("histogram", f"expected a sequence of numbers, got {histogram!r}")
    values = tuple(real(f"histogram[{i}]", v) for i, v in enumerate(histogram))
    if not values:
        raise HintsError("histogram", "must not be empty (use None to switch it off)")
    for i, v in enumerate(values):
        if v < 0.0:
            raise HintsError(f"histogram[{i}]", f"must be non-negative, got {v:g}")
    total = math.fsum(values)
    if abs(total - 1.0) > HISTOGRAM_SUM_TOLERANCE:
        raise HintsError("histogram", f"must sum to 1 (got {total:.6g})")
    return values


def _check_dimension(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise HintsError(name, f"must be a positive integer, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class Hints:
    """Everything the user asked for on one photo: its size, local and global hints, and their
    corrections of the restoration's damage mask.

    Attributes:
        width: image width in pixels (original resolution).
        height: image height in pixels.
        points: local hints in drawing order; where patches overlap, later points win.
            Every point lies inside the image: 0 <= x < width, 0 <= y < height.
        global_hints: the histogram and saturation hints.
        damage_strokes: brush strokes on the damage mask, oldest first (later strokes win);
            every brush centre lies on the image: 0 <= x <= width, 0 <= y <= height.
        strokes: colour strokes, oldest first; rasterised before the points, so a point
            drawn on a stroke wins there, and a later stroke wins over an earlier one. Every
            brush centre lies on the image: 0 <= x <= width, 0 <= y <= height.

    Raises:
        HintsError: a field is invalid; e.g. ``points[2].size: must be an integer from 1
            to 9, got 12`` or ``points[0].x: 3500 is outside the image (width 3000)``.
    """

    width: int
    height: int
    points: tuple[HintPoint, ...] = ()
    global_hints: GlobalHints = field(default_factory=GlobalHints)
    damage_strokes: tuple[DamageStroke, ...] = ()
    strokes: tuple[ColourStroke, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "width", _check_dimension("width", self.width))
        object.__setattr__(self, "height", _check_dimension("height", self.height))
        if not isinstance(self.points, Iterable):
            raise HintsError("points", f"expected a sequence of HintPoint, got {self.points!r}")
        points = tuple(self.points)
        for i, point in enumerate(points):
            self._check_point(i, point)
        object.__setattr__(self, "points", points)
        if not isinstance(self.global_hints, GlobalHints):
            raise HintsError("global_hints", f"expected GlobalHints, got {type(self.global_hints).__name__}")
        if not isinstance(self.damage_strokes, Iterable):
            raise HintsError("damage_strokes", f"expected a sequence of DamageStroke, got {self.damage_strokes!r}")
        strokes = tuple(self.damage_strokes)
        for i, stroke in enumerate(strokes):
            self._check_stroke(i, stroke)
        object.__setattr__(self, "damage_strokes", strokes)
        if not isinstance(self.strokes, Iterable):
            raise HintsError("strokes", f"expected a sequence of ColourStroke, got {self.strokes!r}")
        colour = tuple(self.strokes)
        for i, colour_stroke in enumerate(colour):
            self._check_stroke(i, colour_stroke, "strokes", ColourStroke)
        object.__setattr__(self, "strokes", colour)

    def _check_point(self, index: int, point: Any) -> None:
        name = f"points[{index}]"
        if not isinstance(point, HintPoint):
            raise HintsError(name, f"expected a HintPoint, got {type(point).__name__}")
        if not 0.0 <= point.x < self.width:
            raise HintsError(
                f"{name}.x",
                f"{format_number(point.x)} is outside the image (width {self.width})",
            )
        if not 0.0 <= point.y < self.height:
            raise HintsError(
                f"{name}.y",
                f"{format_number(point.y)} is outside the image (height {self.height})",
            )

    def _check_stroke(
        self,
        index: int,
        stroke: Any,
        key: str = "damage_strokes",
        kind: type[DamageStroke] | type[ColourStroke] = DamageStroke,
    ) -> None:
        name = f"{key}[{index}]"
        if not isinstance(stroke, kind):
            raise HintsError(name, f"expected a {kind.__name__}, got {type(stroke).__name__}")
        for i, (x, y) in enumerate(stroke.points):
            if not 0.0 <= x <= self.width:
                raise HintsError(
                    f"{name}.points[{i}].x",
                    f"{format_number(x)} is outside the image (width {self.width})",
                )
            if not 0.0 <= y <= self.height:
                raise HintsError(
                    f"{name}.points[{i}].y",
                    f"{format_number(y)} is outside the image (height {self.height})",
                )

    @property
    def is_empty(self) -> bool:
        """True when there are no local hints (points, colour strokes) and both global hints
        are off (damage strokes are not colour hints and do not count)."""
        return not self.points and not self.strokes and self.global_hints.is_empty

    @property
    def has_local(self) -> bool:
        """True when there is a point or a colour stroke."""
        return bool(self.points or self.strokes)

    def _with(
        self,
        points: tuple[HintPoint, ...] | None = None,
        global_hints: GlobalHints | None = None,
        damage_strokes: tuple[DamageStroke, ...] | None = None,
        strokes: tuple[ColourStroke, ...] | None = None,
    ) -> Hints:
        """A copy with the given fields replaced and every other field kept."""
        return Hints(
            self.width,
            self.height,
            self.points if points is None else points,
            self.global_hints if global_hints is None else global_hints,
            self.damage_strokes if damage_strokes is None else damage_strokes,
            self.strokes if strokes is None else strokes,
        )

    def with_point(self, point: HintPoint) -> Hints:
        """Return a copy with `point` appended (drawn on top of the others)."""
        return self._with(points=self.points + (point,))

    def with_point_replaced(self, index: int, point: HintPoint) -> Hints:
        """Return a copy whose point `index` is `point` (same drawing order).

        Raises:
            IndexError: `index` is out of range (negative indices count from the end).
        """
        points = list(self.points)
        points[index] = point
        return self._with(points=tuple(points))

    def without_point(self, index: int) -> Hints:
        """Return a copy without point `index`.

        Raises:
            IndexError: `index` is out of range (negative indices count from the end).
        """
        points = list(self.points)
        del points[index]
        return self._with(points=tuple(points))

    def without_points(self) -> Hints:
        """Return a copy with no points (colour strokes, global hints and damage strokes stay)."""
        return self._with(points=())

    def without_local(self) -> Hints:
        """Return a copy with no points and no colour strokes (global hints and damage strokes stay)."""
        return self._with(points=(), strokes=())

    def with_stroke(self, stroke: ColourStroke) -> Hints:
        """Return a copy with colour stroke `stroke` appended (drawn over the strokes before it)."""
        return self._with(strokes=self.strokes + (stroke,))

    def with_stroke_replaced(self, index: int, stroke: ColourStroke) -> Hints:
        """Return a copy whose colour stroke `index` is `stroke` (same drawing order).

        Raises:
            IndexError: `index` is out of range.
        """
        strokes = list(self.strokes)
        strokes[index] = stroke
        return self._with(strokes=tuple(strokes))

    def without_stroke(self, index: int) -> Hints:
        """Return a copy without colour stroke `index`.

        Raises:
            IndexError: `index` is out of range.
        """
        strokes = list(self.strokes)
        del strokes[index]
        return self._with(strokes=tuple(strokes))

    def with_global(self, global_hints: GlobalHints) -> Hints:
        """Return a copy with `global_hints` replacing the current global hints."""
        return self._with(global_hints=global_hints)

    def with_damage_stroke(self, stroke: DamageStroke) -> Hints:
        """Return a copy with `stroke` appended (it wins over the strokes before it)."""
        return self._with(damage_strokes=self.damage_strokes + (stroke,))

    def with_damage_strokes(self, strokes: Iterable[DamageStroke]) -> Hints:
        """Return a copy whose damage strokes are `strokes` (oldest first)."""
        return self._with(damage_strokes=tuple(strokes))

    def scaled_to(self, width: int, height: int) -> Hints:
        """Return the hints for the same photo resized to `width` x `height`.

        Point and stroke coordinates scale by ``width / self.width`` and ``height /
        self.height``, a damage stroke's radius by their mean; patch sides and colour stroke
        widths (working-resolution pixels) and global hints do not change.
        """
        width = _check_dimension("width", width)
        height = _check_dimension("height", height)
        sx, sy = width / self.width, height / self.height
        points = tuple(
            HintPoint(_scale_into(p.x, sx, width), _scale_into(p.y, sy, height), p.ab, p.size) for p in self.points
        )
        strokes = tuple(_scale_stroke(s, sx, sy, width, height) for s in self.damage_strokes)
        colour = tuple(
            ColourStroke(
                s.ab, s.size, tuple((min(x * sx, float(width)), min(y * sy, float(height))) for x, y in s.points)
            )
            for s in self.strokes
        )
        return Hints(width, height, points, self.global_hints, strokes, colour)

    def point_at(self, x: float, y: float, radius: float) -> int | None:
        """Return the index of the point nearest (x, y) within `radius`, or None.

        Distances are Euclidean in original-image pixels; a point exactly `radius` away
        counts. On a tie the later point wins, since it is the one drawn on top.
        """
        best, best_d2 = None, radius * radius
        for i, p in enumerate(self.points):
            d2 = (p.x - x) ** 2 + (p.y - y) ** 2
            if d2 <= best_d2:
                best, best_d2 = i, d2
        return best


def _scale_into(value: float, scale: float, limit: int) -> float:
    """Scale a coordinate, keeping it strictly below `limit` despite rounding."""
    return min(value * scale, math.nextafter(float(limit), 0.0))


def _scale_stroke(stroke: DamageStroke, sx: float, sy: float, width: int, height: int) -> DamageStroke:
    """Scale a stroke (its radius by the mean of `sx` and `sy`), keeping its brush centres on
    the image despite rounding and its radius within the brush's limits."""
    radius = min(MAX_BRUSH_RADIUS, max(0.5, stroke.radius * (sx + sy) / 2))
    points = tuple((min(x * sx, float(width)), min(y * sy, float(height))) for x, y in stroke.points)
    return DamageStroke(stroke.mode, radius, points)
