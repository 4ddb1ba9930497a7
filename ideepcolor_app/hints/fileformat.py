"""Read and write `*.hints.json` files (docs/hints-format.md), validating strictly.

```json
{
  "version": 1,
  "image": {"width": 3000, "height": 2000},
  "points": [
    {"x": 1520.0, "y": 640.5, "ab": [12.0, -30.0], "size": 5}
  ],
  "global": {"saturation": 0.35, "histogram": null}
}
```

Version 2 adds the user's corrections of the restoration's damage mask, as an optional
top-level key (brush centres and radius in original-image pixels, oldest stroke first):

```json
  "damage_strokes": [
    {"mode": "add", "radius": 6.0, "points": [[120.5, 80.0], [131.0, 84.5]]}
  ]
```

Version 2 also adds the user's colour strokes, optional too (one colour along a brush path;
`size` the brush width in working-resolution pixels, as a point's patch side; brush centres
in original-image pixels):

```json
  "strokes": [
    {"ab": [44.0, -65.0], "size": 5, "points": [[210.0, 400.5], [236.0, 420.0]]}
  ]
```

A file is written as version 1 when it has neither kind of stroke (so that older readers keep
reading it) and as version 2 when it has; both are read. Every other key shown is required,
unknown keys are an error at every level, booleans are not
numbers, and NaN / Infinity are rejected. A file's problems are reported as `HintsFileError`
whose message starts with the file name (when loading from a path) and names the field by
its JSON path, e.g. ``family.hints.json: points[1].ab: expected a list of two numbers, got
"red"``. Coordinates follow `ideepcolor_app.hints.model` (origin at the image's top-left
corner, 0 <= x < width).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from ideepcolor_app.atomic import atomic_write_bytes
from ideepcolor_app.hints.colour_strokes import ColourStroke
from ideepcolor_app.hints.damage_strokes import DAMAGE_MODES, DamageStroke
from ideepcolor_app.hints.model import (
    DEFAULT_NUM_BINS,
    GlobalHints,
    HintPoint,
    Hints,
    HintsError,
)

__all__ = [
    "FORMAT_VERSION",
    "HintsFileError",
    "SUPPORTED_VERSIONS",
    "dumps",
    "hints_from_dict",
    "hints_to_dict",
    "load_hints",
    "loads",
    "save_hints",
]

PathLike = str | os.PathLike[str]

#: The newest file-format version: it writes it for hints with strokes of either kind, else version 1.
FORMAT_VERSION = 2
#: The versions this app reads.
SUPPORTED_VERSIONS = (1, 2)

_TOP_KEYS = ("version", "image", "points", "global")
_TOP_KEYS_V2 = _TOP_KEYS + ("damage_strokes", "strokes")
_V2_ONLY = ("damage_strokes", "strokes")
_STROKE_KEYS = ("mode", "radius", "points")
_COLOUR_STROKE_KEYS = ("ab", "size", "points")
_IMAGE_KEYS = ("width", "height")
_POINT_KEYS = ("x", "y", "ab", "size")
_GLOBAL_KEYS = ("saturation", "histogram")


class HintsFileError(ValueError):
    """A hints file (or dict) does not follow the format.

    Attributes:
        detail: the problem, starting with the JSON path where there is one.
        source: the file name it came from, or None.
        field: JSON path of the offending value (``points[1].ab``), or None.
    """

    def __init__(self, detail: str, source: str | None = None, field: str | None = None) -> None:
        super().__init__(detail, source, field)
        self.detail = detail
        self.source = source
        self.field = field

    def __str__(self) -> str:
        return f"{self.source}: {self.detail}" if self.source else self.detail

    def from_source(self, source: str | None) -> HintsFileError:
        """Return the same error attributed to `source`."""
        return HintsFileError(self.detail, source, self.field)


def _fail(field: str, reason: str) -> HintsFileError:
    return HintsFileError(f"{field}: {reason}", field=field)


class _NonFinite:
    """Stands for a NaN / Infinity literal so validation can name the field it sits in."""

    def __init__(self, text: str) -> None:
        self.text = text


class _Object(dict[str, Any]):
    """A parsed JSON object that remembers keys given more than once."""

    duplicates: tuple[str, ...] = ()


def _make_object(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        keys = [k for k, _ in pairs]
        obj.duplicates = tuple(dict.fromkeys(k for k in keys if keys.count(k) > 1))
    return obj


def _describe(value: Any) -> str:
    """Show a JSON value in a message, shortened: ``"red"``, ``true``, ``a list``."""
    if isinstance(value, _NonFinite):
        return value.text
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"a list of {len(value)}" if value else "an empty list"
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, str) and len(value) > 40:
        value = value[:40]  # never serialise a huge string just to cut it
    text = json.dumps(value, ensure_ascii=False)  # escapes control characters (ESC -> \u001b)
    return text if len(text) <= 40 else text[:37] + "..."


# --- validation of the parsed JSON ------------------------------------------------------


def _check_object(value: Any, path: str, keys: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    where = f"in {path}" if path else "at the top level"
    if not isinstance(value, dict):
        if path:
            raise _fail(path, f"expected a JSON object, got {_describe(value)}")
        raise HintsFileError(f"expected a JSON object at the top level, got {_describe(value)}")
    duplicates = getattr(value, "duplicates", ())
    if duplicates:
        raise HintsFileError(f"duplicate key {_describe(duplicates[0])} {where}", field=path or None)
    for key in value:
        if key not in keys:
            raise HintsFileError(
                f"unknown key {_describe(key)} {where} (allowed: {', '.join(keys)})",
                field=path or None,
            )
    for key in keys:
        if key not in value and key not in optional:
            raise HintsFileError(f'missing key "{key}" {where}', field=path or None)
    return value


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, _NonFinite)):
        raise _fail(path, f"expected a number, got {_describe(value)}")
    try:
        number = None if isinstance(value, _NonFinite) else float(value)
    except OverflowError:  # an integer literal too large for a float
        number = None
    if number is None or not math.isfinite(number):
        raise _fail(path, f"expected a finite number, got {_describe(value)}")
    return number


def _integer(value: Any, path: str, what: str = "an integer") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path, f"expected {what}, got {_describe(value)}")
    return value


def _number_list(value: Any, path: str, count: int, what: str) -> list[float]:
    if not isinstance(value, list) or len(value) != count:
        got = f"{len(value)}" if isinstance(value, list) else _describe(value)
        raise _fail(path, f"expected {what}, got {got}")
    return [_number(v, f"{path}[{i}]") for i, v in enumerate(value)]


def _point(value: Any, index: int) -> HintPoint:
    path = f"points[{index}]"
    obj = _check_object(value, path, _POINT_KEYS)
    x = _number(obj["x"], f"{path}.x")
    y = _number(obj["y"], f"{path}.y")
    ab = obj["ab"]
    if not isinstance(ab, list) or len(ab) != 2:
        raise _fail(f"{path}.ab", f"expected a list of two numbers, got {_describe(ab)}")
    ab = [_number(v, f"{path}.ab[{i}]") for i, v in enumerate(ab)]
    size = _integer(obj["size"], f"{path}.size", "an integer from 1 to 9")
    try:
        return HintPoint(x=x, y=y, ab=(ab[0], ab[1]), size=size)
    except HintsError as err:
        raise _from_model(err.within(path)) from None


def _global(value: Any, num_bins: int) -> GlobalHints:
    obj = _check_object(value, "global", _GLOBAL_KEYS)
    saturation, histogram = obj["saturation"], obj["histogram"]
    if saturation is not None:
        saturation = _number(saturation, "global.saturation")
    if histogram is not None:
        histogram = _number_list(histogram, "global.histogram", num_bins, f"{num_bins} numbers")
    try:
        return GlobalHints(saturation=saturation, histogram=histogram)
    except HintsError as err:
        raise _from_model(err.within("global")) from None


def _pair(value: Any, path: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise _fail(path, f"expected [x, y], got {_describe(value)}")
    return _number(value[0], f"{path}[0]"), _number(value[1], f"{path}[1]")


def _stroke(value: Any, index: int) -> DamageStroke:
    path = f"damage_strokes[{index}]"
    obj = _check_object(value, path, _STROKE_KEYS)
    mode = obj["mode"]
    if not isinstance(mode, str) or mode not in DAMAGE_MODES:
        modes = " or ".join(f'"{m}"' for m in DAMAGE_MODES)
        raise _fail(f"{path}.mode", f"expected {modes}, got {_describe(mode)}")
    radius = _number(obj["radius"], f"{path}.radius")
    points = obj["points"]
    if not isinstance(points, list) or not points:
        raise _fail(f"{path}.points", f"expected a non-empty list of [x, y] pairs, got {_describe(points)}")
    pairs = tuple(_pair(p, f"{path}.points[{i}]") for i, p in enumerate(points))
    try:
        return DamageStroke(mode, radius, pairs)
    except HintsError as err:
        raise _from_model(err.within(path)) from None


def _strokes(value: Any) -> tuple[DamageStroke, ...]:
    if not isinstance(value, list):
        raise _fail("damage_strokes", f"expected a list, got {_describe(value)}")
    return tuple(_stroke(s, i) for i, s in enumerate(value))


def _colour_stroke(value: Any, index: int) -> ColourStroke:
    path = f"strokes[{index}]"
    obj = _check_object(value, path, _COLOUR_STROKE_KEYS)
    ab = obj["ab"]
    if not isinstance(ab, list) or len(ab) != 2:
        raise _fail(f"{path}.ab", f"expected a list of two numbers, got {_describe(ab)}")
    ab = [_number(v, f"{path}.ab[{i}]") for i, v in enumerate(ab)]
    size = _integer(obj["size"], f"{path}.size", "an integer from 1 to 9")
    points = obj["points"]
    if not isinstance(points, list) or not points:
        raise _fail(f"{path}.points", f"expected a non-empty list of [x, y] pairs, got {_describe(points)}")
    pairs = tuple(_pair(p, f"{path}.points[{i}]") for i, p in enumerate(points))
    try:
        return ColourStroke((ab[0], ab[1]), size, pairs)
    except HintsError as err:
        raise _from_model(err.within(path)) from None


def _colour_strokes(value: Any) -> tuple[ColourStroke, ...]:
    if not isinstance(value, list):
        raise _fail("strokes", f"expected a list, got {_describe(value)}")
    return tuple(_colour_stroke(s, i) for i, s in enumerate(value))


def _top_keys(data: Any) -> tuple[str, ...]:
    """The top-level keys of the file's version (version 1's when the version is not readable)."""
    version = data.get("version") if isinstance(data, dict) else None
    if version == 2 and not isinstance(version, bool):
        return _TOP_KEYS_V2
    for key in _V2_ONLY:
        if version == 1 and not isinstance(version, bool) and key in data:
            raise HintsFileError(f'{key}: needs "version": 2 (this file says version 1)', field=key)
    return _TOP_KEYS


def _from_model(err: HintsError) -> HintsFileError:
    """Turn a model error into a file error, mapping model field names to JSON paths."""
    field = err.field
    if field in ("width", "height"):
        field = f"image.{field}"
    return _fail(field, err.reason)


def hints_from_dict(data: Any, num_bins: int = DEFAULT_NUM_BINS) -> Hints:
    """Build `Hints` from parsed JSON (a dict as `json.load` returns it), strictly.

    Args:
        data: the parsed file.
        num_bins: number of colour bins a histogram must have (529 for the app's 23 x 23 grid).

    Returns:
        The hints, in original-image coordinates.

    Raises:
        HintsFileError: the data does not follow the format; the message names the field
            by JSON path (no file name: `load_hints` adds it).
    """
    top = _check_object(data, "", _top_keys(data), optional=_V2_ONLY)
    version = _integer(top["version"], "version")
    if version not in SUPPORTED_VERSIONS:
        readable = " and ".join(str(v) for v in SUPPORTED_VERSIONS)
        raise HintsFileError(
            f"version {version} is not supported (this app reads versions {readable})",
            field="version",
        )
    image = _check_object(top["image"], "image", _IMAGE_KEYS)
    width = _integer(image["width"], "image.width", "a positive integer")
    height = _integer(image["height"], "image.height", "a positive integer")
    points_json = top["points"]
    if not isinstance(points_json, list):
        raise _fail("points", f"expected a list, got {_describe(points_json)}")
    points = tuple(_point(p, i) for i, p in enumerate(points_json))
    global_hints = _global(top["global"], num_bins)
    strokes = _strokes(top.get("damage_strokes", []))
    colour = _colour_strokes(top.get("strokes", []))
    try:
        return Hints(width, height, points, global_hints, strokes, colour)
    except HintsError as err:
        raise _from_model(err) from None


def hints_to_dict(hints: Hints) -> dict[str, Any]:
    """Return the JSON-ready dict for `hints` (the layout documented above): version 1 without
    strokes, version 2 with damage strokes or colour strokes."""
    if not isinstance(hints, Hints):
        raise TypeError(f"expected Hints, got {type(hints).__name__}")
    g = hints.global_hints
    data = {
        "version": 2 if hints.damage_strokes or hints.strokes else 1,
        "image": {"width": hints.width, "height": hints.height},
        "points": [{"x": p.x, "y": p.y, "ab": [p.ab[0], p.ab[1]], "size": p.size} for p in hints.points],
        "global": {
            "saturation": g.saturation,
            "histogram": None if g.histogram is None else list(g.histogram),
        },
    }
    if hints.damage_strokes:
        data["damage_strokes"] = [
            {"mode": s.mode, "radius": s.radius, "points": [[x, y] for x, y in s.points]} for s in hints.damage_strokes
        ]
    if hints.strokes:
        data["strokes"] = [
            {"ab": [s.ab[0], s.ab[1]], "size": s.size, "points": [[x, y] for x, y in s.points]} for s in hints.strokes
        ]
    return data


# --- text ----------------------------------------------------------------------------------

_INLINE_WIDTH = 88
_NUMBERS_PER_LINE = 23  # one a* row of the 23 x 23 bin grid per line


def _format(value: Any, indent: int) -> str:
    """Pretty-print JSON: small objects and short number lists on one line."""
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, list) and value and all(not isinstance(v, (dict, list)) for v in value):
        items = [json.dumps(v, allow_nan=False) for v in value]
        if len(items) <= 4:
            return "[" + ", ".join(items) + "]"
        rows = [items[i : i + _NUMBERS_PER_LINE] for i in range(0, len(items), _NUMBERS_PER_LINE)]
        return "[\n" + ",\n".join(inner + ", ".join(r) for r in rows) + "\n" + pad + "]"
    if isinstance(value, list) and value and all(_is_pair(v) for v in value):
        return _format_pairs(value, indent)
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + _format(v, indent + 2) for v in value) + "\n" + pad + "]"
    if isinstance(value, dict):
        parts = [f"{json.dumps(k)}: {_format(v, indent + 2)}" for k, v in value.items()]
        flat = "{" + ", ".join(parts) + "}"
        if "\n" not in flat and len(flat) + indent <= _INLINE_WIDTH:
            return flat
        return "{\n" + ",\n".join(inner + p for p in parts) + "\n" + pad + "}"
    return json.dumps(value, allow_nan=False, ensure_ascii=False)


def _is_pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value)


def _format_pairs(pairs: list[list[float]], indent: int) -> str:
    """A list of [x, y] pairs (a stroke's points), as many to a line as fit."""
    pad, inner = " " * indent, " " * (indent + 2)
    items = [json.dumps(p, allow_nan=False) for p in pairs]
    flat = "[" + ", ".join(items) + "]"
    if len(flat) + indent <= _INLINE_WIDTH - 20:
        return flat
    lines, line = [], ""
    for item in items:
        if line and len(inner) + len(line) + len(item) + 3 > _INLINE_WIDTH:  # ", " and the comma
            lines.append(line)
            line = ""
        line = f"{line}, {item}" if line else item
    lines.append(line)
    return "[\n" + ",\n".join(inner + l for l in lines) + "\n" + pad + "]"


def dumps(hints: Hints) -> str:
    """Return the `*.hints.json` text for `hints` (pretty-printed, ends with a newline)."""
    return _format(hints_to_dict(hints), 0) + "\n"


def loads(text: str, num_bins: int = DEFAULT_NUM_BINS, source: str | None = None) -> Hints:
    """Parse `*.hints.json` text.

    Args:
        text: the file's content.
        num_bins: number of colour bins a histogram must have.
        source: name to start error messages with (a file name), or None.

    Raises:
        HintsFileError: not valid JSON (with line and column) or not a valid hints file.
    """
    try:
        data = json.loads(text, object_pairs_hook=_make_object, parse_constant=_NonFinite)
    except json.JSONDecodeError as err:
        raise HintsFileError(f"not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}", source) from None
    except ValueError as err:  # e.g. an integer literal over Python's digit limit
        raise HintsFileError(f"not valid JSON: {str(err)[:120]}", source) from None
    except RecursionError:
        raise HintsFileError("not a hints file: JSON nested too deeply", source) from None
    try:
        return hints_from_dict(data, num_bins)
    except HintsFileError as err:
        raise err.from_source(source) from None


def load_hints(path: PathLike, num_bins: int = DEFAULT_NUM_BINS) -> Hints:
    """Read a `*.hints.json` file.

    Args:
        path: the file; error messages start with it as given.
        num_bins: number of colour bins a histogram must have.

    Raises:
        HintsFileError: the file is not UTF-8, not JSON, or not a valid hints file.
        OSError: the file cannot be read.
    """
    source = os.fspath(path)
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise HintsFileError(f"not UTF-8 text (byte {err.start})", source) from None
    return loads(text, num_bins, source)


def save_hints(hints: Hints, path: PathLike) -> None:
    """Write `hints` to `path` as UTF-8 JSON, atomically.

    The text is built before anything is written, and the write goes through a temporary
    file renamed into place, so a failure leaves an existing file as it was.
    """
    atomic_write_bytes(path, dumps(hints).encode("utf-8"))
