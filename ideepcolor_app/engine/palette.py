"""Suggested colours at a pixel: the most likely displayable bins of a colour distribution."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ideepcolor_app.color import in_gamut
from ideepcolor_app.engine.backends import Distribution


@dataclass(frozen=True)
class Suggestion:
    """A suggested colour: CIELAB ab and the network's probability for its bin."""

    ab: tuple[float, float]
    probability: float


def suggested_colours(
    dist: Distribution, l_value: float, x_frac: float, y_frac: float, count: int = 8
) -> list[Suggestion]:
    """The `count` most probable in-gamut colours at a point of the photo.

    Args:
        dist: the distribution returned by a session.
        l_value: CIELAB L of the photo at the point (out-of-gamut bins at that L are dropped).
        x_frac, y_frac: the point as fractions of the photo's width and height, in [0, 1].
    Returns:
        Suggestions sorted by falling probability (probabilities renormalised over the kept bins).
    """
    _, height, width = dist.probs.shape
    col = min(width - 1, max(0, int(x_frac * width)))
    row = min(height - 1, max(0, int(y_frac * height)))
    probs = dist.probs[:, row, col]
    centres = torch.from_numpy(dist.centres.astype(np.float32))
    lab = torch.cat([torch.full((len(centres), 1), float(l_value)), centres], dim=1)
    keep = in_gamut(lab.T[:, :, None]).reshape(-1).numpy()
    order = [i for i in np.argsort(-probs) if keep[i]][:count]
    total = float(probs[order].sum()) or 1.0
    return [Suggestion((float(dist.centres[i, 0]), float(dist.centres[i, 1])), float(probs[i]) / total) for i in order]
