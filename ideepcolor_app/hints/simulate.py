"""Simulated user hints drawn from a ground-truth ab image (SIGGRAPH17 training and evaluation).

The sampler follows the paper and the authors' training code (`add_color_patches_rand_gt`
in richzhang/colorization-pytorch, `util.py`): the number of points is geometric (keep adding
while a uniform draw < 7/8, mean 7); each patch side P is drawn uniformly from 1..9; each
axis of its top-left pixel from a normal with mean (N - P + 1) / 2 and sigma (N - P + 1) / 4,
clipped to [0, N - P] and truncated to an integer (so the patch is centred on the image on
average); its colour is the mean ground-truth ab over the patch.

The result is a `Hints` in working-resolution coordinates (width = W, height = H), each point
at its patch's centre (col + P / 2, row + P / 2), so `rasterize_hints(hints, (H, W))`
reproduces exactly the sampled patches: training, evaluation and the app share one rasterizer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ideepcolor_app.hints.model import HintPoint, Hints

__all__ = ["simulate_hints", "simulate_n_hints"]


def _as_ab_array(ab_full: Any) -> np.ndarray:
    """Return ground-truth ab as a (2,H,W) float64 numpy array (accepts torch, (1,2,H,W))."""
    if hasattr(ab_full, "detach"):  # a torch tensor, without importing torch here
        ab_full = ab_full.detach().cpu().numpy()
    ab = np.asarray(ab_full, dtype=np.float64)
    if ab.ndim == 4 and ab.shape[0] == 1:
        ab = ab[0]
    if ab.ndim != 3 or ab.shape[0] != 2:
        raise ValueError(f"ab_full must have shape (2, H, W), got {tuple(ab.shape)}")
    return ab


def _sample_point(ab: np.ndarray, size: int, rng: np.random.Generator) -> HintPoint:
    """Draw one patch of side `size` and return it as a point at the patch centre."""
    _, h, w = ab.shape
    if size > h or size > w:
        raise ValueError(f"patch size {size} does not fit in a {h} x {w} image")
    top, left = (int(np.clip(rng.normal((n - size + 1) / 2, (n - size + 1) / 4), 0, n - size)) for n in (h, w))
    patch = ab[:, top : top + size, left : left + size]
    a, b = patch.mean(axis=(1, 2))
    return HintPoint(x=left + size / 2, y=top + size / 2, ab=(float(a), float(b)), size=size)


def simulate_hints(
    ab_full: Any,
    rng: np.random.Generator,
    patch_sizes: Iterable[int] = range(1, 10),
    p_continue: float = 7 / 8,
    max_points: int | None = None,
) -> Hints:
    """Draw a random number of training hints from ground-truth colour.

    Args:
        ab_full: (2,H,W) or (1,2,H,W) ground-truth CIELAB ab, numpy or torch.
        rng: the random generator (pass one seeded per image for reproducible hints).
        patch_sizes: sides to draw from, uniformly (each 1..9 and at most min(H, W)).
        p_continue: probability of adding another point; the count is geometric with mean
            p / (1 - p), 7 for the default 7/8.
        max_points: stop after this many points, or None for no limit.

    Returns:
        Hints with width = W, height = H, no global hints, points in drawing order.

    Raises:
        ValueError: bad shape, a patch side larger than the image, or p_continue >= 1
            without max_points.
        HintsError: a patch's mean colour is outside |a|, |b| <= 128.
    """
    ab = _as_ab_array(ab_full)
    sizes = tuple(int(s) for s in patch_sizes)
    if not sizes:
        raise ValueError("patch_sizes must not be empty")
    if not 0.0 <= p_continue < 1.0 and max_points is None:
        raise ValueError(f"p_continue must be in [0, 1) without max_points, got {p_continue}")
    points: list[HintPoint] = []
    while (max_points is None or len(points) < max_points) and rng.random() < p_continue:
        size = sizes[int(rng.integers(len(sizes)))]
        points.append(_sample_point(ab, size, rng))
    return Hints(width=ab.shape[2], height=ab.shape[1], points=tuple(points))


def simulate_n_hints(ab_full: Any, n: int, rng: np.random.Generator, patch_size: int = 6) -> Hints:
    """Draw exactly `n` hints of side `patch_size` (the SIGGRAPH17 evaluation protocol).

    Args:
        ab_full: (2,H,W) or (1,2,H,W) ground-truth CIELAB ab, numpy or torch.
        n: number of points (0 gives no hints).
        rng: the random generator; seed it per image, as the protocol asks.
        patch_size: side of every patch, 6 in the paper's evaluation.

    Returns:
        Hints with width = W, height = H and exactly `n` points.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    ab = _as_ab_array(ab_full)
    points = tuple(_sample_point(ab, patch_size, rng) for _ in range(n))
    return Hints(width=ab.shape[2], height=ab.shape[1], points=points)
