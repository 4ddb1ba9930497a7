"""Object fill: the region a click's reach finds, its outline, and a stroke that covers it.

A click is a small hint patch; its reach (`ideepcolor_app.propagation.reach.ReachMap`, the
same one that keeps a point's colour in its object) above `FILL_THRESHOLD`, in the connected
piece around the click, is the object. The fill is stored as one `ColourStroke` whose path
covers the region (a walk through a grid of brush centres inside it, going back along its own
path where it must turn), so the engine, the hints file, undo, dragging and recolouring treat
it as any stroke. No Qt.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import torch

from ideepcolor_app.hints import ColourStroke
from ideepcolor_app.hints.colour_strokes import MAX_STROKE_SIZE, MIN_STROKE_SIZE
from ideepcolor_app.propagation.reach import ReachMap

__all__ = ["FILL_THRESHOLD", "fill_stroke", "object_region", "region_outline"]

#: Reach above which a pixel belongs to the clicked object.
FILL_THRESHOLD = 0.5
#: Side, in working pixels, of the patch a click stands for.
CLICK_PATCH = 3
#: About this many brush centres cover a region: a wider brush on larger regions.
_CENTRES = 150


def object_region(reach: ReachMap, row: float, col: float) -> np.ndarray:
    """The object around working-grid position (row, col) (continuous, as `point_to_working`).

    Returns:
        (h,w) bool: the pixels the click reaches above `FILL_THRESHOLD`, connected to it (at
        least the click's own patch).
    """
    h, w = reach.shape
    r0 = min(max(int(math.floor(row - CLICK_PATCH / 2 + 0.5)), 0), max(h - CLICK_PATCH, 0))
    c0 = min(max(int(math.floor(col - CLICK_PATCH / 2 + 0.5)), 0), max(w - CLICK_PATCH, 0))
    click = torch.zeros(h, w)
    click[r0 : r0 + CLICK_PATCH, c0 : c0 + CLICK_PATCH] = 1.0
    region = (reach.reach(click) >= FILL_THRESHOLD).numpy() | (click.numpy() > 0)
    count, labels = cv2.connectedComponents(region.astype(np.uint8), connectivity=4)
    centre = labels[min(h - 1, max(0, int(row))), min(w - 1, max(0, int(col)))]
    return labels == centre if count > 1 and centre > 0 else region


def region_outline(region: np.ndarray, image_wh: tuple[int, int]) -> list[np.ndarray]:
    """The region's outlines as closed polygons in photo pixels (for showing it before a fill).

    Args:
        region: (h,w) bool at the working resolution.
        image_wh: (width, height) of the photo.
    Returns:
        A list of (N,2) float64 arrays of (x, y) around the region's pixels (holes included).
    """
    h, w = region.shape
    width, height = image_wh
    # Contours of the region upsampled 2x run along pixel edges, not through pixel centres.
    big = cv2.resize(region.astype(np.uint8), (2 * w, 2 * h), interpolation=cv2.INTER_NEAREST)
    contours, _ = cv2.findContours(big, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    outlines = []
    for contour in contours:
        xy = contour[:, 0, :].astype(np.float64)
        outlines.append(np.stack([(xy[:, 0] + 0.5) / 2 * width / w, (xy[:, 1] + 0.5) / 2 * height / h], axis=1))
    return outlines


def fill_stroke(
    region: np.ndarray, ab: tuple[float, float], image_wh: tuple[int, int], start: tuple[float, float] | None = None
) -> ColourStroke | None:
    """One stroke of colour `ab` whose path covers `region`.

    Brush centres sit on a grid inside the region shrunk by half a brush; the path walks a
    spanning tree of neighbouring centres depth first, from the centre nearest `start`, and
    back along itself, so it never leaves the region. The brush is as wide as the grid step.

    Args:
        region: (h,w) bool at the working resolution.
        ab: the colour.
        image_wh: (width, height) of the photo the stroke's coordinates refer to.
        start: (row, col) working position to start from (the click); None: the first centre.
    Returns:
        The stroke, or None for an empty region.
    """
    h, w = region.shape
    area = int(region.sum())
    if area == 0:
        return None
    size = int(min(MAX_STROKE_SIZE, max(MIN_STROKE_SIZE, round(math.sqrt(area / _CENTRES)))))
    centres = _grid_centres(region, size)
    if not centres:
        rows, cols = np.nonzero(region)
        centres = [(int(rows[len(rows) // 2]), int(cols[len(cols) // 2]))]
    if start is not None:
        first = min(centres, key=lambda rc: (rc[0] - start[0]) ** 2 + (rc[1] - start[1]) ** 2)
    else:
        first = centres[0]
    path = _tree_walk(first, set(centres), size, region)
    width, height = image_wh
    points = tuple(((c + 0.5) * width / w, (r + 0.5) * height / h) for r, c in _straightened(path))
    return ColourStroke(ab, size, points)


def _grid_centres(region: np.ndarray, step: int) -> list[tuple[int, int]]:
    """Pixels on a grid of `step` whose brush of diameter `step` stays inside the region."""
    radius = step // 2
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    inner = cv2.erode(region.astype(np.uint8), kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0) > 0
    h, w = region.shape
    return [(r, c) for r in range(step // 2, h, step) for c in range(step // 2, w, step) if inner[r, c]]


def _tree_walk(
    first: tuple[int, int], centres: set[tuple[int, int]], step: int, region: np.ndarray
) -> list[tuple[int, int]]:
    """Depth-first walk over grid neighbours (joined only where the region holds the segment
    between them), returning along the way it came: the brush path of a fill."""
    path, seen, stack = [first], {first}, [(first, iter(_neighbours(first, step)))]
    while stack:
        node, candidates = stack[-1]
        for nxt in candidates:
            if nxt in centres and nxt not in seen and _inside(node, nxt, region):
                seen.add(nxt)
                path.append(nxt)
                stack.append((nxt, iter(_neighbours(nxt, step))))
                break
        else:
            stack.pop()
            if stack:
                path.append(stack[-1][0])
    return path


def _neighbours(node: tuple[int, int], step: int) -> tuple[tuple[int, int], ...]:
    r, c = node
    return (r, c + step), (r + step, c), (r, c - step), (r - step, c)


def _inside(a: tuple[int, int], b: tuple[int, int], region: np.ndarray) -> bool:
    steps = max(abs(a[0] - b[0]), abs(a[1] - b[1]))
    return all(region[a[0] + (b[0] - a[0]) * i // steps, a[1] + (b[1] - a[1]) * i // steps] for i in range(steps + 1))


def _straightened(path: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The path without the middle points of straight runs (the same pixels are covered)."""
    if len(path) < 3:
        return path
    kept = [path[0]]
    for before, here, after in zip(path, path[1:], path[2:], strict=False):
        d1 = (here[0] - before[0], here[1] - before[1])
        d2 = (after[0] - here[0], after[1] - here[1])
        if d1 != d2:
            kept.append(here)
    kept.append(path[-1])
    return kept
