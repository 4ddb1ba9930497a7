"""Dust specks, scratches and small creases: find them, then fill them from around.

A defect is thin (narrower than the structuring element) and of high contrast against what
is around it: a morphological top-hat (white for bright defects, black for dark ones) finds
everything thin and contrasted, at least `contrast` (in [0, 1] lightness) and several times
the grain. Which of it is a defect and which the picture's own structure is then decided
by shape and surroundings:

* specks (`specks.py`): compact blobs that stand out from a calm, uncrowded background,
  chosen by a logistic score fitted on the training photos;
* scratches (`scratches.py`): long, thin, nearly straight lines that stand out from the
  parallel lines beside them and have the same picture on either side.

The mask is grown by a pixel to cover soft edges and filled with OpenCV's fast-marching
inpainting (Telea 2004), which continues the surrounding values and gradients inwards; a
margin around each tile gives it the same surroundings as a whole-photo fill, as long as a
defect is narrower than the margin (the detector finds none wider).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ideepcolor_app.restore.scratches import find_scratches
from ideepcolor_app.restore.specks import find_specks

_INPAINT_RADIUS = 3.0
_TILE = 256


@dataclass(frozen=True)
class DefectSettings:
    """How hard to look for defects.

    Attributes:
        size: structuring-element diameter in pixels; defects up to about size - 2 wide.
        contrast: least top-hat contrast of a defect's core, in [0, 1] lightness.
        noise_factor: the core must also exceed this many grain standard deviations.
    """

    size: int = 9
    contrast: float = 0.15
    noise_factor: float = 5.0


def tophats(x: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """White and black top-hats of (H, W) float32 `x` with a disc `size` pixels across."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    white = cv2.morphologyEx(x, cv2.MORPH_TOPHAT, kernel, borderType=cv2.BORDER_REFLECT)
    black = cv2.morphologyEx(x, cv2.MORPH_BLACKHAT, kernel, borderType=cv2.BORDER_REFLECT)
    return white, black


def find_defects(x: np.ndarray, noise: float, settings: DefectSettings = DefectSettings()) -> np.ndarray:
    """Mask of the specks and scratches in (H, W) float32 lightness in [0, 1].

    Args:
        x: the photo's lightness (grain already reduced works best).
        noise: the grain std left in `x`.
        settings: how hard to look.
    Returns:
        (H, W) bool mask, True on defects (grown by one pixel).
    """
    x = np.ascontiguousarray(x, dtype=np.float32)
    threshold = max(settings.contrast, settings.noise_factor * noise)
    white, black = tophats(x, settings.size)
    mask = find_scratches(x, white, black, threshold)
    for sign, hat, other in ((-1, white, black), (1, black, white)):
        mask |= find_specks(x, hat, other, sign, threshold, noise, settings.size)
    if not mask.any():
        return mask.astype(bool)
    return cv2.dilate(mask, np.ones((3, 3), np.uint8)).astype(bool)


def fill_defects(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Fill the masked pixels of (H, W) float32 lightness from their surroundings.

    Works tile by tile (`_TILE` square, with a margin), only on tiles holding defects, so a
    large photo with a few specks costs little.
    """
    out = np.array(x, dtype=np.float32, copy=True)
    if not mask.any():
        return out
    margin = int(_INPAINT_RADIUS) + 8
    height, width = mask.shape
    busy = _tile_flags(mask)
    for row, col in zip(*np.nonzero(busy)):
        top, left = row * _TILE, col * _TILE
        y0, y1 = max(0, top - margin), min(height, top + _TILE + margin)
        x0, x1 = max(0, left - margin), min(width, left + _TILE + margin)
        # 16-bit samples: OpenCV 5.0's inpainting of float32 images returns garbage.
        samples = np.round(np.clip(x[y0:y1, x0:x1], 0, 1) * 65535).astype(np.uint16)
        filled = cv2.inpaint(samples, mask[y0:y1, x0:x1].astype(np.uint8), _INPAINT_RADIUS, cv2.INPAINT_TELEA)
        inner = (slice(top, min(height, top + _TILE)), slice(left, min(width, left + _TILE)))
        local = (slice(top - y0, inner[0].stop - y0), slice(left - x0, inner[1].stop - x0))
        where = mask[inner]
        out[inner][where] = filled[local][where].astype(np.float32) / np.float32(65535)
    return out


def _tile_flags(mask: np.ndarray) -> np.ndarray:
    """Which `_TILE` x `_TILE` tiles of `mask` hold a True pixel."""
    height, width = mask.shape
    padded = np.pad(mask, ((0, -height % _TILE), (0, -width % _TILE)))
    return padded.reshape(padded.shape[0] // _TILE, _TILE, padded.shape[1] // _TILE, _TILE).any(axis=(1, 3))
