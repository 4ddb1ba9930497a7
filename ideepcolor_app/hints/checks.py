"""Checks shared by the hint values (`model`), the colour strokes and the damage strokes:
finite numbers, an a*b* pair, a brush path. Each raises `HintsError` naming the field."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

from ideepcolor_app.hints.errors import HintsError

__all__ = ["AB_LIMIT", "check_ab", "check_path", "real"]

#: Largest |a*| or |b*| a hint colour may have (CIELAB units).
AB_LIMIT = 128.0


def real(name: str, value: Any) -> float:
    """Return `value` as a finite float, or raise HintsError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise HintsError(name, f"expected a number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        number = math.inf
    if not math.isfinite(number):
        raise HintsError(name, f"expected a finite number, got {number!r}")
    return number


def check_ab(ab: Any) -> tuple[float, float]:
    """`ab` as two floats within +-`AB_LIMIT`."""
    if isinstance(ab, (str, bytes)) or not isinstance(ab, Iterable):
        raise HintsError("ab", f"expected two numbers (a*, b*), got {ab!r}")
    items = tuple(ab)
    if len(items) != 2:
        raise HintsError("ab", f"expected two numbers (a*, b*), got {len(items)}")
    values = tuple(real(f"ab[{i}]", v) for i, v in enumerate(items))
    for i, v in enumerate(values):
        if abs(v) > AB_LIMIT:
            raise HintsError(f"ab[{i}]", f"must be between -{AB_LIMIT:g} and {AB_LIMIT:g}, got {v:g}")
    return values  # type: ignore[return-value]


def check_path(points: Any) -> tuple[tuple[float, float], ...]:
    """A brush path: at least one (x, y) pair of finite numbers, as a tuple of float pairs."""
    if not isinstance(points, Iterable) or isinstance(points, (str, bytes)):
        raise HintsError("points", f"expected a sequence of [x, y] pairs, got {points!r}")
    path = []
    for i, point in enumerate(points):
        if not isinstance(point, Sequence) or isinstance(point, (str, bytes)) or len(point) != 2:
            raise HintsError(f"points[{i}]", f"expected [x, y], got {point!r}")
        path.append((real(f"points[{i}].x", point[0]), real(f"points[{i}].y", point[1])))
    if not path:
        raise HintsError("points", "a stroke needs at least one point")
    return tuple(path)
