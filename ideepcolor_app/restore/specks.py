"""Dust specks: small, compact, contrasted blobs that stand alone.

Every component of the top-hat above the contrast threshold that fits in the structuring
element, stands out from every pixel around it (`_CLOSED`: the corner of a shape, which the
top-hat also keeps, opens onto the shape) and has at most `_CROWDED` others near it (dust is
sparse, sparkling texture is not) is a candidate. Whether it is a speck or the picture's own
small detail (a glint, an eye, a leaf, a window) is decided by a logistic score of nine
measurements, all relative to the candidate's own surroundings so that no value of the
damage itself is assumed:

* ``log contrast``: the top-hat's peak;
* ``log area`` and ``extent`` (longest side): dust is a filled, compact blob, while picture
  detail that survives the threshold is mostly one or two pixels or a thin sliver;
* ``log calm``: the peak over how much the background (the photo with thin details taken
  away, less its 5 x 5 median, so shading and edges are left out) varies around it;
* ``ring``: the largest weaker thin detail (no candidate) within `_RING` pixels, over the
  peak, and ``log crowd``: how many other candidates are that close (texture has neighbours
  as strong as itself, a speck does not);
* ``log contrast / noise``: the peak against the grain left in the photo;
* ``opposite``: the strongest thin detail of the other polarity within `_RING` pixels, over
  the peak (the light between a jaguar's spots has dark spots right beside it);
* ``level``: the core's mean top-hat over its peak (dust is flat-topped, an opaque blob).

The weights are fitted by ``python -m training.restore_fit`` on the training photos with
broad synthetic dust (sizes, opacities and values wider than the evaluation's, and photos
with none), weighting each candidate by the squared error its fill would remove (a speck) or
add (a detail) over the error its photo keeps, so the score trades PSNR gained on dust
against PSNR lost on clean detail, where a clean photo has the most to lose.
"""

from __future__ import annotations

import cv2
import numpy as np

# Logistic weights over FEATURES after standardising with _MEAN and _STD, then the bias
# (python -m training.restore_fit).
_MEAN = np.array([-1.455, 1.281, 3.273, 2.815, 0.4626, 0.8644, 4.062, 1.579, 0.8676], np.float32)
_STD = np.array([0.3196, 1.066, 2.258, 0.7789, 0.2558, 0.4931, 1.097, 0.9269, 0.1249], np.float32)
_WEIGHTS = np.array([0.9291, 3.825, -1.799, 0.6492, -0.7704, -0.5519, -0.2857, -2.14, 3.156], np.float32)
_BIAS = np.float32(-6.334)
# `log calm` is capped here (a ratio of 150): a perfectly flat background, as only a generated
# image has, would otherwise outweigh everything else.
_CALMEST = np.float32(5.0)
# The neighbourhood of `ring` and `crowd`.
_RING = 15
# Weak thin detail (part of a speck's soft edge, or the surroundings' detail): this share of
# the threshold.
WEAK = 0.5
# Dust is sparse: a candidate with more than this many others within `_RING` pixels is texture.
_CROWDED = 3
# A candidate's core must stand out from every pixel just outside it by this share of its peak.
_CLOSED = 0.2
FEATURES = (
    "log contrast",
    "log area",
    "extent",
    "log calm",
    "ring",
    "log crowd",
    "log contrast/noise",
    "opposite",
    "level",
)


def speck_candidates(
    x: np.ndarray, hat: np.ndarray, other: np.ndarray, sign: int, threshold: float, noise: float, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The speck candidates of one polarity and their measurements.

    Args:
        x: (H, W) float32 lightness in [0, 1].
        hat: (H, W) float32 white (sign -1) or black (sign +1) top-hat of `x`.
        other: the top-hat of the other polarity.
        sign: -1 for bright defects, +1 for dark ones (the background is x + sign * hat).
        threshold: least contrast of a candidate's core.
        noise: the grain std left in `x`.
        size: the structuring element's diameter; candidates fit in a size x size box.
    Returns:
        (labels (H, W) int32 of the core components, their ids (N,) int, features (N, 9)
        float32 in the order of `FEATURES`).
    """
    core = (hat > threshold).astype(np.uint8)
    count, components, stats, _ = cv2.connectedComponentsWithStats(core, connectivity=8)
    labels = np.asarray(components, np.int32)  # OpenCV's own int32 ids, typed as such
    extent = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    if count == 1:
        return labels, np.zeros(0, np.int64), np.zeros((0, len(FEATURES)), np.float32)
    rows, cols = np.nonzero(core)
    peak_rows, peak_cols = _peaks(rows, cols, labels, hat, count)
    # The most speck-like pixel just outside each core (`_CLOSED`).
    bright = np.float32(-sign) * x
    outside = cv2.dilate(np.where(core > 0, np.float32(-np.inf), bright), np.ones((3, 3), np.uint8))
    rim = np.full(count, -np.inf, np.float32)
    np.maximum.at(rim, labels[rows, cols], outside[rows, cols])
    closed = (bright[peak_rows, peak_cols] - rim) / np.maximum(hat[peak_rows, peak_cols], np.float32(1e-6))
    ids = np.nonzero((extent[1:] <= size) & (closed[1:] > _CLOSED))[0] + 1
    if ids.size == 0:
        return labels, ids, np.zeros((0, len(FEATURES)), np.float32)
    pr, pc = peak_rows[ids], peak_cols[ids]
    peak = hat[pr, pc]

    background = x + np.float32(sign) * hat
    background -= cv2.medianBlur(background, 5)  # texture stays, shading and edges go
    window = (2 * size + 1,) * 2
    variance = cv2.boxFilter(background * background, -1, window, borderType=cv2.BORDER_REFLECT)
    grown = cv2.dilate(core, np.ones((5, 5), np.uint8))
    others = hat * (1 - grown)
    ring = cv2.dilate(others, np.ones((_RING, _RING), np.uint8))[pr, pc] / peak
    peaks = np.zeros(x.shape, np.float32)
    peaks[peak_rows[1:], peak_cols[1:]] = 1
    crowd = cv2.boxFilter(peaks, -1, (_RING, _RING), normalize=False, borderType=cv2.BORDER_CONSTANT)[pr, pc] - 1
    opposite = cv2.dilate(other, np.ones((_RING, _RING), np.uint8))[pr, pc] / peak
    area = stats[ids, cv2.CC_STAT_AREA].astype(np.float32)
    level = np.bincount(labels[rows, cols], hat[rows, cols], count)[ids].astype(np.float32) / area / peak
    features = np.stack(
        [
            np.log(peak),
            np.log(area),
            extent[ids].astype(np.float32),
            np.minimum(np.log(peak / np.sqrt(variance[pr, pc] + np.float32(1e-9)) + np.float32(1e-3)), _CALMEST),
            ring,
            np.log1p(np.maximum(crowd, 0)),
            np.log(peak / np.float32(noise + 1e-3)),
            opposite,
            level,
        ],
        axis=1,
    ).astype(np.float32)
    sparse = crowd <= _CROWDED
    return labels, ids[sparse], features[sparse]


def _peaks(
    rows: np.ndarray, cols: np.ndarray, labels: np.ndarray, hat: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each component's highest pixel, of the core pixels (rows, cols)
    (entry 0, the background, is 0, 0)."""
    order = np.argsort(hat[rows, cols], kind="stable")
    peak_at = np.zeros(count, np.int64)
    peak_at[labels[rows, cols][order]] = order  # the last write per component is its highest pixel
    return rows[peak_at], cols[peak_at]


def speck_score(features: np.ndarray) -> np.ndarray:
    """The logistic score (log-odds that filling helps) of each candidate, (N,) float32."""
    return ((features - _MEAN) / _STD) @ _WEIGHTS + _BIAS


def find_specks(
    x: np.ndarray, hat: np.ndarray, other: np.ndarray, sign: int, threshold: float, noise: float, size: int
) -> np.ndarray:
    """(H, W) uint8 0/1 mask of the specks of one polarity, with their soft edges."""
    labels, ids, features = speck_candidates(x, hat, other, sign, threshold, noise, size)
    chosen = np.zeros(int(labels.max()) + 1, bool)
    chosen[ids[speck_score(features) > 0]] = True
    if not chosen.any():
        return np.zeros(x.shape, np.uint8)
    mask = chosen.astype(np.uint8)[labels]
    soft = (hat > WEAK * threshold).astype(np.uint8)  # the speck's soft edge
    grown = np.asarray(cv2.dilate(mask, np.ones((5, 5), np.uint8)), np.uint8)
    return mask | (grown & soft)
