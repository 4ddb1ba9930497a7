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
orientations at a time so that crossing lines come apart. A component is a candidate when it
is

* long: `_LENGTH` pixels and `_SHARE` of the photo's diagonal or more;
* thin and nearly straight: the spread across its main axis under `_THICK` pixels plus
  `_BOW` of the spread along it (a slight bow is allowed, a curve or a blob is not);
* lying across the picture: the picture `_SIDE_OFFSETS` pixels either side is alike (under
  `_SIDES` of its contrast: the edge of a shelf or a waterline has different sides; under
  `_LEVEL_SIDES` when it lies within `_LEVEL` slant of level or upright, as the picture's own
  edges mostly do and scratches seldom, so that a dark waterline between a lit wall and the
  water is no candidate), and its contrast is even enough (`_EVEN`: a crack in rock comes and
  goes).

Whether a candidate is a scratch or a line of the picture (a ceiling light, an oven door, a
roof seam) is then decided by a logistic score of measurements relative to its surroundings
(`FEATURES`): its length over the diagonal, width, and bow (width over length); its margin
over the parallel lines beside it, its top-hat contrast, how even that is, and its margin
over the thin detail around it; how alike its two sides are at `_SIDE_OFFSETS` and at
`_FAR` pixels, over its contrast; how much of its length it covers; how far it leans from
the horizontal and vertical (``slant``: the picture's long straight lines, a waterline,
a ceiling light, a pillar, mostly lie along them, and scratches at any angle); and the
strongest thin detail of the other polarity within `_OPPOSITE` pixels across it, over its
contrast (a fixture or a ledge has its shadow beside it, a scratch has none). The weights
are fitted by ``python -m training.restore_fit --scratches --every 1`` on the training
photos with broad synthetic scratches (widths, angles, bows, opacities, crossings, and
photos with none), weighting each candidate by the squared error its fill removes or adds
over the error its photo keeps (about the PSNR it gains or loses, so a false line on a
clean photo counts).

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
_SIDES = 0.3
_LEVEL = 0.1
_LEVEL_SIDES = 0.2
_EVEN = 0.3
_SIDE_OFFSETS = (5, 10)
_FAR = 20
_SIDE_SAMPLES = 400
_LINE_REACH = 1.5
_OPPOSITE = 4
FEATURES = (
    "log length / diagonal",
    "width",
    "bow",
    "log margin",
    "log contrast",
    "sides",
    "far sides",
    "evenness",
    "log margin / texture",
    "cover",
    "slant",
    "opposite",
)
# Logistic weights over FEATURES after standardising with _MEAN and _STD, then the bias
# (python -m training.restore_fit --scratches --every 1), fitted before the `_LEVEL_SIDES`
# limit took about 30 of its 1329 candidates away: a refit with it scores a little lower on val
# (scratches +4.15 dB against +4.16, all +3.43 against +3.47, clean mean 56.60 against 57.83).
_MEAN = np.array(
    [-2.011, 0.739, 0.02292, -1.133, -0.984, 0.08824, 0.1783, 0.7837, 1.181, 1.764, 0.5732, 0.1394], np.float32
)
_STD = np.array(
    [0.5498, 0.6632, 0.01136, 0.3675, 0.3648, 0.06971, 0.2226, 0.1342, 0.2458, 0.3812, 0.3231, 0.095], np.float32
)
_WEIGHTS = np.array(
    [0.501, 0.8876, -0.3063, 0.4753, -1.228, 0.5312, -0.1837, 0.881, 0.152, 1.019, 1.324, -1.677], np.float32
)
_BIAS = np.float32(3.475)


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
                beside[
                    int(round(reach + sign * distance * math.cos(angle))),
                    int(round(reach - sign * distance * math.sin(angle))),
                ] = 1
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
        for (best, angle), margin in zip(out, (mean - brightest, darkest - mean), strict=True):
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


def scratch_candidates(
    x: np.ndarray, white: np.ndarray, black: np.ndarray, threshold: float
) -> tuple[int, tuple, list[tuple]]:
    """The long line candidates of both polarities and their measurements.

    Thin pixels whose margin is above the threshold are grouped into components, one group of
    three neighbouring orientations at a time, so that crossing scratches, or a scratch over a
    line of the picture, come apart into lines; the long, thin, nearly straight components
    with alike sides and even contrast are candidates (see the module's docstring).

    Returns:
        (the pooling factor, the pooled `line_margins`, [(polarity 0 bright / 1 dark, (row, col) slices of its box on
        the pooled photo, (h, w) bool mask in the box, line, features (`FEATURES`,) float32)]),
        the line as in `_axes`.
    """
    height, width = x.shape
    factor = max(1, math.ceil(math.sqrt(height * width / _LINE_PIXELS)))
    white_small, black_small = _pool(white, factor), _pool(black, factor)
    # The thin detail around each pixel, bright and dark alike.
    texture = cv2.blur(white_small + black_small, (_TEXTURE_WINDOW, _TEXTURE_WINDOW), borderType=cv2.BORDER_REFLECT)
    diagonal = float(np.hypot(height, width))
    out = []
    margins = line_margins(white_small, black_small)
    pairs = zip((white, black), (white_small, black_small), margins, strict=True)
    for polarity, (hat, hat_small, (margin, angle)) in enumerate(pairs):
        candidates = (hat_small > WEAK * threshold) & (margin > np.maximum(threshold, _TEXTURE * texture))
        for centre in range(0, _ANGLES, 2):
            near = (angle.astype(np.int16) - centre + 1) % _ANGLES <= 2
            count, labels, stats, _ = cv2.connectedComponentsWithStats(
                (candidates & near).astype(np.uint8), connectivity=8
            )
            extent = factor * np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
            long_enough = extent >= max(_LENGTH, _SHARE * diagonal)
            long_enough[0] = False
            if not long_enough.any():
                continue
            across, along, lines = _axes(labels, count, factor)
            for index in np.nonzero(long_enough & (across <= _THICK + _BOW * along))[0]:
                left, top, w, h = stats[index, :4]
                box = (slice(top, top + h), slice(left, left + w))
                inside = labels[box] == index
                rows, cols = np.nonzero(inside)
                rows, cols = rows + top, cols + left
                other = (black, white)[polarity]
                features = _measure(
                    rows,
                    cols,
                    lines[index],
                    x,
                    hat,
                    other,
                    margin,
                    texture,
                    factor,
                    float(across[index]),
                    float(along[index]),
                    diagonal,
                )
                if _across_picture(features):
                    out.append((polarity, box, inside, lines[index], features))
    return factor, margins, out


def _across_picture(features: np.ndarray) -> bool:
    """Whether a line with these `FEATURES` lies across the picture: alike sides (under
    `_SIDES` of its contrast, `_LEVEL_SIDES` when it lies within `_LEVEL` slant of level or
    upright, where the picture's own edges mostly lie) and even enough contrast."""
    limit = _LEVEL_SIDES if features[FEATURES.index("slant")] < _LEVEL else _SIDES
    return features[FEATURES.index("sides")] < limit and features[FEATURES.index("evenness")] >= _EVEN


def _measure(
    rows: np.ndarray,
    cols: np.ndarray,
    line: tuple[float, ...],
    x: np.ndarray,
    hat: np.ndarray,
    other: np.ndarray,
    margin: np.ndarray,
    texture: np.ndarray,
    factor: int,
    across: float,
    along: float,
    diagonal: float,
) -> np.ndarray:
    """The `FEATURES` of one candidate line with pooled pixels (rows, cols); `other` is the
    top-hat of the other polarity."""
    count = rows.size
    if rows.size > _SIDE_SAMPLES:
        keep = np.linspace(0, rows.size - 1, _SIDE_SAMPLES).astype(int)
        rows, cols = rows[keep], cols[keep]
    full_rows, full_cols = rows * factor + factor // 2, cols * factor + factor // 2
    _, _, step_row, step_col, _ = line
    height, width = x.shape

    def side(sign: float, offset: int, plane: np.ndarray = x) -> np.ndarray:
        r = np.clip(np.round(full_rows + sign * offset * step_col).astype(int), 0, height - 1)
        c = np.clip(np.round(full_cols - sign * offset * step_row).astype(int), 0, width - 1)
        return plane[r, c]

    contrast = hat[full_rows, full_cols]
    low, mid, high = np.percentile(contrast, (25, 50, 75))
    mid = max(float(mid), 1e-3)
    sides = [float(np.median(np.abs(side(1.0, o) - side(-1.0, o)))) / mid for o in _SIDE_OFFSETS + (_FAR,)]
    stand_out = float(np.median(margin[rows, cols]))
    beside = np.max([side(1.0, o, other) for o in range(-_OPPOSITE, _OPPOSITE + 1)], axis=0)
    length = 2 * math.sqrt(3) * along
    return np.array(
        [
            math.log(length / diagonal),
            across,
            across / max(along, 1.0),
            math.log(max(stand_out, 1e-3)),
            math.log(mid),
            max(sides[:-1]),
            sides[-1],
            low / max(float(high), 1e-3),
            math.log(max(stand_out, 1e-3) / (float(np.median(texture[rows, cols])) + 1e-3)),
            min(count * factor / max(length, 1.0), 3.0),
            abs(2 * step_row * step_col),
            float(np.median(beside)) / mid,
        ],
        np.float32,
    )


def scratch_score(features: np.ndarray) -> np.ndarray:
    """The logistic score (log-odds that filling helps) of each candidate, (N,) float32."""
    return ((features - _MEAN) / _STD) @ _WEIGHTS + _BIAS


def find_scratches(x: np.ndarray, white: np.ndarray, black: np.ndarray, threshold: float) -> np.ndarray:
    """(H, W) uint8 0/1 mask of the bright and dark scratches of (H, W) float32 `x`: the
    candidates of positive score, and the pieces on their lines."""
    height, width = x.shape
    factor, margins, candidates = scratch_candidates(x, white, black, threshold)
    mask = np.zeros(x.shape, np.uint8)
    if not candidates:
        return mask
    chosen = scratch_score(np.stack([c[4] for c in candidates])) > 0
    small = (height + factor - 1) // factor, (width + factor - 1) // factor
    for polarity, hat in enumerate((white, black)):
        found = np.zeros(small, np.uint8)
        lines = []
        for (which, box, inside, line, _), keep in zip(candidates, chosen, strict=True):
            if keep and which == polarity:
                found[box] |= inside.astype(np.uint8)
                lines.append(line)
        if lines:
            weak = (hat > WEAK * threshold).astype(np.uint8)
            mask |= _unpool(cv2.dilate(found, np.ones((3, 3), np.uint8)), factor, height, width) & weak
            # Pieces on a found line need some line evidence of their own, not just contrast.
            lined = _unpool((margins[polarity][0] > WEAK * threshold).astype(np.uint8), factor, height, width)
            mask |= _along(weak & lined, lines)
    return mask


def _axes(labels: np.ndarray, count: int, factor: int) -> tuple[np.ndarray, np.ndarray, list[tuple[float, ...]]]:
    """Each component's spread (std) across and along its main axis, and its line: centre,
    unit direction of the main axis, and reach; in the pixels of the photo `labels` was
    pooled from by `factor`."""
    rows, cols = np.nonzero(labels)
    which = labels[rows, cols]
    n = np.maximum(np.bincount(which, minlength=count), 1).astype(np.float64)
    ys, xs = rows * float(factor) + factor // 2, cols * float(factor) + factor // 2
    my, mx = np.bincount(which, ys, count) / n, np.bincount(which, xs, count) / n
    syy = np.bincount(which, ys * ys, count) / n - my * my
    sxx = np.bincount(which, xs * xs, count) / n - mx * mx
    sxy = np.bincount(which, ys * xs, count) / n - my * mx
    half_trace, det = (sxx + syy) / 2, sxx * syy - sxy * sxy
    root = np.sqrt(np.maximum(half_trace * half_trace - det, 0))
    major, minor = half_trace + root, np.maximum(half_trace - root, 0)
    angle = 0.5 * np.arctan2(2 * sxy, sxx - syy)  # of the major axis, from the column axis
    # Half the length of a uniform segment is sqrt(3) standard deviations; reach one more length.
    reach = 3 * np.sqrt(3 * major)
    lines: list[tuple[float, ...]] = list(zip(my, mx, np.sin(angle), np.cos(angle), reach, strict=True))
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
