"""Colour bins in the ab plane: quantisation, soft encoding, decoding and class rebalancing.

Our own networks use `BinSet.default()`: the full 23 x 23 grid of 10-unit cells, 529 bins with
centres at -110 ... 110. Bin ``i = ia * 23 + ib`` has ``a = -110 + 10 * ia`` and
``b = -110 + 10 * ib`` (a-major), the order of the authors' SIGGRAPH17 training code and of the
``histogram`` in ``*.hints.json``. An imported ECCV16 model brings its own 313 centres
(`BinSet.from_centres`).

Soft encoding, annealed mean and rebalancing follow Zhang et al., ECCV 2016, sections 2.1-2.3
(5 nearest centres, Gaussian sigma 5; T = 0.38; lambda = 0.5, smoothing sigma 5).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from .lab import check_image

__all__ = ["BinSet"]

_DIST_CHUNK = 1 << 14  # pixels per block when measuring distances to every centre


class BinSet:
    """A fixed set of Q colour-bin centres in the ab plane.

    Args:
        centres: (Q,2) float tensor of (a, b) centres in CIELAB units; stored as float32.

    Attributes:
        centres: (Q,2) float32 tensor, (a, b) per bin, in bin order.

    Example:
        >>> bins = BinSet.default()
        >>> bins.num_bins, bins.centres[24].tolist()
        (529, [-100.0, -100.0])
    """

    def __init__(self, centres: Tensor, *, _grid: tuple[float, float, int] | None = None):
        if not isinstance(centres, Tensor) or centres.ndim != 2 or centres.shape[1] != 2:
            shape = tuple(centres.shape) if isinstance(centres, Tensor) else type(centres).__name__
            raise ValueError(f"centres must be a (Q,2) tensor, got {shape}")
        if centres.shape[0] < 1 or not torch.isfinite(centres).all():
            raise ValueError("centres must hold at least one finite (a, b) pair")
        self.centres = centres.to(torch.float32)
        self._grid = _grid  # (step, ab_max, n) when the centres are the a-major n x n grid

    @classmethod
    def grid(cls, step: float = 10.0, ab_max: float = 110.0) -> BinSet:
        """Build the full square grid of bins in a-major order.

        Bin ``ia * n + ib`` has ``a = -ab_max + step * ia`` and ``b = -ab_max + step * ib``.

        Args:
            step: cell side in CIELAB units, > 0.
            ab_max: outermost centre; ``2 * ab_max / step`` must be a whole number.

        Returns:
            The n x n grid, n = 2 * ab_max / step + 1 (23 x 23 = 529 by default).

        Example:
            >>> BinSet.grid(step=55.0).centres[:3].tolist()
            [[-110.0, -110.0], [-110.0, -55.0], [-110.0, 0.0]]
        """
        cells = 2.0 * ab_max / step if step > 0 and ab_max > 0 else float("nan")
        if not abs(cells - round(cells)) < 1e-9:
            raise ValueError(f"2 * ab_max / step must be a positive whole number, got {cells}")
        n = int(round(cells)) + 1
        values = torch.arange(n, dtype=torch.float64) * step - ab_max
        centres = torch.stack([values.repeat_interleave(n), values.repeat(n)], dim=1)
        return cls(centres, _grid=(float(step), float(ab_max), n))

    @classmethod
    def default(cls) -> BinSet:
        """Return the bin set of our own networks: the 23 x 23 grid (529 bins, step 10)."""
        return cls.grid(10.0, 110.0)

    @classmethod
    def from_centres(cls, centres: Tensor | np.ndarray | Sequence[Sequence[float]]) -> BinSet:
        """Wrap given centres, e.g. the 313 of an imported ECCV16 model (its ``model_out`` x 110).

        Args:
            centres: (Q,2) tensor or array-like of (a, b) in CIELAB units.
        """
        return cls(torch.as_tensor(centres, dtype=torch.float32))

    @property
    def num_bins(self) -> int:
        """Q, the number of bins."""
        return int(self.centres.shape[0])

    def to(self, device: torch.device | str) -> BinSet:
        """Return a copy whose centres live on `device`."""
        return BinSet(self.centres.to(device), _grid=self._grid)

    def __repr__(self) -> str:
        kind = f"grid step={self._grid[0]} ab_max={self._grid[1]}" if self._grid else "custom"
        return f"BinSet(num_bins={self.num_bins}, {kind}, device={self.centres.device})"

    # -- nearest centres ---------------------------------------------------------------

    def nearest(self, ab: Tensor) -> Tensor:
        """Find the nearest bin centre of every pixel.

        An ab exactly halfway between centres may go to either (the grid rounds half to even).

        Args:
            ab: (*,2,H,W) float tensor in CIELAB units.

        Returns:
            index: (*,H,W) int64 bin indices in [0, Q).

        Example:
            >>> BinSet.default().nearest(torch.tensor([-108.0, -99.0]).view(2, 1, 1)).tolist()
            [[1]]
        """
        ab = check_image(ab, 2, "ab").detach()
        if self._grid is not None:
            step, ab_max, n = self._grid
            cell = ((ab + ab_max) / step).round_().clamp_(0, n - 1).long()
            return cell[..., 0, :, :] * n + cell[..., 1, :, :]
        a, b = ab[..., 0, :, :].reshape(-1), ab[..., 1, :, :].reshape(-1)
        parts = [d2.argmin(dim=1) for d2 in self._all_sq_distances(a, b)]
        index = torch.cat(parts) if parts else a.new_empty(0, dtype=torch.long)
        return index.view(ab.shape[:-3] + ab.shape[-2:])

    def _all_sq_distances(self, a: Tensor, b: Tensor) -> Iterator[Tensor]:
        """Yield (p, Q) squared distances for blocks of flat points `a`, `b` (P,)."""
        centres = self.centres.to(a)
        for s in range(0, a.numel(), _DIST_CHUNK):
            da = a[s : s + _DIST_CHUNK, None] - centres[:, 0]
            db = b[s : s + _DIST_CHUNK, None] - centres[:, 1]
            yield da.square_().add_(db.square_())

    def _knn(self, a: Tensor, b: Tensor, k: int) -> tuple[Tensor, Tensor]:
        """Squared distances (P,k) and indices (P,k) of the k nearest centres of points (P,)."""
        if self._grid is not None and k <= self._grid[2]:
            return self._knn_grid(a, b, k, self._grid)
        parts = [d2.topk(k, dim=1, largest=False) for d2 in self._all_sq_distances(a, b)]
        if not parts:
            return a.new_empty(0, k), a.new_empty(0, k, dtype=torch.long)
        return torch.cat([p.values for p in parts]), torch.cat([p.indices for p in parts])

    def _knn_grid(self, a: Tensor, b: Tensor, k: int, grid: tuple[float, float, int]) -> tuple[Tensor, Tensor]:
        """k nearest grid centres from a k x k block of candidates.

        The block takes, on each axis, the k grid lines nearest to the point. It is exact: a
        centre off those lines on one axis is at least as far as k centres on them (same other
        coordinate), so it cannot be one of the k nearest (up to ties of equal distance).
        """
        step, ab_max, n = grid
        offsets = torch.arange(k, device=a.device)
        per_axis = []
        for v in (a, b):
            start = torch.ceil((v + ab_max) / step - k / 2.0).clamp_(0, n - k).long()
            lines = start[:, None] + offsets  # (P,k) grid indices on this axis
            per_axis.append((lines, (v[:, None] - (lines * step - ab_max).to(v)).square_()))
        (ia, da2), (ib, db2) = per_axis
        d2 = (da2[:, :, None] + db2[:, None, :]).flatten(1)  # (P,k*k), candidate ja * k + jb
        d2k, cand = d2.topk(k, dim=1, largest=False)
        ja, jb = cand.div(k, rounding_mode="floor"), cand.remainder(k)
        return d2k, ia.gather(1, ja) * n + ib.gather(1, jb)

    # -- encoding and decoding ---------------------------------------------------------

    def soft_encode(self, ab: Tensor, neighbours: int = 5, sigma: float = 5.0) -> Tensor:
        """Spread each pixel's ab over its nearest centres with a Gaussian kernel.

        Args:
            ab: (*,2,H,W) float tensor in CIELAB units (usually (B,2,H,W)).
            neighbours: how many nearest centres share each pixel, in [1, Q].
            sigma: kernel width in CIELAB units, > 0.

        Returns:
            encoding: (*,Q,H,W) tensor of ab's dtype; per pixel non-negative, summing to 1.

        Example:
            >>> enc = BinSet.default().soft_encode(torch.zeros(1, 2, 1, 1))
            >>> round(enc.sum().item(), 6), int(enc.argmax()), round(enc.max().item(), 3)
            (1.0, 264, 0.649)
        """
        check_image(ab, 2, "ab")
        if not 1 <= neighbours <= self.num_bins:
            raise ValueError(f"neighbours must be in [1, {self.num_bins}], got {neighbours}")
        if not sigma > 0:
            raise ValueError(f"sigma must be positive, got {sigma}")
        lead, (h, w) = ab.shape[:-3], ab.shape[-2:]
        flat = ab.reshape(math.prod(lead), 2, h * w)
        a, b = flat[:, 0].reshape(-1), flat[:, 1].reshape(-1)
        d2, index = self._knn(a, b, neighbours)
        weights = torch.softmax(d2 * (-0.5 / sigma**2), dim=1)  # stable: nearest gets exp(0)
        batch = flat.shape[0]
        # (P,k) -> (N,k,HW) so the scatter writes straight into the channel-first layout.
        index = index.view(batch, h * w, neighbours).transpose(1, 2)
        weights = weights.view(batch, h * w, neighbours).transpose(1, 2)
        out = ab.new_zeros(batch, self.num_bins, h * w).scatter_(1, index, weights)
        return out.view(lead + (self.num_bins, h, w))

    def annealed_mean(self, logits: Tensor, temperature: float = 0.38) -> Tensor:
        """Decode bin logits to ab: softmax(logits / T), then the expected centre.

        T = 1 gives the mean of the predicted distribution (smooth, desaturated); T -> 0 its
        mode (colourful, noisy). The softmax subtracts the maximum, so tiny T is stable.

        Args:
            logits: (*,Q,H,W) float tensor.
            temperature: T > 0.

        Returns:
            ab: (*,2,H,W) tensor of the logits' dtype and device, CIELAB units.

        Raises:
            ValueError: T <= 0, or the channel dim is not Q.

        Example:
            >>> logits = torch.zeros(1, 529, 1, 1)
            >>> logits[0, 300] = 5.0  # bin 300 = 13 * 23 + 1: (a, b) = (20, -100)
            >>> BinSet.default().annealed_mean(logits, 1e-3).flatten().tolist()
            [20.0, -100.0]
        """
        check_image(logits, self.num_bins, "logits")
        if not temperature > 0:
            raise ValueError(f"temperature must be positive, got {temperature}")
        probs = torch.softmax(logits / temperature, dim=-3)
        ab = self.centres.to(logits).T @ probs.flatten(-2)  # (2,Q) @ (*,Q,HW)
        return ab.reshape(ab.shape[:-1] + logits.shape[-2:])

    def histogram(self, ab: Tensor, downsample: int = 4, neighbours: int = 5, sigma: float = 5.0) -> Tensor:
        """Compute the global-hint colour histogram: the mean soft encoding over pixels.

        Args:
            ab: (B,2,H,W) float tensor in CIELAB units.
            downsample: average-pool ab by this factor first (SIGGRAPH17 uses 1/4
                resolution); partial windows at the border are averaged over what they hold.
            neighbours, sigma: as in `soft_encode`.

        Returns:
            hist: (B,Q) tensor of ab's dtype; non-negative, each row summing to 1.

        Example:
            >>> hist = BinSet.default().histogram(torch.zeros(2, 2, 8, 8))
            >>> hist.shape, round(hist[0].sum().item(), 6)
            (torch.Size([2, 529]), 1.0)
        """
        check_image(ab, 2, "ab")
        if ab.ndim != 4:
            raise ValueError(f"ab must have shape (B,2,H,W), got {tuple(ab.shape)}")
        if not (isinstance(downsample, int) and downsample >= 1):
            raise ValueError(f"downsample must be an int >= 1, got {downsample!r}")
        if downsample > 1:
            ab = F.avg_pool2d(ab, downsample, ceil_mode=True)
        return self.soft_encode(ab, neighbours, sigma).mean(dim=(-2, -1))

    # -- class rebalancing -------------------------------------------------------------

    def empirical_distribution(self, ab: Tensor, normalize: bool = True) -> Tensor:
        """Count how often each bin is the nearest one (hard assignment).

        Args:
            ab: (*,2,H,W) float tensor in CIELAB units.
            normalize: return probabilities (float32, summing to 1) instead of int64 counts.
                Counts can be summed over a data set, then normalised.

        Returns:
            (Q,) float32 probabilities or int64 counts.

        Example:
            >>> BinSet.default().empirical_distribution(torch.zeros(1, 2, 2, 2))[264].item()
            1.0
        """
        counts = torch.bincount(self.nearest(ab).reshape(-1), minlength=self.num_bins)
        if not normalize:
            return counts
        total = counts.sum()
        if total == 0:
            raise ValueError("ab holds no pixels")
        return counts.to(torch.float32) / total

    def rebalance_weights(self, distribution: Tensor, lam: float = 0.5, sigma: float = 5.0) -> Tensor:
        """Compute the ECCV16 class-rebalancing weight of every bin.

        p is smoothed with a Gaussian over the bin centres (sigma in ab units; each bin takes
        the kernel-weighted average of its neighbours, then p~ is renormalised, so a uniform p
        stays uniform), mixed with the uniform distribution, and inverted:
        ``w = ((1 - lam) * p~ + lam / Q) ** -1``, scaled so that ``sum(p~ * w) = 1``.

        Args:
            distribution: (Q,) non-negative bin frequencies (normalised here).
            lam: weight of the uniform distribution, in (0, 1].
            sigma: smoothing width in CIELAB units, >= 0 (0: no smoothing).

        Returns:
            weights: (Q,) float32 on the distribution's device; rarer bins weigh more.

        Example:
            >>> bins = BinSet.default()
            >>> bins.rebalance_weights(torch.full((529,), 1 / 529))[:2].tolist()
            [1.0, 1.0]
        """
        p = torch.as_tensor(distribution).to(torch.float64)
        if p.shape != (self.num_bins,):
            expected = f"({self.num_bins},)"
            raise ValueError(f"distribution must have shape {expected}, got {tuple(p.shape)}")
        if not (torch.isfinite(p).all() and (p >= 0).all() and p.sum() > 0):
            raise ValueError("distribution must be finite, non-negative and not all zero")
        if not 0 < lam <= 1:
            raise ValueError(f"lam must be in (0, 1], got {lam}")
        if not sigma >= 0:
            raise ValueError(f"sigma must be >= 0, got {sigma}")
        p = p / p.sum()
        if sigma > 0:
            centres = self.centres.to(p)
            kernel = torch.exp(torch.cdist(centres, centres).square_() * (-0.5 / sigma**2))
            p = (kernel @ p) / kernel.sum(dim=1)
            p = p / p.sum()
        w = 1.0 / ((1.0 - lam) * p + lam / self.num_bins)
        return (w / (p * w).sum()).to(torch.float32)

    def class_weights_for(self, ab: Tensor, weights: Tensor) -> Tensor:
        """Look up each pixel's rebalancing weight, that of its nearest bin.

        Args:
            ab: (*,2,H,W) float tensor in CIELAB units.
            weights: (Q,) per-bin weights (from `rebalance_weights`).

        Returns:
            (*,H,W) tensor of the weights' dtype, on ab's device.

        Example:
            >>> bins = BinSet.default()
            >>> w = torch.arange(529.0)
            >>> bins.class_weights_for(torch.zeros(2, 1, 1), w).tolist()
            [[264.0]]
        """
        if not isinstance(weights, Tensor) or weights.shape != (self.num_bins,):
            raise ValueError(f"weights must be a ({self.num_bins},) tensor")
        return weights.to(ab.device)[self.nearest(ab)]
