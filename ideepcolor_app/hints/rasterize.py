"""Turn `Hints` into the tensors a hint-conditioned network takes, at the working resolution.

Coordinates. A point (x, y) in original-image pixels (origin at the image's top-left corner,
see `ideepcolor_app.hints.model`) maps to the continuous working-grid position
``col = x * w / width``, ``row = y * h / height``. Its patch of side P is the P x P block of
working pixels whose top-left pixel is ``(floor(row - P / 2 + 0.5), floor(col - P / 2 + 0.5))``
(``round(centre - P / 2)``, halves rounded up), clipped at the borders. So the patch is the
block of P pixels per axis whose centres are nearest the point: for an odd P and a point at a
pixel centre ``c + 0.5`` it spans ``c - (P - 1) / 2 .. c + (P - 1) / 2``; for an even P it is
centred on the nearest grid line, e.g. P = 2 at ``c + 0.5`` covers ``c`` and ``c + 1``.
A point at ``c + P / 2`` (as `simulate` writes them) gives the patch starting at ``c``.

Colour strokes are painted first, oldest first (`colour_strokes.rasterize_stroke`: a brush of
diameter `size` working pixels swept along the path), then the points over them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ideepcolor_app.color.norm import normalize_ab
from ideepcolor_app.hints.colour_strokes import rasterize_stroke
from ideepcolor_app.hints.model import HintPoint, Hints

__all__ = ["HintTensors", "patch_bounds", "point_to_working", "rasterize_hints"]

#: Network scale of ab (docs/DESIGN.md: networks see ab / 110).


@dataclass(frozen=True, eq=False)
class HintTensors:
    """Hints as network inputs at the working resolution (h, w), batch of one, on the CPU.

    Attributes:
        ab: (1,2,h,w) float32, CIELAB a*, b*; zero where there is no hint.
        mask: (1,1,h,w) float32; 1.0 inside hint patches, else 0.0.
        histogram: (1,Q) float32 colour-bin probabilities, or None when switched off.
        saturation: (1,1) float32 mean HSV saturation in [0, 1], or None when switched off.
    """

    ab: torch.Tensor
    mask: torch.Tensor
    histogram: torch.Tensor | None = None
    saturation: torch.Tensor | None = None

    @property
    def ab_norm(self) -> torch.Tensor:
        """(1,2,h,w) float32: `ab` at network scale, ab / 110 (for training code)."""
        return normalize_ab(self.ab)

    def to(self, device: str | torch.device) -> HintTensors:
        """Return the same tensors on `device`."""
        return HintTensors(
            self.ab.to(device),
            self.mask.to(device),
            None if self.histogram is None else self.histogram.to(device),
            None if self.saturation is None else self.saturation.to(device),
        )


def _check_hw(working_hw: tuple[int, int]) -> tuple[int, int]:
    h, w = (int(v) for v in working_hw)
    if h < 1 or w < 1 or tuple(working_hw) != (h, w):
        raise ValueError(f"working size must be two positive integers (h, w), got {working_hw!r}")
    return h, w


def point_to_working(
    xy: tuple[float, float], image_wh: tuple[int, int], working_hw: tuple[int, int]
) -> tuple[float, float]:
    """Map a point from original-image pixels to continuous working-grid coordinates.

    Args:
        xy: (x, y) in original-image pixels, origin at the image's top-left corner.
        image_wh: (width, height) of the original image, as in `Hints`.
        working_hw: (h, w) of the working grid, as in tensor shapes.

    Returns:
        (col, row), continuous, same convention: ``(x * w / width, y * h / height)``.

    Example:
        >>> point_to_working((1500.0, 1000.0), (3000, 2000), (256, 256))
        (128.0, 128.0)
    """
    x, y = xy
    width, height = image_wh
    h, w = working_hw
    return x * w / width, y * h / height


def patch_bounds(
    point: HintPoint, image_wh: tuple[int, int], working_hw: tuple[int, int]
) -> tuple[int, int, int, int] | None:
    """Return the working-grid pixels a point's patch covers, clipped at the borders.

    Args:
        point: the hint, in original-image pixels.
        image_wh: (width, height) of the original image.
        working_hw: (h, w) of the working grid.

    Returns:
        (row0, row1, col0, col1), half-open: rows row0 <= r < row1, columns col0 <= c < col1;
        or None if the patch falls entirely outside the grid.
    """
    h, w = working_hw
    col, row = point_to_working((point.x, point.y), image_wh, working_hw)
    top = math.floor(row - point.size / 2 + 0.5)
    left = math.floor(col - point.size / 2 + 0.5)
    row0, row1 = max(top, 0), min(top + point.size, h)
    col0, col1 = max(left, 0), min(left + point.size, w)
    if row0 >= row1 or col0 >= col1:
        return None
    return row0, row1, col0, col1


def rasterize_hints(hints: Hints, size: tuple[int, int]) -> HintTensors:
    """Paint `hints` onto a working grid of `size` = (h, w).

    Each colour stroke becomes the pixels its brush covers, then each point a patch (see the
    module docstring), filled with its ab, mask 1; where they overlap, points overwrite strokes
    and later ones earlier ones. The photo's aspect ratio need not
    match the grid's: x and y scale separately, as the photo itself is resized.

    Args:
        hints: the hints, in original-image coordinates.
        size: (h, w) of the working grid.

    Returns:
        HintTensors with ab (1,2,h,w), mask (1,1,h,w), histogram (1,Q) or None,
        saturation (1,1) or None; float32 on the CPU.
    """
    h, w = _check_hw(size)
    image_wh = (hints.width, hints.height)
    ab = np.zeros((1, 2, h, w), dtype=np.float32)
    mask = np.zeros((1, 1, h, w), dtype=np.float32)
    for stroke in hints.strokes:
        covered = rasterize_stroke(stroke, image_wh, (h, w))
        ab[0, :, covered] = np.asarray(stroke.ab, dtype=np.float32)
        mask[0, 0, covered] = 1.0
    for point in hints.points:
        bounds = patch_bounds(point, image_wh, (h, w))
        if bounds is None:
            continue
        r0, r1, c0, c1 = bounds
        ab[0, :, r0:r1, c0:c1] = np.asarray(point.ab, dtype=np.float32)[:, None, None]
        mask[0, 0, r0:r1, c0:c1] = 1.0
    g = hints.global_hints
    histogram = None if g.histogram is None else torch.tensor(g.histogram, dtype=torch.float32).reshape(1, -1)
    saturation = None if g.saturation is None else torch.tensor([[g.saturation]], dtype=torch.float32)
    return HintTensors(torch.from_numpy(ab), torch.from_numpy(mask), histogram, saturation)
