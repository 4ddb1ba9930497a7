"""Compose a colour photo at full resolution from its full-resolution L and low-resolution ab.

The ab predicted at the working resolution is upsampled with a fast guided filter (He & Sun,
"Fast Guided Filter", 2015): linear coefficients ab ≈ A·L + B are fitted in small windows at
the working resolution, only A and B are upsampled (bilinear), and the full-resolution L is
applied to them. Colour edges therefore follow luminance edges of the full photo instead of
the blurred edges of a bilinear resize.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import torch
import torch.nn.functional as F

from ideepcolor_app.color import lab_to_rgb

GUIDE_RADIUS = 2  # box radius at the working resolution (a 5x5 window)
GUIDE_EPS = 1e-3  # regulariser on L/100: smaller follows L more closely, larger is smoother
BAND_ROWS = 64  # rows composed at a time: 64 x 4000 px keeps every temporary about 1 MB
OUTPUT_DTYPES = {8: np.uint8, 16: np.uint16, 32: np.float32}


def _box(x: torch.Tensor, radius: int) -> torch.Tensor:
    """Mean over a (2r+1)^2 window, edges replicated. x: (B,C,H,W).

    Separable, as sums of shifted views added in place: the same means as one (2r+1)^2 average
    pool to float rounding (below 1e-6 here), and 2-10x faster on a CPU, which a drag's preview
    waits for (the guided filter's five box filters were most of its composition).
    """
    size = 2 * radius + 1
    height, width = x.shape[-2:]
    padded = F.pad(x, (radius, radius, radius, radius), mode="replicate")
    rows = padded[..., :, 0:width].clone()
    for shift in range(1, size):
        rows += padded[..., :, shift : shift + width]
    out = rows[..., 0:height, :].clone()
    for shift in range(1, size):
        out += rows[..., shift : shift + height, :]
    return out.mul_(1.0 / (size * size))


def guided_coefficients(
    l_small: torch.Tensor, ab_small: torch.Tensor, radius: int = GUIDE_RADIUS, eps: float = GUIDE_EPS
) -> torch.Tensor:
    """Fit ab ≈ A·(L/100) + B in each window of the working-resolution image.

    Args:
        l_small: (1,1,h,w) float32 CIELAB L in [0, 100], the photo's L at the working size.
        ab_small: (1,2,h,w) float32 CIELAB ab predicted at the working size.
    Returns:
        (1,4,h,w) float32: A_a, A_b, B_a, B_b, already averaged over windows.
    """
    guide = l_small / 100.0
    mean_i = _box(guide, radius)
    mean_p = _box(ab_small, radius)
    cov_ip = _box(guide * ab_small, radius) - mean_i * mean_p
    var_i = _box(guide * guide, radius) - mean_i * mean_i
    a = cov_ip / (var_i + eps)
    b = mean_p - a * mean_i
    return _box(torch.cat([a, b], dim=1), radius)


def _coefficient_rows(coeffs: torch.Tensor, height: int, width: int) -> Callable[[int, int], torch.Tensor]:
    """Bilinear upsampling of (1,4,h,w) coefficients, split into its two separable passes.

    The horizontal pass runs once, to (4,h,W); the returned function does the vertical pass for
    a band of output rows [y0, y1), so a band never needs the whole (4,H,W) array in memory. Sampling is
    the same as F.interpolate(..., mode="bilinear", align_corners=False).
    """
    small_h = coeffs.shape[-2]
    wide = F.interpolate(coeffs, size=(small_h, width), mode="bilinear", align_corners=False)[0]

    def rows(y0: int, y1: int) -> torch.Tensor:
        src = ((torch.arange(y0, y1, dtype=torch.float32) + 0.5) * (small_h / height) - 0.5).clamp_(min=0)
        top = src.floor().long().clamp_(max=small_h - 1)
        bottom = (top + 1).clamp_(max=small_h - 1)
        frac = (src - top)[None, :, None]
        upper = wide[:, top]
        return upper.add_(wide[:, bottom].sub_(upper).mul_(frac))

    return rows


def _bands(height: int, band_rows: int) -> Iterator[tuple[int, int]]:
    for y0 in range(0, height, band_rows):
        yield y0, min(height, y0 + band_rows)


def upsample_ab(l_full: torch.Tensor, ab_small: torch.Tensor, band_rows: int = BAND_ROWS) -> torch.Tensor:
    """Upsample ab to the size of `l_full`, edge-aware.

    Args:
        l_full: (H,W) float32 CIELAB L of the full photo.
        ab_small: (2,h,w) float32 CIELAB ab at the working resolution (any aspect ratio).
    Returns:
        ab_full: (2,H,W) float32 CIELAB.
    """
    height, width = l_full.shape
    ab_full = torch.empty((2, height, width), dtype=torch.float32)
    for y0, y1, ab_band in _ab_bands(l_full, ab_small, band_rows):
        ab_full[:, y0:y1] = ab_band
    return ab_full


def _ab_bands(l_full: torch.Tensor, ab_small: torch.Tensor, band_rows: int) -> Iterator[tuple[int, int, torch.Tensor]]:
    """Yield (y0, y1, ab (2,y1-y0,W)) for consecutive bands of full-resolution rows."""
    height, width = l_full.shape
    l_small = F.adaptive_avg_pool2d(l_full[None, None], (ab_small.shape[-2], ab_small.shape[-1]))
    coeffs = guided_coefficients(l_small, ab_small[None].float())
    coefficient_rows = _coefficient_rows(coeffs, height, width)
    for y0, y1 in _bands(height, band_rows):
        band = coefficient_rows(y0, y1)
        yield y0, y1, torch.addcmul(band[2:], band[:2], l_full[y0:y1] * 0.01)


def compose_rgb(
    l_full: torch.Tensor, ab_small: torch.Tensor, bit_depth: int = 8, band_rows: int = BAND_ROWS
) -> np.ndarray:
    """Compose the sRGB photo, a band of rows at a time (small temporaries, cache-friendly).

    Args:
        l_full: (H,W) float32 CIELAB L in [0, 100].
        ab_small: (2,h,w) float32 CIELAB ab at the working resolution.
        bit_depth: 8 -> uint8 output, 16 -> uint16 output, 32 -> float32 in [0, 1].
    Returns:
        rgb: (H,W,3) in the dtype chosen by `bit_depth`.
    """
    if bit_depth not in OUTPUT_DTYPES:
        raise ValueError(f"bit_depth must be 8, 16 or 32, got {bit_depth}")
    height, width = l_full.shape
    out = np.empty((height, width, 3), dtype=OUTPUT_DTYPES[bit_depth])
    out_view = torch.from_numpy(out.view(np.int16) if bit_depth == 16 else out)
    for y0, y1, ab_band in _ab_bands(l_full, ab_small, band_rows):
        rgb = lab_to_rgb(torch.cat([l_full[None, y0:y1], ab_band], dim=0))
        out_view[y0:y1] = _quantise(rgb, bit_depth).permute(1, 2, 0)
    return out


def _quantise(rgb: torch.Tensor, bit_depth: int) -> torch.Tensor:
    """(3,n,W) float in [0,1] -> the output dtype (uint16 travels as int16: same bits)."""
    if bit_depth == 32:
        return rgb
    if bit_depth == 8:
        return rgb.mul_(255.0).add_(0.5).to(torch.uint8)
    return rgb.mul_(65535.0).add_(0.5).to(torch.int32).to(torch.int16)
