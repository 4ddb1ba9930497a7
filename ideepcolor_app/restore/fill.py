"""Fill damaged pixels of a lightness plane from what is around them, then put grain back.

Two fills, chosen by the width of the damage:

* thin marks (cracks, scratches, hairs, specks: nothing deeper than `WIDE_RADIUS` px from an
  edge of the mask) use OpenCV's fast marching (Telea 2004), which carries the surrounding
  values and their gradients inwards, so a line crossing a crack continues;
* wide damage (tears, missing corners, flaked patches) uses push-pull: the known pixels are
  averaged down a pyramid until every hole is covered, and each level fills the next finer
  one's holes by upsampling. It is linear in the pixel count and gives the smooth, level
  fill that scores best where nothing of the picture survives; fast marching smears a
  tear's one-sided edge into streaks.

A filled area is smooth; the photo around it has grain. `regrain` adds noise of the grain's
strength (measured on the photo) inside the mask, so that the fill does not look smeared.
"""

from __future__ import annotations

import cv2
import numpy as np

FILLS = ("auto", "telea", "push-pull")
WIDE_RADIUS = 4  # a mask pixel this far from the mask's edge makes its region wide
_INPAINT_RADIUS = 3.0
_TILE = 256


def push_pull(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Fill `mask` in (H, W) float32 `x` by a push-pull pyramid; pixels outside stay as they are."""
    known = (~mask).astype(np.float32)
    return _push_pull(x.astype(np.float32) * known, known)


def _push_pull(weighted: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The filled plane, from values already multiplied by their weights in [0, 1]."""
    height, width = weight.shape
    if min(height, width) <= 2 or weight.min() >= 1.0:
        mean = weighted.sum() / max(float(weight.sum()), 1e-6)
        return np.where(weight > 0, weighted / np.maximum(weight, 1e-6), mean).astype(np.float32)
    half = (max(1, (width + 1) // 2), max(1, (height + 1) // 2))
    small_weighted = cv2.resize(weighted, half, interpolation=cv2.INTER_AREA)
    small_weight = cv2.resize(weight, half, interpolation=cv2.INTER_AREA)
    # Four known children make a fully known parent; fewer, a partly known one.
    scale = np.minimum(1.0, 4 * small_weight) / np.maximum(small_weight, 1e-6)
    coarse = _push_pull(small_weighted * scale, np.minimum(1.0, 4 * small_weight))
    up = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_LINEAR)
    value = np.divide(weighted, weight, out=np.zeros_like(weighted), where=weight > 0)
    return (value * weight + up * (1 - weight)).astype(np.float32)


def fast_marching(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Fill `mask` by Telea's fast marching, tile by tile (only tiles holding damage)."""
    out = np.array(x, dtype=np.float32, copy=True)
    if not mask.any():
        return out
    margin = int(_INPAINT_RADIUS) + 8
    height, width = mask.shape
    for row, col in zip(*np.nonzero(_tile_flags(mask)), strict=True):
        top, left = row * _TILE, col * _TILE
        y0, y1 = max(0, top - margin), min(height, top + _TILE + margin)
        x0, x1 = max(0, left - margin), min(width, left + _TILE + margin)
        # 16-bit samples: OpenCV's inpainting of float32 images returns garbage.
        samples = np.round(np.clip(x[y0:y1, x0:x1], 0, 1) * 65535).astype(np.uint16)
        filled = cv2.inpaint(samples, mask[y0:y1, x0:x1].astype(np.uint8), _INPAINT_RADIUS, cv2.INPAINT_TELEA)
        inner = (slice(top, min(height, top + _TILE)), slice(left, min(width, left + _TILE)))
        local = (slice(top - y0, inner[0].stop - y0), slice(left - x0, inner[1].stop - x0))
        where = mask[inner]
        out[inner][where] = filled[local][where].astype(np.float32) / np.float32(65535)
    return out


def wide_part(mask: np.ndarray) -> np.ndarray:
    """The pixels of `mask` in regions that reach deeper than `WIDE_RADIUS` from their edge."""
    size = 2 * WIDE_RADIUS + 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    core = cv2.erode(mask.astype(np.uint8), disc)
    if not core.any():
        return np.zeros(mask.shape, bool)
    grown = cv2.dilate(core, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size + 4, size + 4)))
    return grown.astype(bool) & mask


def fill(x: np.ndarray, mask: np.ndarray, method: str = "auto") -> np.ndarray:
    """Fill the masked pixels of (H, W) float32 lightness in [0, 1]; returns a new array.

    Args:
        x: the lightness.
        mask: (H, W) bool, the pixels to fill.
        method: "auto" (push-pull on wide regions, fast marching on thin marks), "telea"
            or "push-pull" (one method everywhere).
    """
    if method not in FILLS:
        raise ValueError(f"fill must be one of {', '.join(FILLS)}, got {method!r}")
    if not mask.any():
        return np.array(x, dtype=np.float32, copy=True)
    if method == "telea":
        return fast_marching(x, mask)
    if method == "push-pull":
        return push_pull(x, mask)
    # Push-pull sees only undamaged pixels; fast marching then redoes the thin marks from
    # what surrounds them (wide fills included).
    out = push_pull(x, mask)
    return fast_marching(out, mask & ~wide_part(mask))


def regrain(x: np.ndarray, mask: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    """Add Gaussian grain of std `sigma` to the masked pixels of `x` (in place); returns `x`."""
    count = int(mask.sum())
    if sigma > 0 and count:
        noise = np.random.default_rng(seed).standard_normal(count).astype(np.float32)
        x[mask] += np.float32(sigma) * noise
    return x


def _tile_flags(mask: np.ndarray) -> np.ndarray:
    """Which `_TILE` x `_TILE` tiles of `mask` hold a True pixel."""
    height, width = mask.shape
    padded = np.pad(mask, ((0, -height % _TILE), (0, -width % _TILE)))
    tiles = padded.reshape(padded.shape[0] // _TILE, _TILE, padded.shape[1] // _TILE, _TILE)
    return np.asarray(tiles.any(axis=(1, 3)))
