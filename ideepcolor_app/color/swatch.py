"""Display values for the colour picker: swatch colours, hex codes, gamut clamping, bin scatter.

Everything the GUI shows about a colour is computed here so that the GUI does no colour maths:
it receives uint8 sRGB, ``#rrggbb`` strings and ab values already snapped into the gamut.
Conversions go through `lab.py` (D65, scikit-image's sRGB matrices) and gamut tests through
`gamut.py` with the picker's tolerance `PICKER_TOL`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .gamut import PICKER_TOL, in_gamut
from .lab import lab_to_rgb_np, rgb_to_lab_np

__all__ = [
    "BinScatter",
    "ReferenceImage",
    "bin_scatter",
    "clamp_ab",
    "contrast_hex",
    "hex_to_lab",
    "lab_to_hex",
    "lab_to_rgb_u8",
    "labs_to_rgb_u8",
    "prepare_reference",
    "shrink_rgb",
    "probs_at",
]

_HEX = re.compile(r"^\s*#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\s*$")
_CLAMP_STEPS = 40  # bisection steps on the chroma: 110 / 2**40 is far below any display step


def _check_l(l: float) -> float:
    """Validate a lightness; rounding noise just outside [0, 100] (|err| < 1e-6) is clipped."""
    l = float(l)
    if not -1e-6 <= l <= 100.0 + 1e-6:
        raise ValueError(f"l must be in [0, 100], got {l!r}")
    return min(100.0, max(0.0, l))


def _ab_in_gamut(l: float, ab: np.ndarray, tol: float) -> np.ndarray:
    """(N,) bool: which rows of `ab` (N,2) are displayable at lightness `l`."""
    lab = torch.empty((3, len(ab), 1), dtype=torch.float64)
    lab[0] = l
    lab[1:, :, 0] = torch.from_numpy(np.asarray(ab, dtype=np.float64).T)
    return in_gamut(lab, tol)[:, 0].numpy()


def clamp_ab(l: float, a: float, b: float, tol: float = PICKER_TOL) -> tuple[float, float]:
    """Snap (a, b) into the sRGB gamut at lightness `l`, keeping its hue.

    An in-gamut ab is returned unchanged. Otherwise the chroma is reduced along the ray from
    the grey axis (0, 0) until the colour is displayable (bisection, 40 steps), so the result
    lies on the gamut boundary with the hue of the request.

    Args:
        l: CIELAB lightness in [0, 100].
        a, b: the requested colour, CIELAB units.
        tol: sRGB slack, as in `gamut.in_gamut`.

    Returns:
        (a, b): floats, in the gamut at `l` (grey (0, 0) when even the grey axis is not).

    Example:
        >>> clamp_ab(50.0, 10.0, 5.0)
        (10.0, 5.0)
        >>> a, b = clamp_ab(50.0, 0.0, 100.0); round(b / 10) * 10, a
        (60, 0.0)
    """
    l = _check_l(l)
    a, b = float(a), float(b)
    if _ab_in_gamut(l, np.array([[a, b]]), tol)[0]:
        return a, b
    low, high = 0.0, 1.0  # scale of (a, b): low is known in gamut (or grey), high is not
    for _ in range(_CLAMP_STEPS):
        mid = 0.5 * (low + high)
        if _ab_in_gamut(l, np.array([[a * mid, b * mid]]), tol)[0]:
            low = mid
        else:
            high = mid
    return a * low, b * low


def labs_to_rgb_u8(l_values: np.ndarray, ab: np.ndarray) -> np.ndarray:
    """Convert (N,) L and (N,2) ab to (N,3) uint8 sRGB (clipped to the cube, rounded).

    Example:
        >>> labs_to_rgb_u8(np.array([100.0, 0.0]), np.zeros((2, 2))).tolist()
        [[255, 255, 255], [0, 0, 0]]
    """
    l_values = np.asarray(l_values, dtype=np.float64).reshape(-1, 1)
    ab = np.asarray(ab, dtype=np.float64).reshape(-1, 2)
    if len(ab) == 0:
        return np.zeros((0, 3), dtype=np.uint8)
    rgb = lab_to_rgb_np(np.concatenate([l_values, ab], axis=1)[None])[0]
    rgb_u8: np.ndarray = np.round(rgb * 255.0).astype(np.uint8)
    return rgb_u8


def lab_to_rgb_u8(l: float, a: float, b: float) -> tuple[int, int, int]:
    """Convert one Lab colour to 8-bit sRGB (clipped to the cube).

    Example:
        >>> lab_to_rgb_u8(100.0, 0.0, 0.0)
        (255, 255, 255)
    """
    r, g, bl = (int(v) for v in labs_to_rgb_u8(np.array([_check_l(l)]), np.array([[a, b]]))[0])
    return r, g, bl


def lab_to_hex(l: float, a: float, b: float) -> str:
    """Format one Lab colour as an sRGB ``#rrggbb`` code (clipped to the cube).

    Example:
        >>> lab_to_hex(0.0, 0.0, 0.0)
        '#000000'
    """
    return "#{:02x}{:02x}{:02x}".format(*lab_to_rgb_u8(l, a, b))


def hex_to_lab(text: str) -> tuple[float, float, float]:
    """Parse an sRGB hex code (``#rrggbb``, ``rrggbb`` or ``#rgb``) into CIELAB.

    Raises:
        ValueError: `text` is not a hex colour.

    Example:
        >>> [abs(round(v, 1)) for v in hex_to_lab("#fff")]
        [100.0, 0.0, 0.0]
    """
    match = _HEX.match(text)
    if match is None:
        raise ValueError(f"not a hex colour: {text!r} (expected #rrggbb)")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    rgb = np.array([[[int(digits[i : i + 2], 16) / 255.0 for i in (0, 2, 4)]]], dtype=np.float64)
    l, a, b = (float(v) for v in rgb_to_lab_np(rgb)[0, 0])
    return min(100.0, max(0.0, l)), a, b  # black comes out at L = -4e-15


def contrast_hex(l: float) -> str:
    """Black or white text, whichever reads better on a background of lightness `l`."""
    return "#000000" if _check_l(l) > 55.0 else "#ffffff"


def probs_at(probs: np.ndarray, x_frac: float, y_frac: float) -> np.ndarray:
    """The bin probabilities at a point, indexed as `engine.palette.suggested_colours` does.

    Args:
        probs: (Q,h,w) float array, a colour distribution.
        x_frac, y_frac: the point as fractions of the width and height, in [0, 1].

    Returns:
        (Q,) float64 probabilities at that cell.
    """
    _, height, width = probs.shape
    col = min(width - 1, max(0, int(x_frac * width)))
    row = min(height - 1, max(0, int(y_frac * height)))
    return np.asarray(probs[:, row, col], dtype=np.float64)


@dataclass(frozen=True)
class BinScatter:
    """Colour bins ready to draw as a scatter in the ab plane.

    ab: (N,2) float64 bin centres (x = a, y = b); rgba: (N,4) uint8 bin colour at the
    lightness, alpha rising with probability; size: (N,) float64 diameter in pixels;
    probability: (N,) float64. Rows sorted by falling probability.
    """

    ab: np.ndarray
    rgba: np.ndarray
    size: np.ndarray
    probability: np.ndarray


def bin_scatter(
    probs: np.ndarray, centres: np.ndarray, l: float, min_probability: float = 1e-3, max_size: float = 28.0
) -> BinScatter:
    """Turn a distribution over bins into scatter points drawn in each bin's own colour.

    Bins below `min_probability` are left out (a softmax is never exactly zero, and hundreds of
    invisible dots only cost time). Size grows with the square root of the probability relative
    to the most likely bin (so the area is proportional); out-of-gamut bins are shown clipped.

    Args:
        probs: (Q,) probabilities at one pixel.
        centres: (Q,2) ab of each bin, CIELAB units.
        l: CIELAB lightness at which to colour the bins, in [0, 100].

    Returns:
        A `BinScatter` of the kept bins.

    Example:
        >>> s = bin_scatter(np.array([0.7, 0.0, 0.3]), np.array([[0, 0], [10, 0], [20, 20.0]]), 50.0)
        >>> s.ab.tolist(), s.size.round(1).tolist()
        ([[0.0, 0.0], [20.0, 20.0]], [28.0, 18.3])
    """
    l = _check_l(l)
    probs = np.asarray(probs, dtype=np.float64).reshape(-1)
    centres = np.asarray(centres, dtype=np.float64).reshape(-1, 2)
    if len(probs) != len(centres):
        raise ValueError(f"{len(probs)} probabilities for {len(centres)} bin centres")
    order = [i for i in np.argsort(-probs, kind="stable") if probs[i] >= min_probability]
    p = probs[order]
    ab = centres[order]
    rgb_u8 = labs_to_rgb_u8(np.full(len(ab), l), ab)
    top = float(p[0]) if len(p) else 1.0
    relative = p / top
    alpha = np.round(80.0 + 175.0 * relative).astype(np.uint8)
    rgba = np.concatenate([rgb_u8, alpha[:, None]], axis=1)
    return BinScatter(ab=ab, rgba=rgba, size=max_size * np.sqrt(relative), probability=p)


@dataclass(frozen=True)
class ReferenceImage:
    """A reference photo prepared for the eyedropper.

    rgb_u8: (h,w,3) uint8 sRGB for display; lab: (h,w,3) float32 CIELAB of the same pixels.
    """

    rgb_u8: np.ndarray
    lab: np.ndarray


def shrink_rgb(rgb: np.ndarray, max_side: int) -> np.ndarray:
    """Area-average an (H,W,3) float image so its longer side is at most `max_side` (a copy).

    Raises:
        ValueError: if `rgb` is not (H,W,3).
    """
    rgb = np.array(rgb, dtype=np.float32)  # a writable copy: `Photo.rgb` is read-only
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"rgb must be (H,W,3), got {rgb.shape}")
    height, width = rgb.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    if scale >= 1.0:
        return rgb
    size = (max(1, round(height * scale)), max(1, round(width * scale)))
    t = torch.from_numpy(rgb).permute(2, 0, 1)[None]
    return F.interpolate(t, size=size, mode="area")[0].permute(1, 2, 0).contiguous().numpy()


def prepare_reference(rgb: np.ndarray, max_side: int = 640) -> ReferenceImage:
    """Shrink a photo (area average) so its longer side is at most `max_side`, for the eyedropper.

    Args:
        rgb: (H,W,3) float sRGB in [0, 1], e.g. `imageio.Photo.rgb`.
        max_side: longest side of the result in pixels.

    Returns:
        The display image and its CIELAB values, pixel for pixel.
    """
    rgb = np.clip(shrink_rgb(rgb, max_side), 0.0, 1.0)
    return ReferenceImage(
        rgb_u8=np.round(rgb * 255.0).astype(np.uint8),
        lab=rgb_to_lab_np(np.ascontiguousarray(rgb, dtype=np.float32)),
    )
