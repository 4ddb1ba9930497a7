"""Local colour lines: the hint colour as a linear function of lightness (and a guide colour).

Propagating the hints' colour alone gives every pixel a weighted mean of the hints around it,
so one hint on a shaded object paints the lit side and the shadow the same ab, while in the
photo the shadow's chroma is lower. Levin's closed-form matting makes the same observation
for alpha (locally a linear function of the image). Here the propagation spreads not just the
hints' colour y but the moments of y and of per-pixel regressors x (L; a bend in L, since
chroma fades towards black and white; and in the `hints` backend the network's own
colourization without hints): E[y], E[x], E[x x^T], E[y x], each weighted the way the hints
spread. Each coarse cell then fits the ridge regression

    y ~ alpha . (x - E[x]) + E[y],   alpha = (Cov[x] + diag(eps))^-1 Cov[x, y]

and the fine pixels evaluate it with their own x (the cell's alpha and offset upsampled
bilinearly, as in the fast guided filter). A hinted cell's moments are those of its hint
colour and of its hinted pixels' mean regressors, so the products are formed on the coarse
grid. With one hint in reach, or hints of one lightness, Cov is 0 and the fit is the
propagated mean; on a hinted cell it is the hint. In the `hints` backend it adds 0.17-0.30 dB
on val and 0.05-0.44 dB on the held-out sources at 5-100 hints (docs/models.md,
"Propagation constants").
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["LINE_EPS_L", "LINE_EPS_BEND", "LINE_EPS_GUIDE", "lightness_regressors", "moment_channels", "fit_lines"]

#: Ridge regularisation of the slope on L, in squared L units: hints closer in lightness than
#: about sqrt(100) = 10 barely tilt the line (chosen on val: docs/models.md, "Propagation constants").
LINE_EPS_L = 100.0
#: The same for the bend (L - 50)^2 / 50 (chosen on val).
LINE_EPS_BEND = 30.0
#: The same for a guide ab channel, in squared ab units (chosen on val).
LINE_EPS_GUIDE = 25.0


def lightness_regressors(l: torch.Tensor) -> tuple[torch.Tensor, list[float]]:
    """(2,H,W) regressors from L (H,W): L itself and its bend (L - 50)^2 / 50; their eps."""
    return torch.stack([l, (l - 50.0) ** 2 / 50.0]), [LINE_EPS_L, LINE_EPS_BEND]


def _pairs(k: int) -> list[tuple[int, int]]:
    return [(i, j) for i in range(k) for j in range(i, k)]


def moment_channels(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The channels to propagate: y, x, the products x_i x_j (i <= j) and y_c x_i.

    Args:
        y: (2,h,w) the hints' colour per coarse cell; x: (k,h,w) the regressors' mean over
            each cell's hinted pixels, centred (their image mean removed).
    Returns:
        (2 + k + k(k+1)/2 + 2k, h, w) float64, in the order `fit_lines` reads.
    """
    k = x.shape[0]
    products = [x[i] * x[j] for i, j in _pairs(k)]
    cross = [y[c] * x[i] for c in range(2) for i in range(k)]
    return np.concatenate([y, x, np.reshape(products + cross, (-1, *y.shape[1:]))], axis=0)


def fit_lines(moments: np.ndarray, eps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fit each cell's colour line from its propagated moments.

    Args:
        moments: (C,h,w) float64, `moment_channels` after propagation (weighted means).
        eps: (k,) ridge regularisation per regressor.
    Returns:
        slopes (2,k,h,w) and offsets (2,h,w): y = sum_i slopes[:, i] * x_i + offsets.
    """
    k = len(eps)
    mean_y, mean_x = moments[:2], moments[2 : 2 + k]
    if k == 0:
        return np.zeros((2, 0, *mean_y.shape[1:])), mean_y
    at = 2 + k
    cov = np.empty((k, k) + mean_y.shape[1:])
    for n, (i, j) in enumerate(_pairs(k)):
        cov[i, j] = cov[j, i] = moments[at + n] - mean_x[i] * mean_x[j]
    at += k * (k + 1) // 2
    cov += np.diag(eps)[:, :, None, None]
    cross = moments[at : at + 2 * k].reshape(2, k, *mean_y.shape[1:]) - mean_y[:, None] * mean_x[None]
    a = np.moveaxis(cov, (0, 1), (-2, -1))  # (h, w, k, k)
    b = np.moveaxis(cross, (0, 1), (-1, -2))  # (h, w, k, 2)
    slopes = np.moveaxis(np.linalg.solve(a, b), (-1, -2), (0, 1))  # (2, k, h, w)
    offsets = mean_y - (slopes * mean_x[None]).sum(axis=1)
    return slopes, offsets
