"""Dust specks, scratches and small creases: find them, then fill them from around.

A defect is thin (narrower than the structuring element), of high contrast against what is
around it, and alone: a morphological top-hat (white for bright defects, black for dark ones)
finds everything thin and contrasted, then three tests keep the picture's own structure out:

* contrast: at least `contrast` (in [0, 1] lightness) and several times the grain;
* hysteresis: weaker pixels count only when joined to a strong one (a defect's soft edge);
* calm: the core stands out several times more than the background varies around it (a
  dark gap between two bright shapes is not a speck);
* isolation: where thin contrasted details are many (foliage, hair, windows, ripples) nothing
  is a defect, because there a "defect" is much more likely to be texture.

The mask is grown by a pixel to cover soft edges and filled with OpenCV's fast-marching
inpainting (Telea 2004), which continues the surrounding values and gradients inwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Weak pixels (hysteresis) need this fraction of the strong threshold.
_WEAK = 0.5
# More thin contrasted details than this around a candidate (in a window of this side), on
# average over the candidate, and it is texture: windows of a facade, ripples, foliage.
_CROWD = 12.0
_CROWD_WINDOW = 63
# Over this fraction of thin contrasted pixels around a candidate, it is texture too.
_DENSITY = 0.2
_DENSITY_WINDOW = 31
_INPAINT_RADIUS = 3.0
# A scratch is at least this long (pixels, and this share of the diagonal) and this straight
# (minor / major axis).
_SCRATCH_LENGTH = 40
_SCRATCH_ROUNDNESS = 0.08
_SCRATCH_SHARE = 0.0  # of the photo's diagonal
# A defect's core stands out this many times more than its background varies around it.
_CALM = 3.5


@dataclass(frozen=True)
class DefectSettings:
    """How hard to look for defects.

    Attributes:
        size: structuring-element diameter in pixels; defects up to about size - 2 wide.
        contrast: least top-hat contrast of a defect's core, in [0, 1] lightness.
        noise_factor: the core must also exceed this many grain standard deviations.
    """

    size: int = 7
    contrast: float = 0.15
    noise_factor: float = 5.0


def _tophats(x: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
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
    window = (2 * settings.size + 1,) * 2
    seeds = np.zeros(x.shape, np.float32)
    busy = np.zeros(x.shape, np.float32)
    found = []
    for sign, hat in zip((-1, 1), _tophats(x, settings.size)):
        background = x + sign * hat  # the photo with thin details taken away
        mean = cv2.boxFilter(background, -1, window, borderType=cv2.BORDER_REFLECT)
        spread = cv2.boxFilter(background * background, -1, window, borderType=cv2.BORDER_REFLECT)
        spread = np.sqrt(np.maximum(spread - mean * mean, 0))
        contrasted = hat > threshold
        busy += contrasted
        core = (contrasted & (hat > _CALM * spread)).astype(np.uint8)
        labels, kinds, centres = _components(core, settings.size)
        seeds[centres] += 1
        found.append((labels, kinds, hat))
    crowd = cv2.boxFilter(seeds, -1, (_CROWD_WINDOW, _CROWD_WINDOW), normalize=False, borderType=cv2.BORDER_REFLECT)
    density = cv2.boxFilter(busy, -1, (_DENSITY_WINDOW, _DENSITY_WINDOW), borderType=cv2.BORDER_REFLECT)
    mask = np.zeros(x.shape, np.uint8)
    edge = np.ones((5, 5), np.uint8)
    for labels, kinds, hat in found:
        if kinds[0].any():
            chosen = _alone(labels, kinds, crowd, density)
            soft = (hat > _WEAK * threshold).astype(np.uint8)  # the defect's soft edge
            mask |= chosen | (cv2.dilate(chosen, edge) & soft)
    if not mask.any():
        return mask.astype(bool)
    return cv2.dilate(mask, np.ones((3, 3), np.uint8)).astype(bool)


def _components(core: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Label the core pixels; which look like specks or scratches; every component's centre.

    A speck fits in the structuring element; a scratch is long (`_SCRATCH_LENGTH` or more)
    and straight (second moments: minor over major axis under `_SCRATCH_ROUNDNESS`).
    Anything between is picture structure (cracks, twigs, edges of small shapes).
    """
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(core, connectivity=8)
    longest = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    speck = longest <= size
    length = max(_SCRATCH_LENGTH, _SCRATCH_SHARE * float(np.hypot(*core.shape)))
    keep = speck | ((longest >= length) & (_roundness(labels, count) <= _SCRATCH_ROUNDNESS))
    keep[0] = False
    rows = np.clip(np.round(centroids[1:, 1]).astype(int), 0, core.shape[0] - 1)
    cols = np.clip(np.round(centroids[1:, 0]).astype(int), 0, core.shape[1] - 1)
    return labels, np.stack([keep, speck]), (rows, cols)


def _roundness(labels: np.ndarray, count: int) -> np.ndarray:
    """sqrt(minor / major eigenvalue) of each component's pixel covariance (0: a line)."""
    rows, cols = np.nonzero(labels)
    which = labels[rows, cols]
    n = np.maximum(np.bincount(which, minlength=count), 1).astype(np.float64)
    rows, cols = rows.astype(np.float64), cols.astype(np.float64)
    my, mx = np.bincount(which, rows, count) / n, np.bincount(which, cols, count) / n
    syy = np.bincount(which, rows * rows, count) / n - my * my
    sxx = np.bincount(which, cols * cols, count) / n - mx * mx
    sxy = np.bincount(which, rows * cols, count) / n - my * mx
    half_trace, det = (sxx + syy) / 2, sxx * syy - sxy * sxy
    root = np.sqrt(np.maximum(half_trace * half_trace - det, 0))
    major, minor = half_trace + root, np.maximum(half_trace - root, 0)
    return np.sqrt(minor / np.maximum(major, 1e-12))


def _alone(labels: np.ndarray, kinds: np.ndarray, crowd: np.ndarray, density: np.ndarray) -> np.ndarray:
    """The chosen components (uint8 0/1): scratches, and specks with few details around them."""
    keep, speck = kinds
    count = keep.size
    flat = labels.ravel()
    size = np.maximum(np.bincount(flat, minlength=count), 1)
    crowding = np.bincount(flat, weights=crowd.ravel(), minlength=count) / size
    busy = np.bincount(flat, weights=density.ravel(), minlength=count) / size
    calm = (crowding <= _CROWD) & (busy <= _DENSITY)
    chosen = (keep & (calm | ~speck)).astype(np.uint8)
    return chosen[labels]


def fill_defects(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Fill the masked pixels of (H, W) float32 lightness from their surroundings."""
    if not mask.any():
        return np.array(x, dtype=np.float32, copy=True)
    # 16-bit samples: OpenCV 5.0's inpainting of float32 images returns garbage.
    samples = np.round(np.clip(x, 0, 1) * 65535).astype(np.uint16)
    filled = cv2.inpaint(samples, mask.astype(np.uint8), _INPAINT_RADIUS, cv2.INPAINT_TELEA)
    out = np.array(x, dtype=np.float32, copy=True)
    out[mask] = filled[mask].astype(np.float32) / np.float32(65535)
    return out
