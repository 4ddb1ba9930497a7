"""Scratches and hairline creases: long, thin, nearly straight lines across the picture.

A line detector first: the top-hat (white minus black, so bright and dark lines keep their
sign) is averaged along short segments at `_ANGLES` orientations, and each pixel keeps the
best margin of its own segment over the strongest of the parallel segments 3 to 7 pixels
(`_BESIDE`) to either side, so that ripples and rows of parallel lines have a neighbour. A
scratch's segment holds its contrast while its neighbours hold the picture's, so the margin
is about the scratch's contrast wherever it crosses flat ground or texture alike; texture,
which is as strong beside a segment as on it, has none. On large photos this runs on a
max-pooled copy of at most `_LINE_PIXELS` pixels (max pooling keeps a 1-pixel line).

Thin pixels whose margin is above the threshold and `_TEXTURE` times the mean thin detail
around them (foliage, stonework) are grouped into components, one group of neighbouring
orientations at a time so that crossing lines come apart, and a component is a scratch
when it is

* long: `_LENGTH` pixels and `_SHARE` of the photo's diagonal or more;
* thin and nearly straight: the spread across its main axis under `_THICK` pixels plus
  `_BOW` of the spread along it (a slight bow is allowed, a curve or a blob is not);
* lying across the picture: the picture `_SIDE_OFFSETS` pixels either side is alike (the
  edge of a shelf or a waterline has different sides), and its contrast is even enough (a
  crack in rock comes and goes).

Pieces of thin contrast on the line of a found scratch, up to its own length beyond either
end, belong to it: a scratch is broken where it crosses an edge.
"""

from __future__ import annotations

import functools
import math

import cv2
import numpy as np

from ideepcolor_app.restore.specks import WEAK

_SEGMENT = 21
_ANGLES = 16
_BESIDE = (3, 7)
_LINE_PIXELS = 1e6
_TEXTURE = 2.0
_TEXTURE_WINDOW = 15
_LENGTH = 40
_SHARE = 0.05
_THICK = 2.0
_BOW = 0.06
_SIDE_OFFSETS = (5, 10)
_SIDES = 0.3
_SIDE_SAMPLES = 400
_EVEN = 0.3
_LINE_REACH = 1.5


@functools.cache
def _segments() -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Per angle: the averaging kernel of a `_SEGMENT`-long segment, and the uint8 kernel of
    the points `_BESIDE` pixels to either side across it."""
    half = _SEGMENT // 2
    reach = _BESIDE[-1]
    out = []
    for index in range(_ANGLES):
        angle = math.pi * index / _ANGLES
        kernel = np.zeros((_SEGMENT, _SEGMENT), np.float32)
        for step in np.linspace(-half, half, 4 * half + 1):
            kernel[int(round(half + step * math.sin(angle))), int(round(half + step * math.cos(angle)))] = 1
        kernel /= kernel.sum()
        beside = np.zeros((2 * reach + 1, 2 * reach + 1), np.uint8)
        for distance in range(_BESIDE[0], reach + 1):
            for sign in (1, -1):
                beside[int(round(reach + sign * distance * math.cos(angle))),
                       int(round(reach - sign * distance * math.sin(angle)))] = 1
        out.append((kernel, beside))
    return tuple(out)


def line_margins(white: np.ndarray, black: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """How far each pixel's best segment stands out from its parallel neighbours, and at
    which orientation.

    Args:
        white, black: (h, w) float32 top-hats of the photo (pooled on large photos).
    Returns:
        ((bright margin, its angle index), (dark margin, its angle index)): margins (h, w)
        float32 in lightness units, indices (h, w) uint8 in [0, `_ANGLES`).
    """
    signed = white - black
    out = []
    for _ in range(2):
        out.append((np.full(signed.shape, -np.inf, np.float32), np.zeros(signed.shape, np.uint8)))
    for index, (kernel, beside) in enumerate(_segments()):
        mean = cv2.filter2D(signed, -1, kernel, borderType=cv2.BORDER_REFLECT)
        brightest = cv2.dilate(mean, beside, borderType=cv2.BORDER_REFLECT)
        darkest = cv2.erode(mean, beside, borderType=cv2.BORDER_REFLECT)
        for (best, angle), margin in zip(out, (mean - brightest, darkest - mean)):
            np.copyto(angle, index, where=margin > best)
            np.maximum(best, margin, out=best)
    return tuple(out)


def _pool(x: np.ndarray, factor: int) -> np.ndarray:
    """Max over `factor` x `factor` blocks (the last ones may be partial)."""
    if factor == 1:
        return x
    return cv2.dilate(x, np.ones((factor, factor), np.uint8), anchor=(0, 0))[::factor, ::factor].copy()


def _unpool(x: np.ndarray, factor: int, height: int, width: int) -> np.ndarray:
    """Repeat each pixel of `x` over a `factor` x `factor` block, cropped to (height, width)."""
    if factor == 1:
        return x
    full = cv2.resize(x, (x.shape[1] * factor, x.shape[0] * factor), interpolation=cv2.INTER_NEAREST)
    return full[:height, :width]


def find_scratches(x: np.ndarray, white: np.ndarray, black: np.ndarray, threshold: float) -> np.ndarray:
    """(H, W) uint8 0/1 mask of the bright and dark scratches of (H, W) float32 `x`.

    Candidates are grouped by orientation (three neighbouring angles at a time), so that
    crossing scratches, or a scratch over a line of the picture, come apart into lines.
    """
    height, width = x.shape
    factor = max(1, math.ceil(math.sqrt(height * width / _LINE_PIXELS)))
    white_small, black_small = _pool(white, factor), _pool(black, factor)
    # The thin detail around each pixel, bright and dark alike.
    texture = cv2.blur(white_small + black_small, (_TEXTURE_WINDOW, _TEXTURE_WINDOW), borderType=cv2.BORDER_REFLECT)
    mask = np.zeros(x.shape, np.uint8)
    for hat, hat_small, (margin, angle) in zip((white, black), (white_small, black_small),
                                               line_margins(white_small, black_small)):
        candidates = (hat_small > WEAK * threshold) & (margin > np.maximum(threshold, _TEXTURE * texture))
        found = np.zeros(candidates.shape, np.uint8)
        lines = []
        for centre in range(0, _ANGLES, 2):
            near = (angle.astype(np.int16) - centre + 1) % _ANGLES <= 2
            group, group_lines = _scratches(candidates & near, x, hat, factor)
            found |= group
            lines += group_lines
        if lines:
            weak = (hat > WEAK * threshold).astype(np.uint8)
            mask |= _unpool(cv2.dilate(found, np.ones((3, 3), np.uint8)), factor, height, width) & weak
            # Pieces on a found line need some line evidence of their own, not just contrast.
            lined = _unpool((margin > WEAK * threshold).astype(np.uint8), factor, height, width)
            mask |= _along(weak & lined, lines)
    return mask


def _scratches(candidates: np.ndarray, x: np.ndarray, hat: np.ndarray,
               factor: int) -> tuple[np.ndarray, list[tuple[float, ...]]]:
    """The long, thin, straight components of `candidates` with alike sides, and their lines.

    Args:
        candidates: (h, w) bool, on the photo pooled by `factor`.
        x, hat: (H, W) float32 photo and top-hat at full size.
    Returns:
        ((h, w) uint8 0/1 mask, [(centre row, centre column, unit row step, unit column
        step, reach)] in full-size pixels), reach being how far from the centre the scratch
        may go on.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(candidates.astype(np.uint8), connectivity=8)
    extent = factor * np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    long_enough = extent >= max(_LENGTH, _SHARE * float(np.hypot(*x.shape)))
    long_enough[0] = False
    if not long_enough.any():
        return np.zeros(candidates.shape, np.uint8), []
    across, along, lines = _axes(labels, count, factor)
    scratch = long_enough & (across <= _THICK + _BOW * along)
    for index in np.nonzero(scratch)[0]:
        rows, cols = np.nonzero(labels == index)
        scratch[index] = _same_sides(rows * factor + factor // 2, cols * factor + factor // 2, lines[index], x, hat)
    return scratch.astype(np.uint8)[labels], [lines[i] for i in np.nonzero(scratch)[0]]


def _same_sides(rows: np.ndarray, cols: np.ndarray, line: tuple[float, ...], x: np.ndarray, hat: np.ndarray) -> bool:
    """Whether the picture `_SIDE_OFFSETS` pixels either side of a line is alike along it (the
    median difference of the two sides under `_SIDES` times the line's median contrast) and
    the line's contrast even (`_EVEN`), sampled at the line's pixels (rows, cols)."""
    if rows.size > _SIDE_SAMPLES:
        keep = np.linspace(0, rows.size - 1, _SIDE_SAMPLES).astype(int)
        rows, cols = rows[keep], cols[keep]
    _, _, step_row, step_col, _ = line
    height, width = x.shape

    def side(sign: float, offset: int) -> np.ndarray:
        r = np.clip(np.round(rows + sign * offset * step_col).astype(int), 0, height - 1)
        c = np.clip(np.round(cols - sign * offset * step_row).astype(int), 0, width - 1)
        return x[r, c]

    difference = max(float(np.median(np.abs(side(1.0, offset) - side(-1.0, offset)))) for offset in _SIDE_OFFSETS)
    contrast = hat[rows, cols]
    low, mid, high = np.percentile(contrast, (25, 50, 75))
    return difference < _SIDES * float(mid) and low >= _EVEN * high


def _axes(labels: np.ndarray, count: int, factor: int) -> tuple[np.ndarray, np.ndarray, list[tuple[float, ...]]]:
    """Each component's spread (std) across and along its main axis, and its line: centre,
    unit direction of the main axis, and reach; in the pixels of the photo `labels` was
    pooled from by `factor`."""
    rows, cols = np.nonzero(labels)
    which = labels[rows, cols]
    n = np.maximum(np.bincount(which, minlength=count), 1).astype(np.float64)
    rows, cols = rows * float(factor) + factor // 2, cols * float(factor) + factor // 2
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
    return np.sqrt(minor), np.sqrt(major), lines


def _along(candidates: np.ndarray, lines: list[tuple[float, ...]]) -> np.ndarray:
    """The pixels of `candidates` within `_LINE_REACH` of one of the lines (uint8 0/1), up
    to the scratch's own length beyond either end."""
    out = np.zeros(candidates.shape, np.uint8)
    rows, cols = np.nonzero(candidates)
    for row, col, step_row, step_col, reach in lines:
        off = np.abs((rows - row) * step_col - (cols - col) * step_row)
        run = np.abs((rows - row) * step_row + (cols - col) * step_col)
        near = (off <= _LINE_REACH) & (run <= reach)
        out[rows[near], cols[near]] = 1
    return out
