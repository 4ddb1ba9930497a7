"""Hint fidelity in the full-resolution composition: the photo as the app exports it.

The protocol measures at 256 x 256. A user sees the result composed at the photo's own size
(ab upsampled, guided by full-resolution L, clipped to sRGB), so this runs the app's own
`ColorizeSession` on each photo at its size, with the working resolution keeping the aspect.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ideepcolor_app.color import rgb_to_lab
from ideepcolor_app.engine.backends import Backend
from ideepcolor_app.engine.session import ColorizeSession
from ideepcolor_app.hints import HintPoint, Hints, simulate_n_hints
from ideepcolor_app.imageio import read_photo
from training.data import list_photos
from training.metrics import hint_fidelity
from training.protocol import EVAL_PATCH


def _to_photo(points: Hints, width: int, height: int) -> Hints:
    """Working-grid points -> the same points in photo pixels (patch side unchanged)."""
    sx, sy = width / points.width, height / points.height
    return Hints(
        width=width,
        height=height,
        points=tuple(HintPoint(x=p.x * sx, y=p.y * sy, ab=p.ab, size=p.size) for p in points.points),
    )


def full_resolution_fidelity(
    backend: Backend,
    folders: Sequence[str | Path],
    counts: Sequence[int],
    size: int = 256,
    limit: int | None = None,
    sources: Sequence[str] = (),
    seed: int = 0,
) -> dict[int, float]:
    """Mean hint fidelity (ab distance) per hint count on full-resolution results.

    Hints are simulated as in the protocol on the ground truth at the working resolution,
    placed in photo pixels, rendered and composed by the app; the result is converted back to
    CIELAB and averaged over each patch's area in the photo.
    """
    distances: dict[int, list[float]] = {n: [] for n in counts if n > 0}
    for index, path in enumerate(list_photos(folders, only_sources=sources)[:limit]):
        rgb = torch.from_numpy(np.array(read_photo(path).rgb, np.float32)).permute(2, 0, 1)
        lab = rgb_to_lab(rgb)
        session = ColorizeSession(lab[0], backend, size)
        height, width = lab.shape[-2:]
        truth_small = F.adaptive_avg_pool2d(lab[None, 1:], session.working_shape)[0]
        for n in distances:
            rng = np.random.default_rng((seed, index))
            points = simulate_n_hints(truth_small, n, rng, EVAL_PATCH)
            out = session.colorize(_to_photo(points, width, height))
            shown = rgb_to_lab(torch.from_numpy(out).permute(2, 0, 1).float() / 255.0)[1:]
            pooled = F.adaptive_avg_pool2d(shown[None], session.working_shape)[0]
            distances[n] += hint_fidelity(pooled, points)
    return {n: float(np.mean(v)) for n, v in distances.items()}
