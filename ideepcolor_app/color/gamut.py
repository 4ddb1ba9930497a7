"""The sRGB gamut in the ab plane at a given lightness, for the colour picker.

An (L, a, b) colour is displayable when its unclipped Lab -> sRGB conversion lands in
[0, 1]^3. The gamut shrinks to the grey axis at both ends: at L = 0 only ab = (0, 0) is in it,
and at L = 100 not even that with `in_gamut`'s tight default tolerance, because scikit-image's
sRGB matrix (which we follow) maps Lab (100, 0, 0) to sRGB (1.0000075, 0.99999, 1.00008). The
picker functions therefore default to ``tol=1e-4`` (`PICKER_TOL`), which admits white and is far
below one 8-bit step (0.004).

Picker image coordinates (`gamut_image`, `ab_to_pixel`, `pixel_to_ab`): row 0 is
b = +ab_max (up is yellow), the last row b = -ab_max; column 0 is a = -ab_max (left is green),
the last column a = +ab_max; pixel centres are spaced 2 * ab_max / (size - 1) apart.
"""

from __future__ import annotations

import math
from typing import overload

import numpy as np
import torch
from torch import Tensor

from .lab import check_image, lab_to_rgb

__all__ = ["PICKER_TOL", "ab_gamut_at", "ab_to_pixel", "gamut_image", "in_gamut", "pixel_to_ab"]

PICKER_TOL = 1e-4  # sRGB slack of the picker grids: admits Lab (100, 0, 0), see module notes

_Arrays = tuple[np.ndarray, np.ndarray]  # coordinates of many pixels (a float and an array broadcast)


def _inside_unit_cube(rgb: Tensor, tol: float) -> Tensor:
    return ((rgb >= -tol) & (rgb <= 1.0 + tol)).all(dim=-3)


def in_gamut(lab: Tensor, tol: float = 1e-6) -> Tensor:
    """Tell which Lab colours are displayable in sRGB.

    Args:
        lab: (*,3,H,W) float tensor; L in [0, 100], a, b in CIELAB units.
        tol: slack allowed outside [0, 1] on each sRGB channel.

    Returns:
        mask: (*,H,W) bool tensor, True where Lab -> sRGB (unclipped) lies in [0, 1]^3.

    Raises:
        TypeError: `lab` is not a floating tensor.
        ValueError: `lab` is not (*,3,H,W).

    Example:
        >>> lab = torch.tensor([[50.0, 50.0], [0.0, 100.0], [0.0, -100.0]]).view(3, 1, 2)
        >>> in_gamut(lab).tolist()
        [[True, False]]
    """
    check_image(lab, 3, "lab")
    return _inside_unit_cube(lab_to_rgb(lab, clip=False), tol)


def _check_lightness(l: float) -> None:
    if not (isinstance(l, (int, float)) and 0.0 <= l <= 100.0):
        raise ValueError(f"l must be a number in [0, 100], got {l!r}")


def ab_gamut_at(
    l: float, step: float = 1.0, ab_max: float = 110.0, tol: float = PICKER_TOL
) -> tuple[Tensor, Tensor, Tensor]:
    """Sample the in-gamut ab plane at lightness `l` on a regular grid.

    Orientation: ``mask[i, j]`` is for ``b = b_values[i]`` (rows) and ``a = a_values[j]``
    (columns). Both value vectors ascend, so row 0 is b = -ab_max; `gamut_image` flips the
    rows for display.

    Args:
        l: CIELAB lightness in [0, 100].
        step: grid spacing in CIELAB units, > 0.
        ab_max: the grid covers [-ab_max, ab_max] on both axes (the upper end is included when
            it falls on the grid).
        tol: slack allowed outside [0, 1] on each sRGB channel.

    Returns:
        a_values: (N,) float64, -ab_max + step * j.
        b_values: (N,) float64, the same values.
        mask: (N,N) bool, True where (l, a, b) is in the sRGB gamut (see `in_gamut`).

    Raises:
        ValueError: `l` outside [0, 100], or `step` or `ab_max` not positive.

    Example:
        >>> a, b, mask = ab_gamut_at(50.0, step=10.0)
        >>> mask.shape, bool(mask[11, 11])  # (a, b) = (0, 0)
        (torch.Size([23, 23]), True)
    """
    _check_lightness(l)
    if not (step > 0 and ab_max > 0):
        raise ValueError(f"step and ab_max must be positive, got {step!r}, {ab_max!r}")
    n = int(math.floor(2.0 * ab_max / step + 1e-9)) + 1
    values = torch.arange(n, dtype=torch.float64) * step - ab_max
    lab = torch.stack(
        [
            torch.full((n, n), float(l), dtype=torch.float64),
            values.expand(n, n),  # a varies along columns
            values[:, None].expand(n, n),  # b varies along rows
        ]
    )
    return values, values.clone(), in_gamut(lab, tol)


def _check_picker(size: int, ab_max: float) -> None:
    if not (isinstance(size, int) and size >= 2):
        raise ValueError(f"size must be an int >= 2, got {size!r}")
    if not ab_max > 0:
        raise ValueError(f"ab_max must be positive, got {ab_max!r}")


@overload
def ab_to_pixel(a: float, b: float, size: int = ..., ab_max: float = ...) -> tuple[float, float]: ...
@overload
def ab_to_pixel(a: np.ndarray, b: float | np.ndarray, size: int = ..., ab_max: float = ...) -> _Arrays: ...
@overload
def ab_to_pixel(a: float, b: np.ndarray, size: int = ..., ab_max: float = ...) -> _Arrays: ...
def ab_to_pixel(
    a: float | np.ndarray, b: float | np.ndarray, size: int = 256, ab_max: float = 110.0
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Map ab to (row, col) coordinates in a `gamut_image` of side `size`.

    Args:
        a, b: floats or numpy arrays of the same shape, CIELAB units.
        size: picker image side in pixels, >= 2.
        ab_max: the image spans [-ab_max, ab_max] on both axes.

    Returns:
        (row, col): floats or float arrays (sub-pixel; round for an index). Row grows as b
        falls, column grows with a.

    Example:
        >>> ab_to_pixel(-110.0, 110.0, size=221, ab_max=110.0)
        (0.0, 0.0)
    """
    _check_picker(size, ab_max)
    span = 2.0 * ab_max
    return (ab_max - b) * (size - 1) / span, (a + ab_max) * (size - 1) / span


@overload
def pixel_to_ab(row: float, col: float, size: int = ..., ab_max: float = ...) -> tuple[float, float]: ...
@overload
def pixel_to_ab(row: np.ndarray, col: float | np.ndarray, size: int = ..., ab_max: float = ...) -> _Arrays: ...
@overload
def pixel_to_ab(row: float, col: np.ndarray, size: int = ..., ab_max: float = ...) -> _Arrays: ...
def pixel_to_ab(
    row: float | np.ndarray, col: float | np.ndarray, size: int = 256, ab_max: float = 110.0
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Map (row, col) coordinates in a `gamut_image` of side `size` to ab.

    The inverse of `ab_to_pixel`.

    Args:
        row, col: floats or numpy arrays of the same shape; may be sub-pixel.
        size: picker image side in pixels, >= 2.
        ab_max: the image spans [-ab_max, ab_max] on both axes.

    Returns:
        (a, b): floats or float arrays, CIELAB units.

    Example:
        >>> pixel_to_ab(110.0, 220.0, size=221, ab_max=110.0)
        (110.0, 0.0)
    """
    _check_picker(size, ab_max)
    span = 2.0 * ab_max
    return col * span / (size - 1) - ab_max, ab_max - row * span / (size - 1)


def gamut_image(l: float, size: int = 256, ab_max: float = 110.0, tol: float = PICKER_TOL) -> np.ndarray:
    """Render the ab plane at lightness `l` as an RGBA picker image.

    Every in-gamut ab shows its own colour at lightness `l`; out-of-gamut pixels are
    transparent black. Orientation as in the module notes: row 0 is b = +ab_max, column 0 is
    a = -ab_max; `ab_to_pixel` / `pixel_to_ab` convert coordinates.

    Args:
        l: CIELAB lightness in [0, 100].
        size: image side in pixels, >= 2.
        ab_max: the image spans [-ab_max, ab_max] on both axes.
        tol: slack allowed outside [0, 1] on each sRGB channel.

    Returns:
        rgba: (size, size, 4) uint8 array; alpha 255 in gamut, 0 outside.

    Raises:
        ValueError: `l` outside [0, 100], bad `size` or `ab_max`.

    Example:
        >>> img = gamut_image(50.0, size=65)
        >>> img.shape, img.dtype, int(img[32, 32, 3])  # the centre (0, 0) is grey
        ((65, 65, 4), dtype('uint8'), 255)
    """
    _check_lightness(l)
    _check_picker(size, ab_max)
    index = np.arange(size, dtype=np.float64)
    a, _ = pixel_to_ab(0.0, index, size, ab_max)  # per column
    _, b = pixel_to_ab(index, 0.0, size, ab_max)  # per row
    a_t, b_t = torch.from_numpy(a), torch.from_numpy(b)
    lab = torch.stack(
        [
            torch.full((size, size), float(l), dtype=torch.float64),
            a_t.expand(size, size),
            b_t[:, None].expand(size, size),
        ]
    )
    rgb = lab_to_rgb(lab, clip=False)
    mask = _inside_unit_cube(rgb, tol)
    rgb_u8 = (rgb.clamp(0.0, 1.0) * 255.0).round_().to(torch.uint8) * mask
    alpha = mask.to(torch.uint8) * 255
    return torch.cat([rgb_u8, alpha[None]]).permute(1, 2, 0).contiguous().numpy()
