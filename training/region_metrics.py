"""Quality measures over parts of a photo: blotches inside one object, and colour on faces.

PSNR and colourfulness average over the whole photo, so a plain wall painted half blue and
half red can score as well as one painted a single plausible colour. These measures look
inside regions the truth says are one thing: a flat region (`flat_regions`) should get one
hue (`blotch_scores`), and a face should get the truth's skin colour (`face_ab_error`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import ndimage

#: Largest change of the truth's L per pixel (after a 1 px Gaussian) inside a flat region.
FLAT_L_STEP = 2.0
#: Largest change of the truth's ab per pixel (same smoothing) inside a flat region.
FLAT_AB_STEP = 2.0
#: Smallest region, as a share of the photo: smaller ones are texture, not objects.
MIN_REGION_SHARE = 0.004
#: A region whose truth ab has an RMS spread above this (ab units) drifted across several
#: colours through gentle steps; it is not one object and is left out.
MAX_TRUTH_SPREAD = 6.0
#: Incoherent chroma (ab units, see `blotch_scores`) above which a region counts as blotched.
BLOTCH_CHROMA = 3.0
#: Faces are scored on the middle of the detector's box (this share of its width and height),
#: which is skin; the box's edges hold hair and background.
FACE_CORE = 0.6


def flat_regions(
    l: np.ndarray,
    true_ab: np.ndarray,
    l_step: float = FLAT_L_STEP,
    ab_step: float = FLAT_AB_STEP,
    min_share: float = MIN_REGION_SHARE,
    max_spread: float = MAX_TRUTH_SPREAD,
) -> np.ndarray:
    """Label the regions that the truth shows as one flat object (a wall, a sky, a dress).

    Pixels where neither the truth's L nor its ab changes by more than a step per pixel are
    flat; flat pixels are eroded by one pixel (so colour bleeding across an edge does not
    count) and joined into 4-connected regions. Small regions and regions whose truth drifts
    across colours are dropped.

    Args:
        l: (H,W) CIELAB L of the truth in [0, 100].
        true_ab: (2,H,W) CIELAB ab of the truth.
    Returns:
        (H,W) int32 labels: 0 outside every region, 1..n inside.
    """
    l = np.asarray(l, np.float64)
    true_ab = np.asarray(true_ab, np.float64)
    if l.ndim != 2 or true_ab.shape != (2, *l.shape):
        raise ValueError(f"l must be (H,W) and true_ab (2,H,W); got {l.shape} and {true_ab.shape}")
    step_l = _step(ndimage.gaussian_filter(l, 1.0))
    step_ab = np.hypot(*(_step(ndimage.gaussian_filter(c, 1.0)) for c in true_ab))
    flat = ndimage.binary_erosion((step_l < l_step) & (step_ab < ab_step), border_value=1)
    labels, count = ndimage.label(flat)
    keep = np.zeros(count + 1, bool)
    min_pixels = max(16, int(min_share * l.size))
    index = np.arange(1, count + 1)
    sizes = ndimage.sum_labels(np.ones_like(l), labels, index)
    means = [ndimage.mean(c, labels, index) for c in true_ab]
    squares = ndimage.mean((true_ab**2).sum(0), labels, index)
    spread = np.sqrt(np.maximum(squares - means[0] ** 2 - means[1] ** 2, 0.0))
    keep[1:] = (sizes >= min_pixels) & (spread <= max_spread)
    kept = np.flatnonzero(keep)
    relabel = np.zeros(count + 1, np.int32)
    relabel[kept] = np.arange(1, kept.size + 1)
    return relabel[labels]


def _step(x: np.ndarray) -> np.ndarray:
    """Per-pixel change (gradient magnitude, central differences) of an (H,W) array."""
    rows, cols = np.gradient(x)
    return np.hypot(rows, cols)


def blotch_scores(pred_ab: np.ndarray, labels: np.ndarray, limit: float = BLOTCH_CHROMA) -> tuple[float, float] | None:
    """How much of the flat regions' colour disagrees in hue within its region.

    In each region, the incoherent chroma is the mean chroma minus the chroma of the mean
    colour: 0 when every pixel has one hue (whatever its chroma; grey pixels beside coloured
    ones do not count), and as large as the chroma when two far hues share the region (a
    blue wall with red patches, a sky banded magenta and cyan).

    Args:
        pred_ab: (2,H,W) CIELAB ab of the result.
        labels: (H,W) from `flat_regions`.
        limit: incoherent chroma above which a region counts as blotched.
    Returns:
        (share of the regions' area that is blotched in [0, 1], area-weighted mean incoherent
        chroma in ab units), or None when there is no region.

    Example:
        >>> labels = np.ones((4, 4), np.int32)
        >>> ab = np.zeros((2, 4, 4)); ab[0, :, :2] = 20.0; ab[0, :, 2:] = -20.0
        >>> blotch_scores(ab, labels)  # red beside cyan: mean chroma 20, mean colour grey
        (1.0, 20.0)
    """
    pred_ab = np.asarray(pred_ab, np.float64)
    count = int(labels.max())
    if count == 0:
        return None
    index = np.arange(1, count + 1)
    sizes = ndimage.sum_labels(np.ones(labels.shape), labels, index)
    chroma = ndimage.mean(np.hypot(*pred_ab), labels, index)
    mean_a, mean_b = (ndimage.mean(c, labels, index) for c in pred_ab)
    incoherent = np.maximum(chroma - np.hypot(mean_a, mean_b), 0.0)
    area = sizes.sum()
    return float(sizes[incoherent > limit].sum() / area), float((sizes * incoherent).sum() / area)


def face_ab_error(
    pred_ab: np.ndarray, true_ab: np.ndarray, boxes: Sequence[Sequence[float]], core: float = FACE_CORE
) -> float | None:
    """Mean ab distance between result and truth on the faces.

    Args:
        pred_ab, true_ab: (2,H,W) CIELAB ab.
        boxes: face boxes (x0, y0, x1, y1) as fractions of the photo's width and height (so
            boxes found on the photo at any size map onto the H x W grid).
        core: the share of each box's width and height, around its centre, that is scored.
    Returns:
        The mean over every face pixel, or None without faces.

    Example:
        >>> truth = np.zeros((2, 10, 10)); pred = truth.copy(); pred[0, 4:6, 4:6] = 8.0
        >>> face_ab_error(pred, truth, [(0.3, 0.3, 0.7, 0.7)], core=0.5)  # rows/cols 4-5
        8.0
    """
    pred_ab, true_ab = np.asarray(pred_ab, np.float64), np.asarray(true_ab, np.float64)
    h, w = pred_ab.shape[1:]
    inside = np.zeros((h, w), bool)
    for x0, y0, x1, y1 in boxes:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        hw, hh = core * (x1 - x0) / 2, core * (y1 - y0) / 2
        r0, r1 = int(round((cy - hh) * h)), int(round((cy + hh) * h))
        c0, c1 = int(round((cx - hw) * w)), int(round((cx + hw) * w))
        inside[max(r0, 0) : max(r1, r0 + 1), max(c0, 0) : max(c1, c0 + 1)] = True
    if not inside.any():
        return None
    return float(np.hypot(*(pred_ab - true_ab)[:, inside]).mean())
