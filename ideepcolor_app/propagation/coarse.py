"""Fast edge-aware hint propagation: Levin's solve on a coarse grid, with a confidence.

Levin's exact solve at 256 x 256 refactorises a 65k x 65k system on every edit (about 200 ms
on 2 cores). The same solve on L average-pooled 4x (64 x 64), with the hints pooled onto the
coarse cells and the result upsampled bilinearly, is as good on the evaluation protocol and
takes under 10 ms (docs/architecture.md, "Edge-aware propagation"; our numbers are in
docs/models.md, "Propagation constants"). The grid
keeps about 64 cells on the long side whatever the working size (`coarse_factor`).

Every free row also gets a small decay (see `LevinSolver.factorize`). Each edit factorises
the system with the hints as constraints, and answers three questions:

* the confidence, how strongly some hint reaches a pixel: 1 on a hint, fading with distance
  and falling sharply across strong edges; 0 everywhere without hints;
* the propagated colour, from the same system with the hints as soft constraints
  (`LevinFactor.soften`, `HINT_STRENGTH`): a coarse cell pulls towards its hint instead of
  being fixed to it, so where points are dense a pixel gets an average of the hints around it,
  not the nearest one's colour, and a cell a hint patch only grazes barely counts. The solve
  is normalised by the propagated weight of the hints, and with it the moments of the hints'
  colour and lightness, so that each cell fits a local colour line
  (`ideepcolor_app.propagation.colour_lines`): in a shadow the colour follows the lightness.
  The lines' coefficients are upsampled bilinearly, then box-filtered;
* later, `spread`: a residual known at the hints (hint minus a network's colour) spread the
  way the constrained system spreads it and faded to 0 where no hint reaches, so adding it
  makes a result honour its hints without changing colours far from them.

The coarse affinities see each cell's mean lightness, and also its darkest and brightest
pixel (`CELL_RANGE_SIGMA`), so an edge inside a cell still holds colour back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import torch
import torch.nn.functional as F

from ideepcolor_app.propagation.colour_lines import LINE_EPS_GUIDE, fit_lines, lightness_regressors, moment_channels
from ideepcolor_app.propagation.levin import LevinFactor, LevinSolver

__all__ = [
    "CoarsePropagator",
    "Propagation",
    "COARSE_SIDE",
    "DEFAULT_DECAY",
    "GUIDE_SIGMA",
    "HINT_STRENGTH",
    "coarse_factor",
]

#: Long side of the coarse grid: the pooling factor is chosen per image to come close to it
#: (256 -> 4x, 128 -> 2x, 64 and less -> 1x), so a small working size is not blurred by a
#: grid coarser than it needs and a large one costs no more per edit.
COARSE_SIDE = 64
#: Diagonal decay of the coarse system; chosen on val, and kept short against leaks
#: (docs/models.md, "Propagation constants").
DEFAULT_DECAY = 1e-3
#: Scale of a `guide_ab` difference, in ab / 100 units, that weakens a neighbour's affinity
#: by 1/e; chosen on val (docs/models.md, "Propagation constants").
GUIDE_SIGMA = 0.04
#: How hard a coarse cell holds its hint colour, per share of its pixels hinted
#: (`LevinFactor.soften`): a fully covered cell pulls towards its hint with 0.1, a cell that a
#: hint patch only grazes far less, and 1 would fix it as Levin's constraint does. Chosen on
#: val at 5-100 points (docs/models.md, "Propagation constants").
HINT_STRENGTH = 0.1
#: Scale, in L / 100 units, of a difference in a cell's darkest or brightest pixel that
#: weakens a coarse affinity by 1/e: an edge inside a cell, which its mean L blurs, still
#: separates it from the neighbour across the edge (chosen on val).
CELL_RANGE_SIGMA = 0.3
_MIN_WEIGHT = 1e-6


def _as_tensor(x: torch.Tensor | npt.ArrayLike) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x) if not isinstance(x, torch.Tensor) else x, dtype=torch.float32)


@dataclass
class Propagation:
    """The hints of one edit, propagated.

    Attributes:
        ab: (2,H,W) float32 CIELAB ab, the propagated hint colour (0 without hints).
        confidence: (1,H,W) float32 in [0, 1], how strongly a hint reaches each pixel.
    """

    ab: torch.Tensor
    confidence: torch.Tensor
    _propagator: CoarsePropagator
    _factor: LevinFactor | None

    def spread(self, residual_ab: torch.Tensor, hint_mask: torch.Tensor) -> torch.Tensor:
        """Spread a residual known on the hint patches the way the hints spread.

        Args:
            residual_ab: (2,H,W) float32, read where `hint_mask` is set.
            hint_mask: (H,W) or (1,H,W) float32, 1.0 on hint patches (the same edit's).
        Returns:
            (2,H,W) float32: on each hint patch about the patch's mean residual, fading to 0
            away from the hints; zeros without hints.
        """
        if self._factor is None:
            return torch.zeros_like(self.ab)
        cells = self._propagator.pool_hints(residual_ab, hint_mask)[0]
        field = self._factor.solve(cells.numpy())
        return self._propagator.upsample(field)


def coarse_factor(shape: tuple[int, int], side: int = COARSE_SIDE) -> int:
    """The pooling factor that brings the long side of `shape` close to `side` (at least 1).

    Example:
        >>> coarse_factor((256, 168)), coarse_factor((128, 128)), coarse_factor((32, 48))
        (4, 2, 1)
    """
    return max(1, round(max(shape) / side))


def coarse_grid(shape: tuple[int, int], factor: int) -> tuple[int, int]:
    """(h, w) of the grid `factor` times coarser than `shape`, a partial cell counting as one.

    Example:
        >>> coarse_grid((256, 170), 4)
        (64, 43)
    """
    return max(1, -(-shape[0] // factor)), max(1, -(-shape[1] // factor))


class CoarsePropagator:
    """Propagate hints along the lightness of one image, on a grid `factor` times coarser.

    Args:
        l: (H,W) float CIELAB L in [0, 100] at the working resolution.
        factor: pooling factor of the coarse grid; None: `coarse_factor` of the image.
        decay: diagonal decay of the free rows (see module docstring).
        guide_ab: optional (2,H,W) CIELAB ab that propagation should also respect: a hint
            spreads less across a change of this colour (e.g. a network's colourization
            without hints, whose colour edges lightness may not show). See `GUIDE_SIGMA`. It
            is also a regressor of the colour lines, beside L.
        colour_lines: fit local colour lines (module docstring); False gives Levin's
            propagated colour itself.
        hint_strength: how hard a fully hinted cell holds its hint in the colour's solve
            (`HINT_STRENGTH`); 1 with `factor` 1 is Levin's own constraint.

    Example:
        >>> l = torch.full((16, 16), 50.0)
        >>> hint_ab = torch.zeros(2, 16, 16); hint_ab[:, :4, :4] = torch.tensor([30.0, -20.0])[:, None, None]
        >>> mask = torch.zeros(16, 16); mask[:4, :4] = 1.0
        >>> p = CoarsePropagator(l).propagate(hint_ab, mask)
        >>> p.ab[:, 15, 15].round().tolist(), float(p.confidence[0, 0, 0]) > 0.99
        ([30.0, -20.0], True)
    """

    def __init__(
        self,
        l: torch.Tensor | npt.ArrayLike,
        factor: int | None = None,
        decay: float = DEFAULT_DECAY,
        guide_ab: torch.Tensor | npt.ArrayLike | None = None,
        colour_lines: bool = True,
        hint_strength: float = HINT_STRENGTH,
    ) -> None:
        l = _as_tensor(l)
        if l.ndim != 2:
            raise ValueError(f"l must be (H, W), got {tuple(l.shape)}")
        self.shape = (int(l.shape[0]), int(l.shape[1]))
        factor = coarse_factor(self.shape) if factor is None else int(factor)
        self.coarse_shape = coarse_grid(self.shape, factor)
        self.decay = float(decay)
        if not 0.0 < hint_strength <= 1.0:
            raise ValueError(f"hint_strength must be in (0, 1], got {hint_strength}")
        self.hint_strength = float(hint_strength)
        l_coarse = F.adaptive_avg_pool2d(l[None, None], self.coarse_shape)[0, 0]
        guide = [_cell_range(l, self.coarse_shape) / (100.0 * CELL_RANGE_SIGMA)] if factor > 1 else []
        lightness, self.line_eps = lightness_regressors(l)
        regressors = [lightness]
        if guide_ab is not None:
            guide_ab_t = _as_tensor(guide_ab).reshape(2, *self.shape)
            scaled = guide_ab_t[None] / (100.0 * GUIDE_SIGMA)
            guide.append(F.adaptive_avg_pool2d(scaled, self.coarse_shape)[0])
            regressors.append(guide_ab_t)
            self.line_eps += [LINE_EPS_GUIDE] * 2
        if not colour_lines:
            regressors, self.line_eps = [], []
        stacked = torch.cat(regressors) if regressors else torch.zeros(0, *self.shape)
        #: (k,H,W) the colour lines' regressors, centred (numerically kinder moments).
        self.regressors = stacked - stacked.mean(dim=(1, 2), keepdim=True)
        # The lines' coefficients are box-filtered over 2 x factor - 1 pixels (7 at 4x; none
        # at 1x) after the bilinear upsampling, to hide the grid's corners (chosen on val).
        self._line_upsamplers = tuple(
            _smooth_upsampler(n, m, 2 * factor - 1) for n, m in zip(self.shape, self.coarse_shape, strict=True)
        )
        self.solver = LevinSolver(l_coarse.double().numpy(), guide=torch.cat(guide).double().numpy() if guide else None)

    def pool_hints(
        self, values: torch.Tensor | npt.ArrayLike, hint_mask: torch.Tensor | npt.ArrayLike
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean hinted value per coarse cell, and the share of each cell's pixels hinted:
        ((C,h,w) values, (h,w) coverage in [0, 1], 0 on cells without hints)."""
        mask = _as_tensor(hint_mask).reshape(1, 1, *self.shape)
        values = _as_tensor(values)[None]
        sums = F.adaptive_avg_pool2d(torch.cat([values * mask, mask], 1), self.coarse_shape)[0]
        coverage = sums[-1]
        return sums[:-1] / coverage.clamp_min(1e-12), coverage

    def upsample(self, coarse: np.ndarray) -> torch.Tensor:
        """(C,h,w) coarse values -> (C,H,W) float32, bilinear."""
        x = torch.from_numpy(np.ascontiguousarray(coarse, dtype=np.float32))[None]
        return F.interpolate(x, size=self.shape, mode="bilinear", align_corners=False)[0]

    def propagate(self, hint_ab: torch.Tensor | npt.ArrayLike, hint_mask: torch.Tensor | npt.ArrayLike) -> Propagation:
        """Propagate one edit's hints.

        Args:
            hint_ab: (2,H,W) float CIELAB ab; read where `hint_mask` is set.
            hint_mask: (H,W) or (1,H,W) float, 1.0 on hint patches.
        """
        values = torch.cat([_as_tensor(hint_ab).reshape(2, *self.shape), self.regressors])
        cells, coverage = self.pool_hints(values, hint_mask)
        hinted = (coverage > 0).numpy()
        if not hinted.any():
            zeros = torch.zeros(3, *self.shape)
            return Propagation(zeros[:2], zeros[2:], self, None)
        factor = self.solver.factorize(hinted, self.decay)
        softened = factor.soften(np.clip(self.hint_strength * coverage.double().numpy(), 1e-9, 1.0))
        ones = np.ones((1, *self.coarse_shape))
        weight = np.clip(factor.solve(ones), 0.0, 1.0)
        cells_np = cells.numpy().astype(np.float64)
        moments = softened.solve(np.concatenate([moment_channels(cells_np[:2], cells_np[2:]), ones]))
        means = moments[:-1] / np.maximum(moments[-1:], _MIN_WEIGHT)
        slopes, offsets = fit_lines(means, np.asarray(self.line_eps))
        k = len(self.line_eps)
        coefficients = np.concatenate([slopes.reshape(2 * k, *offsets.shape[1:]), offsets])
        rows, columns = self._line_upsamplers
        lines = rows @ torch.from_numpy(coefficients.astype(np.float32)) @ columns.T
        ab = (lines[: 2 * k].reshape(2, k, *self.shape) * self.regressors[None]).sum(dim=1) + lines[2 * k :]
        return Propagation(ab, self.upsample(weight).clamp(0.0, 1.0), self, factor)


def _smooth_upsampler(fine: int, coarse: int, side: int) -> torch.Tensor:
    """(fine, coarse) matrix along one axis: bilinear upsampling (as `F.interpolate`, corners
    not aligned) followed by a mean over `side` pixels (odd), shrunk at the borders. Applied as
    two matrix products it costs about what `F.interpolate` does alone."""
    basis = torch.eye(coarse)[None]
    up = F.interpolate(basis, size=fine, mode="linear", align_corners=False)[0].T  # (fine, coarse)
    centre = torch.arange(fine)[:, None]
    box = ((torch.arange(fine)[None] - centre).abs() <= side // 2).float()
    return (box / box.sum(dim=1, keepdim=True)) @ up


def _cell_range(l: torch.Tensor, coarse_shape: tuple[int, int]) -> torch.Tensor:
    """(2,h,w) the darkest and the brightest L of each coarse cell of `l` (H,W)."""
    brightest = F.adaptive_max_pool2d(l[None, None], coarse_shape)[0]
    darkest = -F.adaptive_max_pool2d(-l[None, None], coarse_shape)[0]
    return torch.cat([darkest, brightest])
