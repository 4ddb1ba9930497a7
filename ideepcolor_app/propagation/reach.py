"""How far a set of hints reaches: a point's influence stays in its object on old prints too.

Old prints have weak edges between objects (a dark skirt on dark grass), grain and soft focus,
so a propagation guided by lightness alone carries one point across the whole photo. The reach
is a leaky diffusion on the coarse grid (about 64 cells on the long side): each cell is joined
to its 8 neighbours by a conductance

    w = exp(-(dL / L_SIGMA)^2 - |df / FEATURE_SIGMA|^2 - |d ab / AB_SIGMA|^2),

leaks `REACH_DECAY`, and is held at 1 on the hinted cells; the reach is the solution, in
[0, 1]. Unlike Levin's affinities, scaled by each window's own contrast (so that a smooth ramp
or grain holds colour back as much as an object's edge does), these are absolute: a gentle ramp
passes, and a region joined to the hints only by weak conductances stays low, since its own
leak outweighs them. What it sees:

* lightness that is steady across prints: its 0.5th-99.5th percentiles stretched to 0-100 (a
  faded print looks like a clean one) and its grain reduced (`restore.grain.reduce_grain`),
  so a point does not hop through grain;
* the network's own L-only features (`PropagatedCache.context`: texture and semantics),
  reduced to their `FEATURE_COMPONENTS` main components per photo;
* the network's colourization without hints, as the colour's propagation does.

The `hints` backend lets a point change the network's colour only as far as its reach
(`gate`), so the network's own colour stays where no point reaches; an object fill takes the
region a click reaches (`engine.fill`). Constants were chosen on val (docs/models.md, "Reach").
"""

from __future__ import annotations

import numpy as np
import scipy.ndimage as ndimage
import scipy.sparse as sp
import scipy.sparse.linalg as spla
import torch
import torch.nn.functional as F

from ideepcolor_app.propagation.coarse import coarse_factor, coarse_grid
from ideepcolor_app.propagation.levin import _dissection_order
from ideepcolor_app.restore.grain import reduce_grain

__all__ = [
    "AB_SIGMA",
    "FEATURE_COMPONENTS",
    "FEATURE_SIGMA",
    "L_SIGMA",
    "REACH_DECAY",
    "ReachMap",
    "feature_guide",
    "steady_lightness",
]

#: Long side of the reach's grid, in cells (twice the colour propagation's: a face is a few cells).
REACH_SIDE = 128
#: Leak of each coarse cell, relative to a conductance of 1 (val; docs/models.md, "Reach").
REACH_DECAY = 1e-3
#: Lightness difference (steady L units, coarse cells) that weakens a conductance by 1/e (val).
L_SIGMA = 8.0
#: Main components of the network's features the reach is guided by.
FEATURE_COMPONENTS = 4
#: Feature difference (in the features' own units) that weakens a conductance by 1/e (val).
FEATURE_SIGMA = 2.0
#: Colour difference (ab units) of the network's colourization that weakens it by 1/e.
AB_SIGMA = 8.0
#: Reach from which the hints change a colour fully (val).
GATE_FULL = 0.6
#: Reach below which the hints change nothing.
GATE_NONE = 0.2
#: Right-hand sides per triangular solve (SuperLU's solve with 2-8 columns at once is about a
#: quarter cheaper per column than with one; more got slower).
_SOLVES_AT_ONCE = 4
#: Percentiles of L a print's black and white are read at (as `restore.tone` does).
_PERCENTILES = (0.5, 99.5)


def steady_lightness(l: torch.Tensor) -> torch.Tensor:
    """L as the reach sees it: range stretched to 0-100 and grain reduced.

    Args:
        l: (H,W) float CIELAB L in [0, 100].
    Returns:
        (H,W) float32 in [0, 100]; a flat photo is only denoised.

    Example:
        >>> faded = torch.linspace(20.0, 70.0, 64).repeat(64, 1)
        >>> steady = steady_lightness(faded)
        >>> round(float(steady.min())), round(float(steady.max()))
        (0, 100)
    """
    x = l.detach().float().cpu().numpy() / 100.0
    low, high = np.percentile(x, _PERCENTILES)
    if high - low > 1e-3:
        x = np.clip((x - low) / (high - low), 0.0, 1.0)
    x = reduce_grain(np.ascontiguousarray(x, dtype=np.float32))[0]
    return torch.from_numpy(np.clip(x, 0.0, 1.0) * 100.0)


def feature_guide(
    features: torch.Tensor, coarse_shape: tuple[int, int], components: int = FEATURE_COMPONENTS
) -> torch.Tensor:
    """The features' main components on the coarse grid, in the features' own units.

    Args:
        features: (C,h,w) float L-only features of the photo at any resolution.
        coarse_shape: the coarse grid they are average-pooled to.
    Returns:
        (k,h',w') float32, k = min(components, C): the projections on the photo's first
        principal directions (distances between cells as in the full features, but for the
        little variation the other directions hold).
    """
    pooled = F.adaptive_avg_pool2d(features.detach().double().cpu()[None], coarse_shape)[0]
    flat = torch.nan_to_num(pooled.reshape(pooled.shape[0], -1))
    flat = flat - flat.mean(dim=1, keepdim=True)
    k = min(components, flat.shape[0])
    # In float64: float32's eigensolver returned NaN on a nearly rank-deficient covariance.
    eigenvectors = torch.linalg.eigh(flat @ flat.T).eigenvectors[:, -k:]  # ascending eigenvalues
    return torch.nan_to_num(eigenvectors.T @ flat).float().reshape(k, *coarse_shape)


class ReachMap:
    """The reach of any set of hints on one photo (everything L-only is built here, once).

    Args:
        l: (H,W) float CIELAB L in [0, 100] at the working resolution.
        features: optional (C,h,w) L-only features (`feature_guide`).
        guide_ab: optional (2,H,W) CIELAB ab the reach should also respect (the network's
            colourization without hints).
        factor: coarse pooling factor; None: `coarse_factor` of the image.

    Example:
        >>> l = torch.full((64, 64), 30.0); l[:, 32:] = 45.0  # two regions
        >>> mask = torch.zeros(64, 64); mask[30:34, 2:6] = 1.0
        >>> reach = ReachMap(l).reach(mask)
        >>> round(float(reach[32, 4]), 2), round(float(reach[32, 28]), 2), round(float(reach[32, 40]), 2)
        (1.0, 0.68, 0.0)
    """

    def __init__(
        self,
        l: torch.Tensor,
        features: torch.Tensor | None = None,
        guide_ab: torch.Tensor | None = None,
        factor: int | None = None,
    ) -> None:
        l = torch.as_tensor(l, dtype=torch.float32)
        if l.ndim != 2:
            raise ValueError(f"l must be (H, W), got {tuple(l.shape)}")
        self.shape = (int(l.shape[0]), int(l.shape[1]))
        factor = coarse_factor(self.shape, REACH_SIDE) if factor is None else int(factor)
        self.coarse_shape = coarse_grid(self.shape, factor)
        channels = [F.adaptive_avg_pool2d(steady_lightness(l)[None, None], self.coarse_shape)[0] / L_SIGMA]
        if guide_ab is not None:
            ab = torch.as_tensor(guide_ab, dtype=torch.float32).reshape(1, 2, *self.shape)
            channels.append(F.adaptive_avg_pool2d(ab, self.coarse_shape)[0] / AB_SIGMA)
        if features is not None:
            channels.append(feature_guide(features, self.coarse_shape) / FEATURE_SIGMA)
        guide = torch.cat(channels).double().numpy().reshape(len(torch.cat(channels)), -1)
        u, v, step = _neighbour_pairs(*self.coarse_shape)
        weight = np.exp(-((guide[:, u] - guide[:, v]) ** 2).sum(axis=0)) / step
        n = self.coarse_shape[0] * self.coarse_shape[1]
        upper = sp.csr_matrix((weight, (u, v)), shape=(n, n))
        conductance = upper + upper.T
        degree = np.asarray(conductance.sum(axis=1)).ravel()
        # The leaky Laplacian, factorised once per photo in a nested-dissection order of the grid
        # (as `LevinSolver` orders its matrix); each hint is one solve with it.
        self._order = _dissection_order(*self.coarse_shape, 1)
        system = (sp.diags(degree + REACH_DECAY) - conductance).tocsr()[self._order][:, self._order]
        # An M-matrix (symmetric, diagonally dominant): no pivoting is needed.
        self._lu = spla.splu(sp.csc_matrix(system), permc_spec="NATURAL", diag_pivot_thresh=0.0)

    def _cells(self, hint_mask: torch.Tensor) -> np.ndarray:
        """(h',w') bool: the coarse cells a hint covers."""
        mask = torch.as_tensor(hint_mask, dtype=torch.float32).reshape(1, 1, *self.shape)
        return (F.adaptive_avg_pool2d(mask, self.coarse_shape)[0, 0] > 0).numpy()

    def coarse_reach(self, hinted: np.ndarray) -> np.ndarray:
        """(h',w') float64 reach on the coarse grid of the hinted cells ((h',w') bool).

        Each connected group of hinted cells (a point, a stroke) reaches on its own: the leaky
        diffusion from it (one solve), scaled so that its cells are at 1 on average (a long stroke
        reaches no further than its cells do, on average). Several hints combine as independent
        chances, 1 - prod(1 - r), counting only reaches of at least `GATE_NONE`: where points
        surround a region they reach it together, while reaches too faint to change a colour
        alone do not add up (the field between a face, a skirt and the grass: a joint solve
        let the three carry each other there). Every hinted cell's reach is 1.
        """
        labels, count = ndimage.label(hinted, structure=np.ones((3, 3), bool))
        flat = labels.ravel()[self._order]
        missed = np.ones(hinted.size)  # the chance that no hint reaches each cell (in the order)
        for first in range(1, count + 1, _SOLVES_AT_ONCE):
            groups = np.arange(first, min(first + _SOLVES_AT_ONCE, count + 1))
            sources = (flat[:, None] == groups[None]).astype(np.float64)
            solved = self._lu.solve(sources)
            for column in range(len(groups)):
                one = np.clip(solved[:, column] / solved[sources[:, column] > 0, column].mean(), 0.0, 1.0)
                missed *= 1.0 - np.where(one >= GATE_NONE, one, 0.0)
        reach = np.empty(hinted.size)
        reach[self._order] = 1.0 - missed
        reach[hinted.ravel()] = 1.0
        return reach.reshape(self.coarse_shape)

    def reach(self, hint_mask: torch.Tensor) -> torch.Tensor:
        """How strongly the hints reach each pixel.

        Args:
            hint_mask: (H,W) or (1,H,W) float, 1.0 on hint patches.
        Returns:
            (H,W) float32 in [0, 1]: 1 on the hints' cells, near 1 across their objects,
            falling where the photo's conductances are weak; zeros without hints.
        """
        hinted = self._cells(hint_mask)
        if not hinted.any():
            return torch.zeros(self.shape)
        x = torch.from_numpy(self.coarse_reach(hinted).astype(np.float32))[None, None]
        return F.interpolate(x, size=self.shape, mode="bilinear", align_corners=False)[0, 0].clamp(0.0, 1.0)

    def gate(self, hint_mask: torch.Tensor) -> torch.Tensor:
        """(H,W) float32 in [0, 1]: how far the hints may change a colour: their reach over
        `GATE_FULL` (at most 1), so an object is coloured whole, not fading away from a point."""
        return ((self.reach(hint_mask) - GATE_NONE) / (GATE_FULL - GATE_NONE)).clamp(0.0, 1.0)


def _neighbour_pairs(h: int, w: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each pair of 8-neighbour cells of an (h, w) grid once: (u, v, step length 1 or sqrt(2))."""
    index = np.arange(h * w).reshape(h, w)
    us, vs, steps = [], [], []
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
        c0, c1 = max(0, -dc), w - max(0, dc)
        us.append(index[0 : h - dr, c0:c1].ravel())
        vs.append(index[dr:h, c0 + dc : c1 + dc].ravel())
        steps.append(np.full(us[-1].size, np.sqrt(2.0) if dr and dc else 1.0))
    return np.concatenate(us), np.concatenate(vs), np.concatenate(steps)
