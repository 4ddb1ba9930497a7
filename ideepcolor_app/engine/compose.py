"""Compose a colour photo at full resolution from its full-resolution L and low-resolution ab.

The ab predicted at the working resolution is upsampled with a fast guided filter (He & Sun,
"Fast Guided Filter", 2015): linear coefficients ab ≈ A·L + B are fitted in small windows at
the working resolution, only A and B are upsampled (bilinear), and the full-resolution L is
applied to them. Colour edges therefore follow luminance edges of the full photo instead of
the blurred edges of a bilinear resize.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ideepcolor_app.color import lab_to_rgb

GUIDE_RADIUS = 2  # box radius at the working resolution (a 5x5 window)
GUIDE_EPS = 1e-3  # regulariser on L/100: smaller follows L more closely, larger is smoother


def _box(x: torch.Tensor, radius: int) -> torch.Tensor:
    """Mean over a (2r+1)^2 window, edges replicated. x: (B,C,H,W)."""
    size = 2 * radius + 1
    padded = F.pad(x, (radius, radius, radius, radius), mode="replicate")
    return F.avg_pool2d(padded, size, stride=1)


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


def upsample_ab(l_full: torch.Tensor, ab_small: torch.Tensor, **guide: float) -> torch.Tensor:
    """Upsample ab to the size of `l_full`, edge-aware.

    Args:
        l_full: (H,W) float32 CIELAB L of the full photo.
        ab_small: (2,h,w) float32 CIELAB ab at the working resolution (any aspect ratio).
    Returns:
        ab_full: (2,H,W) float32 CIELAB.
    """
    height, width = l_full.shape
    l_small = F.adaptive_avg_pool2d(l_full[None, None], ab_small.shape[-2:])
    coeffs = guided_coefficients(l_small, ab_small[None].float(), **guide)
    coeffs_full = F.interpolate(coeffs, size=(height, width), mode="bilinear", align_corners=False)[0]
    guide_full = l_full / 100.0
    return torch.addcmul(coeffs_full[2:], coeffs_full[:2], guide_full)


def compose_lab(l_full: torch.Tensor, ab_small: torch.Tensor) -> torch.Tensor:
    """(H,W) L and (2,h,w) ab -> (3,H,W) float32 CIELAB at full resolution."""
    ab_full = upsample_ab(l_full, ab_small)
    return torch.cat([l_full[None], ab_full], dim=0)


def compose_rgb(l_full: torch.Tensor, ab_small: torch.Tensor, bit_depth: int = 8) -> np.ndarray:
    """Compose the sRGB photo.

    Args:
        l_full: (H,W) float32 CIELAB L in [0, 100].
        ab_small: (2,h,w) float32 CIELAB ab at the working resolution.
        bit_depth: 8 -> uint8 output, 16 -> uint16 output, 32 -> float32 in [0, 1].
    Returns:
        rgb: (H,W,3) in the dtype chosen by `bit_depth`.
    """
    rgb = lab_to_rgb(compose_lab(l_full, ab_small))
    if bit_depth == 32:
        return rgb.permute(1, 2, 0).contiguous().numpy()
    if bit_depth not in (8, 16):
        raise ValueError(f"bit_depth must be 8, 16 or 32, got {bit_depth}")
    top = 255.0 if bit_depth == 8 else 65535.0
    dtype = torch.uint8 if bit_depth == 8 else torch.int32
    quantised = rgb.mul_(top).add_(0.5).to(dtype).permute(1, 2, 0).contiguous().numpy()
    return quantised if bit_depth == 8 else quantised.astype(np.uint16)
