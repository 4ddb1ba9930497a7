"""Dust specks, scratches and small creases: find them, then fill them from around.

A defect is thin (narrower than the structuring element), of high contrast against what is
around it, and alone: a morphological top-hat (white for bright defects, black for dark ones)
finds everything thin and contrasted, then three tests keep the picture's own structure out:

* contrast: at least `contrast` (in [0, 1] lightness) and several times the grain;
* hysteresis: weaker pixels count only when joined to a strong one (a defect's soft edge);
* calm: the core stands out far more than the background's own detail varies around it (a
  dark gap between two bright shapes, a glint in foliage, is not a speck);
* isolation: where thin contrasted details are many (foliage, hair, windows, ripples) nothing
  is a defect, because there a "defect" is much more likely to be texture.

The mask is grown by a pixel to cover soft edges and filled with OpenCV's fast-marching
inpainting (Telea 2004), which continues the surrounding values and gradients inwards; a
margin around each tile gives it the same surroundings as a whole-photo fill, as long as a
defect is narrower than the margin (the detector finds none wider).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Weak pixels (hysteresis) need this fraction of the strong threshold.
_WEAK = 0.5
# More thin contrasted details than this around a speck (in a window of this side) and it is
# texture: windows of a facade, ripples, foliage.
_CROWD = 12.0
_CROWD_WINDOW = 64
# Over this fraction of pixels with thin detail (top-hat above `_BUSY_LEVEL` of the
# threshold) around a speck (in a window of this side), it is texture too.
_DENSITY = 0.2
_BUSY_LEVEL = 0.5
_DENSITY_WINDOW = 32
# Crowding and density are counted on a grid of cells this many pixels wide.
_CELL = 8
_INPAINT_RADIUS = 3.0
_TILE = 256
# A scratch is long (pixels, and a share of the photo's diagonal) and straight (minor over
# major axis of its pixels).
_SCRATCH_LENGTH = 40
_SCRATCH_SHARE = 0.05
_SCRATCH_ROUNDNESS = 0.08
# Pieces of thin contrast this close (pixels) to a found scratch's line are part of it.
_LINE_REACH = 1.5
# A scratch has alike sides: sampled this far off its line, differing by under this share of
# its contrast (median along the line, over at most this many of its pixels).
_SIDE_OFFSET = 5
_SIDES = 0.3
_SIDE_SAMPLES = 400
# and an even contrast along it: the lower quartile at least this share of the upper one (a
# crack in rock comes and goes).
_EVEN = 0.3
# A defect's core stands out this many times more than its background varies around it
# (the background's detail above a Gaussian of this sigma, so shading and gradients are calm).
_CALM = 20.0
_DETREND = 2.0


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
    cells = (-(-x.shape[0] // _CELL), -(-x.shape[1] // _CELL))
    seeds = np.zeros(cells, np.float32)  # thin-detail components per cell
    busy = np.zeros(cells, np.float32)  # thin-detail pixels per cell
    mask = np.zeros(x.shape, np.uint8)
    found = []
    for sign, hat in zip((-1, 1), _tophats(x, settings.size)):
        background = x + sign * hat  # the photo with thin details taken away
        # How much the background varies around each pixel, smooth shading left out.
        background -= cv2.GaussianBlur(background, (0, 0), _DETREND, borderType=cv2.BORDER_REFLECT)
        variance = cv2.boxFilter(background * background, -1, window, borderType=cv2.BORDER_REFLECT)
        calm = hat * hat > np.float32(_CALM * _CALM) * variance
        contrasted = hat > threshold
        busy += _cell_sums(hat > _BUSY_LEVEL * threshold)
        labels, specks, centres = _specks(contrasted & calm, settings.size)
        np.add.at(seeds, (centres[0] // _CELL, centres[1] // _CELL), 1)
        found.append((labels, specks, centres, hat))
        weak = hat > _WEAK * threshold
        scratches, lines = _scratches(weak & calm, x, hat)
        mask |= scratches
        if lines:
            mask |= _along(weak, lines)
    near = (_CROWD_WINDOW // _CELL,) * 2
    crowd = cv2.boxFilter(seeds, -1, near, normalize=False, borderType=cv2.BORDER_REFLECT)
    density = cv2.boxFilter(busy, -1, (_DENSITY_WINDOW // _CELL,) * 2, borderType=cv2.BORDER_REFLECT) / _CELL**2
    edge = np.ones((5, 5), np.uint8)
    for labels, specks, centres, hat in found:
        cell = (centres[0] // _CELL, centres[1] // _CELL)
        chosen = specks.copy()
        chosen[1:] &= (crowd[cell] <= _CROWD) & (density[cell] <= _DENSITY)
        if chosen.any():
            chosen = chosen.astype(np.uint8)[labels]
            soft = (hat > _WEAK * threshold).astype(np.uint8)  # the defect's soft edge
            mask |= chosen | (cv2.dilate(chosen, edge) & soft)
    if not mask.any():
        return mask.astype(bool)
    return cv2.dilate(mask, np.ones((3, 3), np.uint8)).astype(bool)


def _cell_sums(flags: np.ndarray) -> np.ndarray:
    """Count the True pixels of each `_CELL` x `_CELL` cell (the last ones may be partial)."""
    height, width = flags.shape
    padded = np.pad(flags, ((0, -height % _CELL), (0, -width % _CELL)))
    return padded.reshape(padded.shape[0] // _CELL, _CELL, padded.shape[1] // _CELL, _CELL).sum(
        axis=(1, 3), dtype=np.float32)


def _specks(core: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Label the core pixels; which components are small enough for specks; their centres."""
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(core.astype(np.uint8), connectivity=8)
    longest = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    speck = longest <= size
    speck[0] = False
    rows = np.clip(np.round(centroids[1:, 1]).astype(int), 0, core.shape[0] - 1)
    cols = np.clip(np.round(centroids[1:, 0]).astype(int), 0, core.shape[1] - 1)
    return labels, speck, (rows, cols)


def _scratches(candidates: np.ndarray, x: np.ndarray, hat: np.ndarray) -> tuple[np.ndarray, list[tuple[float, ...]]]:
    """The long, straight components of `candidates`, and their lines.

    Long: `_SCRATCH_LENGTH` pixels and `_SCRATCH_SHARE` of the diagonal or more; straight:
    minor over major axis of the pixels' second moments under `_SCRATCH_ROUNDNESS`.
    Anything shorter or bent is picture structure (cracks, twigs, edges of small shapes).
    So is a straight line whose two sides differ (`_same_sides`): the edge of a shelf, a
    waterline; a scratch lies across the picture with the same picture on either side.

    Returns:
        (uint8 0/1 mask, [(centre row, centre column, unit row step, unit column step,
        reach)]), reach being how far from the centre the scratch may go on.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(candidates.astype(np.uint8), connectivity=8)
    longest = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    length = max(_SCRATCH_LENGTH, _SCRATCH_SHARE * float(np.hypot(*candidates.shape)))
    long_enough = longest >= length
    long_enough[0] = False
    if not long_enough.any():
        return np.zeros(candidates.shape, np.uint8), []
    roundness, lines = _axes(labels, count)
    scratch = long_enough & (roundness <= _SCRATCH_ROUNDNESS)
    for index in np.nonzero(scratch)[0]:
        scratch[index] = _same_sides(labels == index, lines[index], x, hat)
    return scratch.astype(np.uint8)[labels], [lines[i] for i in np.nonzero(scratch)[0]]


def _same_sides(pixels: np.ndarray, line: tuple[float, ...], x: np.ndarray, hat: np.ndarray) -> bool:
    """Whether the picture `_SIDE_OFFSET` pixels either side of a line is alike along it (the
    median difference of the two sides under `_SIDES` times the line's median contrast) and
    the line's contrast even (`_EVEN`)."""
    rows, cols = np.nonzero(pixels)
    if rows.size > _SIDE_SAMPLES:
        keep = np.linspace(0, rows.size - 1, _SIDE_SAMPLES).astype(int)
        rows, cols = rows[keep], cols[keep]
    _, _, step_row, step_col, _ = line
    height, width = x.shape

    def side(sign: float) -> np.ndarray:
        r = np.clip(np.round(rows + sign * _SIDE_OFFSET * step_col).astype(int), 0, height - 1)
        c = np.clip(np.round(cols - sign * _SIDE_OFFSET * step_row).astype(int), 0, width - 1)
        return x[r, c]

    difference = float(np.median(np.abs(side(1.0) - side(-1.0))))
    contrast = hat[rows, cols]
    low, mid, high = np.percentile(contrast, (25, 50, 75))
    return difference < _SIDES * float(mid) and low >= _EVEN * high


def _axes(labels: np.ndarray, count: int) -> tuple[np.ndarray, list[tuple[float, ...]]]:
    """Each component's roundness, sqrt(minor / major eigenvalue) of its pixel covariance
    (0: a line), and its line: centre, unit direction of the major axis, and reach."""
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
    angle = 0.5 * np.arctan2(2 * sxy, sxx - syy)  # of the major axis, from the column axis
    # Half the length of a uniform segment is sqrt(3) standard deviations; reach one more length.
    reach = 3 * np.sqrt(3 * major)
    lines = list(zip(my, mx, np.sin(angle), np.cos(angle), reach))
    return np.sqrt(minor / np.maximum(major, 1e-12)), lines


def _along(candidates: np.ndarray, lines: list[tuple[float, ...]]) -> np.ndarray:
    """The pixels of `candidates` within `_LINE_REACH` of one of the lines (uint8 0/1), up
    to the scratch's own length beyond either end.

    A scratch is broken where it crosses an edge or texture (the background is not calm
    there); its pieces on the same line as a found scratch belong to it.
    """
    out = np.zeros(candidates.shape, np.uint8)
    rows, cols = np.nonzero(candidates)
    for row, col, step_row, step_col, reach in lines:
        off = np.abs((rows - row) * step_col - (cols - col) * step_row)
        run = np.abs((rows - row) * step_row + (cols - col) * step_col)
        near = (off <= _LINE_REACH) & (run <= reach)
        out[rows[near], cols[near]] = 1
    return out


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
