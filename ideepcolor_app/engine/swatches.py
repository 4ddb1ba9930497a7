"""Display-ready colours for the GUI and the reference-photo histogram. No Qt.

The GUI never converts colours itself (docs/STYLE.md): it asks here for uint8 sRGB.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ideepcolor_app.color import BinSet, labs_to_rgb_u8, rgb_to_lab, shrink_rgb
from ideepcolor_app.color.gamut import ab_gamut_at
from ideepcolor_app.engine.colorizer import grey_levels_u8
from ideepcolor_app.hints import HintPoint

#: Longest side the reference photo is shrunk to before its histogram is taken.
REFERENCE_MAX_SIDE = 256


def hint_colours_u8(points: Sequence[HintPoint], l_values: Sequence[float]) -> np.ndarray:
    """(N,3) uint8 sRGB of each hint's ab at the lightness of its pixel."""
    return labs_to_rgb_u8(np.array(l_values), np.array([p.ab for p in points]))


def reference_histogram(rgb: np.ndarray) -> tuple[float, ...]:
    """The histogram global hint of a reference photo, in the default bin order.

    Args:
        rgb: (H,W,3) float sRGB in [0, 1] (e.g. `Photo.rgb`).
    Returns:
        One probability per colour bin of `BinSet.default()`, summing to 1.
    """
    x = torch.from_numpy(shrink_rgb(rgb, REFERENCE_MAX_SIDE)).permute(2, 0, 1)[None]
    ab = rgb_to_lab(x)[:, 1:]
    hist = BinSet.default().histogram(ab.double())[0]
    hist = hist / hist.sum()
    return tuple(float(v) for v in hist)


def histogram_image(histogram: tuple[float, ...] | None, cell: int = 6, lightness: float = 70.0) -> np.ndarray:
    """Draw a histogram hint on the a*b* grid: each bin in its colour, faded by its probability.

    Returns:
        (n*cell, n*cell, 3) uint8 sRGB, b* increasing upwards, a* to the right (n = grid side);
        plain white for None.
    """
    bins = BinSet.default()
    n = int(round(bins.num_bins**0.5))
    if histogram is None:
        return np.full((n * cell, n * cell, 3), 255, dtype=np.uint8)
    probs = np.asarray(histogram, dtype=np.float64)
    weight = np.sqrt(probs / max(probs.max(), 1e-12))  # sqrt: small bins stay visible
    centres = bins.centres.cpu().numpy()
    colours = labs_to_rgb_u8(np.full(len(centres), lightness), centres).astype(np.float64)
    mixed = 255.0 - weight[:, None] * (255.0 - colours)
    image = np.zeros((n, n, 3), dtype=np.uint8)
    step = (centres[:, 0].max() - centres[:, 0].min()) / (n - 1)
    cols = np.round((centres[:, 0] - centres[:, 0].min()) / step).astype(int)
    rows = (n - 1) - np.round((centres[:, 1] - centres[:, 1].min()) / step).astype(int)
    image[rows, cols] = np.round(mixed).astype(np.uint8)
    return np.repeat(np.repeat(image, cell, axis=0), cell, axis=1)


def gamut_bounds(
    lightness: float, pad: float = 0.08, min_span: float = 24.0, ab_max: float = 110.0
) -> tuple[float, float, float, float]:
    """The ab box (a_min, a_max, b_min, b_max) around the sRGB gamut at `lightness`, padded.

    Near L 0 or L 100 the displayable colours shrink to a small region (at L 97: a sliver from
    grey towards yellow); a picker that shows this box shows them large instead of as a sliver
    in an empty ±110 plot. Each side is padded by `pad` of the span, each span is at least
    `min_span`, and the box stays within ±`ab_max`.
    """
    values, _, mask = ab_gamut_at(float(min(100.0, max(0.0, lightness))), step=1.0, ab_max=ab_max)
    rows, cols = np.nonzero(mask.numpy())
    v = values.numpy()
    if len(rows) == 0:
        a0 = a1 = b0 = b1 = 0.0
    else:
        a0, a1, b0, b1 = float(v[cols].min()), float(v[cols].max()), float(v[rows].min()), float(v[rows].max())
    box = []
    for low, high in ((a0, a1), (b0, b1)):
        span = max(min_span, (high - low) * (1.0 + 2.0 * pad))
        centre = 0.5 * (low + high)
        low, high = centre - span / 2, centre + span / 2
        shift = max(0.0, -ab_max - low) - max(0.0, high - ab_max)
        box += [max(-ab_max, low + shift), min(ab_max, high + shift)]
    return box[0], box[1], box[2], box[3]


#: What the loupe shows beyond the photo's edge (a dark grey apart from any photo grey).
LOUPE_OUTSIDE_RGB = (40, 40, 48)


@dataclass(frozen=True, eq=False)
class LoupePatch:
    """The pixels around one photo pixel, for the GUI's magnifier.

    Attributes:
        rgb_u8: (2r+1, 2r+1, 3) uint8 neutral sRGB of the photo's L, centred on the pixel;
            `LOUPE_OUTSIDE_RGB` beyond the photo's edge.
        l_value: CIELAB L in [0, 100] of the centre pixel.
        row, col: the centre pixel.
    """

    rgb_u8: np.ndarray
    l_value: float
    row: int
    col: int


def loupe_patch(l_full: np.ndarray, x: float, y: float, radius: int = 7) -> LoupePatch:
    """The loupe's view of photo point (x, y) (photo pixels, x right, y down; clamped inside).

    Args:
        l_full: (H,W) float32 CIELAB L in [0, 100].
        radius: pixels shown on each side of the centre pixel.
    """
    height, width = l_full.shape
    row = min(height - 1, max(0, int(np.floor(y))))
    col = min(width - 1, max(0, int(np.floor(x))))
    side = 2 * radius + 1
    l_patch = np.full((side, side), np.nan, dtype=np.float64)
    r0, r1 = max(0, row - radius), min(height, row + radius + 1)
    c0, c1 = max(0, col - radius), min(width, col + radius + 1)
    l_patch[r0 - row + radius : r1 - row + radius, c0 - col + radius : c1 - col + radius] = l_full[r0:r1, c0:c1]
    inside = ~np.isnan(l_patch)
    rgb = np.empty((side, side, 3), dtype=np.uint8)
    rgb[:] = LOUPE_OUTSIDE_RGB
    rgb[inside] = grey_levels_u8(l_patch[inside])[:, None]  # the greys the input view shows
    return LoupePatch(rgb, float(l_full[row, col]), row, col)
