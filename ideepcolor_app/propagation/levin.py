"""Colorization using Optimization (Levin, Lischinski & Weiss, SIGGRAPH 2004); no network.

Neighbouring pixels with similar lightness should get similar colours. For every pixel r,

    U(r) - sum_s w_rs U(s) = 0        (r not hinted),
    U(r) = hint(r)                    (r hinted),

is solved for U = a and for U = b with the same sparse matrix. The weights come from the
lightness Y = L / 100 in a (2k+1) x (2k+1) window around r (k = `window`, clipped at the
image border):

    w_rs ∝ exp(-(Y(r) - Y(s))^2 / c_r),   normalised so that sum_s w_rs = 1,
    c_r = max(0.6 * var_r, min_s (Y(r) - Y(s))^2 / ln(100), 2e-6),

where var_r is the variance of Y over the window (centre included). `c_r` plays the role
of 2 sigma_r^2 in the paper; the 0.6 factor and the two floors follow the authors' MATLAB
release (getColorExact.m): the middle floor keeps the closest neighbour's unnormalised
weight at least 0.01, so no row's weights all underflow to zero, and 2e-6 guards flat
windows. Everything that depends on L alone (A = I - W) is built once by `LevinSolver`; a
hint edit only rebuilds the constrained rows and refactorises (scipy SuperLU, one
factorisation for both a and b).

Speed: SuperLU's own COLAMD ordering fills a 256 x 256 grid factor with ~10 M entries. A
geometric nested-dissection ordering of the pixel grid (computed once per image size)
halves the fill and cuts the factorise-and-solve time about threefold (0.47 s -> 0.16 s
measured on 2 shared CPU cores). The constrained matrix is a nonsingular
M-matrix (a Z-matrix whose rows sum to >= 0, irreducibly diagonally dominant once one row
is a hint), so Gaussian elimination on it needs no pivoting and the diagonal pivots that
keep the ordering intact are stable.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

__all__ = ["LevinFactor", "LevinSolver", "affinity_matrix", "levin_colorize"]

# Constants of the authors' weight function (getColorExact.m); see the module docstring.
_VAR_SCALE = 0.6
_MIN_NEIGHBOUR_WEIGHT = 0.01
_DENOM_FLOOR = 2e-6
#: Up to this many hinted pixels, `LevinFactor.soften` updates the influence columns instead
#: of factorising again (measured on a 64 x 64 grid: cheaper up to about 32).
_WOODBURY_MAX_ROWS = 32


def _check_l(l: np.ndarray) -> np.ndarray:
    """Return `l` as float64 after checking it is a finite (H, W) array."""
    l = np.asarray(l)
    if l.ndim != 2 or min(l.shape) < 1:
        raise ValueError(f"l must have shape (H, W), got {l.shape}")
    l = l.astype(np.float64, copy=False)
    if not np.all(np.isfinite(l)):
        raise ValueError("l contains NaN or infinite values")
    return l


def _check_hints(hint_ab: np.ndarray, hint_mask: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Return (hint_ab float64 (2, H, W), hint_mask bool (H, W)) after checking shapes."""
    hint_ab = np.asarray(hint_ab)
    hint_mask = np.asarray(hint_mask)
    if hint_ab.shape != (2, *shape):
        raise ValueError(f"hint_ab must have shape (2, H, W) = {(2, *shape)}, got {hint_ab.shape}")
    if hint_mask.shape != shape:
        raise ValueError(f"hint_mask must have shape (H, W) = {shape}, got {hint_mask.shape}")
    mask = hint_mask >= 0.5 if hint_mask.dtype != np.bool_ else hint_mask
    hint_ab = hint_ab.astype(np.float64, copy=False)
    if not np.all(np.isfinite(hint_ab[:, mask])):
        raise ValueError("hint_ab contains NaN or infinite values at hinted pixels")
    return hint_ab, mask


def _window_stack(y: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Gather every pixel's window of lightness values and flat indices.

    Args:
        y: (H, W) float64 lightness in [0, 1].
        window: k, the window half-width; windows are (2k+1) x (2k+1).

    Returns:
        nb_y: (H*W, K) float64, K = (2k+1)^2, neighbour lightness; NaN outside the image.
        nb_idx: (H*W, K) int64 flat neighbour indices; -1 outside the image. Columns are in
            row-major offset order, so valid indices increase along each row.
    """
    h, w = y.shape
    k = window
    y_pad = np.pad(y, k, constant_values=np.nan)
    idx_pad = np.pad(np.arange(h * w, dtype=np.int64).reshape(h, w), k, constant_values=-1)
    offsets = [(dr, dc) for dr in range(2 * k + 1) for dc in range(2 * k + 1)]
    nb_y = np.stack([y_pad[dr : dr + h, dc : dc + w].ravel() for dr, dc in offsets], axis=1)
    nb_idx = np.stack([idx_pad[dr : dr + h, dc : dc + w].ravel() for dr, dc in offsets], axis=1)
    return nb_y, nb_idx


def _window_weights(nb_y: np.ndarray, centre: int, guide_d2: np.ndarray | None = None) -> np.ndarray:
    """Compute normalised affinities w_rs of each pixel to its window neighbours.

    Args:
        nb_y: (N, K) float64 neighbour lightness in [0, 1]; NaN outside the image.
        centre: column of `nb_y` holding the pixel itself.
        guide_d2: optional (N, K) float64 squared guide distances (see
            `affinity_matrix`); each weight is multiplied by exp(-guide_d2) before normalising.

    Returns:
        (N, K) float64 weights, each row summing to 1; 0 at the centre and outside the image.
    """
    valid = ~np.isnan(nb_y)
    y_r = nb_y[:, centre : centre + 1]
    mean = np.nanmean(nb_y, axis=1, keepdims=True)
    var = np.nanmean((nb_y - mean) ** 2, axis=1)
    neighbour = valid.copy()
    neighbour[:, centre] = False
    d2 = np.where(neighbour, (nb_y - y_r) ** 2, np.inf)
    min_d2 = d2.min(axis=1)
    min_d2[~np.isfinite(min_d2)] = 0.0  # a 1x1 image has no neighbours
    denom = np.maximum(_VAR_SCALE * var, min_d2 / -math.log(_MIN_NEIGHBOUR_WEIGHT))
    denom = np.maximum(denom, _DENOM_FLOOR)
    exponent = d2 / denom[:, None]  # inf off the image and at the centre: weight 0
    if guide_d2 is not None:
        exponent = exponent + np.where(neighbour, guide_d2, 0.0)
    # Subtracting each row's smallest exponent rescales the row (normalised away) and keeps
    # the closest neighbour's weight at 1, so no row underflows to all zeros.
    smallest = np.min(exponent, axis=1, keepdims=True)
    weights = np.exp(-(exponent - np.where(np.isfinite(smallest), smallest, 0.0)))
    total = weights.sum(axis=1, keepdims=True)
    normalised: np.ndarray = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
    return normalised


def _dissection_order(h: int, w: int, window: int, leaf: int = 16) -> np.ndarray:
    """Order the pixels of an (h, w) grid by geometric nested dissection.

    Each rectangle is split across its longer side by a separator `window` pixels thick
    (so no window couples the two halves); the halves are ordered first, the separator
    last. Rectangles of at most `leaf` pixels keep row-major order. The recursion visits
    blocks, not pixels (about 2 h w / leaf calls).

    Returns:
        (h*w,) int64 permutation: position i of the ordering holds flat pixel index p[i].
    """
    idx = np.arange(h * w, dtype=np.int64).reshape(h, w)
    parts: list[np.ndarray] = []

    def split(r0: int, r1: int, c0: int, c1: int) -> None:
        rows, cols = r1 - r0, c1 - c0
        if rows * cols <= leaf or max(rows, cols) <= window + 2:
            parts.append(idx[r0:r1, c0:c1].ravel())
        elif rows >= cols:
            mid = r0 + (rows - window) // 2
            split(r0, mid, c0, c1)
            split(mid + window, r1, c0, c1)
            parts.append(idx[mid : mid + window, c0:c1].ravel())
        else:
            mid = c0 + (cols - window) // 2
            split(r0, r1, c0, mid)
            split(r0, r1, mid + window, c1)
            parts.append(idx[r0:r1, mid : mid + window].ravel())

    split(0, h, 0, w)
    return np.concatenate(parts)


def affinity_matrix(l: np.ndarray, window: int = 1, guide: np.ndarray | None = None) -> sp.csr_matrix:
    """Build A = I - W, the Levin et al. affinity matrix of a lightness image.

    Args:
        l: (H, W) float CIELAB lightness in [0, 100].
        window: window half-width k >= 1; 1 gives the paper's 3x3 neighbourhood.
        guide: optional (C, H, W) extra guide channels (e.g. a network's predicted ab, scaled):
            neighbours also need similar guide values, w_rs *= exp(-|g(r) - g(s)|^2), so
            colour edges that lightness does not show stop propagation too.

    Returns:
        (H*W, H*W) float64 CSR matrix with 1 on the diagonal and -w_rs off it; each row sums
        to 0 (pixels are flattened row-major). Column indices are sorted within each row.
    """
    l = _check_l(l)
    if int(window) != window or window < 1:
        raise ValueError(f"window must be an integer >= 1, got {window!r}")
    window = int(window)
    nb_y, nb_idx = _window_stack(l / 100.0, window)
    centre = nb_y.shape[1] // 2
    guide_d2 = None
    if guide is not None:
        guide = np.asarray(guide, dtype=np.float64)
        if guide.ndim != 3 or guide.shape[1:] != l.shape or not np.all(np.isfinite(guide)):
            raise ValueError(f"guide must be finite with shape (C, {l.shape[0]}, {l.shape[1]})")
        guide_d2 = np.zeros_like(nb_y)
        for channel in guide:
            nb_g = _window_stack(channel, window)[0]
            guide_d2 += np.nan_to_num((nb_g - nb_g[:, centre : centre + 1]) ** 2)
    data = -_window_weights(nb_y, centre, guide_d2)
    data[:, centre] = 1.0
    valid = nb_idx >= 0
    indptr = np.concatenate([[0], np.cumsum(valid.sum(axis=1))])
    n = l.size
    return sp.csr_matrix((data[valid], nb_idx[valid], indptr), shape=(n, n))


class LevinSolver:
    """Propagate colour hints along the lightness of one image (Levin et al. 2004).

    Caches what depends on L alone: the affinity matrix A = I - W as a CSR matrix
    (`affinity`, pixels in row-major order) and a fill-reducing pixel ordering with A
    permuted by it, so a hint edit only rebuilds the constrained rows, factorises once
    and solves for a and b.

    Args:
        l: (H, W) float32/float64 CIELAB lightness in [0, 100].
        window: window half-width k >= 1 (the paper uses 1, a 3x3 window).
        eps: relative residual tolerance of each solve: a solution is accepted when
            ||M x - rhs|| <= eps * max(1, ||rhs||) for both a and b. SuperLU is direct, so
            this only catches a numerically failed factorisation.
        guide: optional (C, H, W) extra guide channels; see `affinity_matrix`.

    Example:
        >>> l = np.full((4, 4), 50.0)
        >>> hint_ab = np.zeros((2, 4, 4)); hint_ab[:, 0, 0] = (20.0, -10.0)
        >>> mask = np.zeros((4, 4), bool); mask[0, 0] = True
        >>> LevinSolver(l).solve(hint_ab, mask)[:, 3, 3].round(3).tolist()
        [20.0, -10.0]
    """

    def __init__(self, l: np.ndarray, window: int = 1, eps: float = 1e-6, guide: np.ndarray | None = None) -> None:
        self.affinity = affinity_matrix(l, window, guide)
        self.shape = (int(l.shape[0]), int(l.shape[1]))
        self.eps = float(eps)
        self._order = _dissection_order(*self.shape, int(window))
        self._ordered = self.affinity[self._order][:, self._order].tocsr()
        counts = np.diff(self._ordered.indptr)
        self._entry_row = np.repeat(np.arange(self._ordered.shape[0]), counts)
        self._diag_pos = np.flatnonzero(self._ordered.indices == self._entry_row)

    def solve(self, hint_ab: np.ndarray, hint_mask: np.ndarray) -> np.ndarray:
        """Propagate the hints to every pixel.

        Args:
            hint_ab: (2, H, W) float CIELAB ab; read only where `hint_mask` is set.
            hint_mask: (H, W) bool, or float with 1.0 at hinted pixels (>= 0.5 counts).

        Returns:
            ab: (2, H, W) float32 CIELAB ab; exactly `hint_ab` at hinted pixels, all zeros
            (grey) when there are no hints.

        Raises:
            ValueError: on shapes that do not match the image, or non-finite hints.
            RuntimeError: if the solve residual exceeds the tolerance.
        """
        hint_ab, mask = _check_hints(hint_ab, hint_mask, self.shape)
        out = np.zeros((2, *self.shape), dtype=np.float32)
        if not mask.any():
            return out
        out[:] = self.factorize(mask).solve(hint_ab)
        out[:, mask] = hint_ab[:, mask]  # exact at hints, free of round-off
        return out

    def factorize(self, hint_mask: np.ndarray, decay: float = 0.0) -> LevinFactor:
        """Factorise the system for one set of hinted pixels; solve it for any hint values.

        Args:
            hint_mask: (H, W) bool, True at hinted pixels (at least one).
            decay: lambda >= 0 added to the diagonal of every free row: values then fade
                towards 0 away from the hints, over about 1 / sqrt(lambda) pixels of flat
                lightness and much faster across edges (0: the paper's solve).
        """
        hinted = np.asarray(hint_mask, bool).ravel()[self._order]
        system = self._constrained_system(hinted, decay)
        return LevinFactor(self, system, _factorise(system), hinted, decay)

    def _constrained_system(
        self, hinted: np.ndarray, decay: float = 0.0, strength: np.ndarray | None = None
    ) -> sp.csr_matrix:
        """Replace the rows of hinted pixels in the ordered A by (softened) identity rows.

        Args:
            hinted: (H*W,) bool in the dissection order, True at hinted pixels.
            decay: added to the diagonal of the free rows.
            strength: optional (H*W,) s in (0, 1], read at hinted pixels: their rows become
                s I + (1 - s)(A + decay I) (see `LevinFactor.soften`); None: s = 1.

        Returns:
            (H*W, H*W) float64 CSR matrix diag(1 - m) (A + decay I) + diag(m), m = s at hinted
            pixels and 0 elsewhere, explicit zeros removed.
        """
        a = self._ordered
        m = np.where(hinted, 1.0 if strength is None else strength, 0.0)
        data = a.data * (1.0 - m)[self._entry_row]
        data[self._diag_pos] = m + (1.0 - m) * (1.0 + decay)
        system = sp.csr_matrix((data, a.indices.copy(), a.indptr.copy()), shape=a.shape)
        system.eliminate_zeros()
        return system

    def _check_residual(self, system: sp.csr_matrix, x: np.ndarray, rhs: np.ndarray) -> None:
        """Raise RuntimeError if ||M x - rhs|| > eps * max(1, ||rhs||) for a or b."""
        residual = np.linalg.norm(system @ x - rhs, axis=0)
        bound = self.eps * np.maximum(1.0, np.linalg.norm(rhs, axis=0))
        if np.any(residual > bound):
            raise RuntimeError(f"Levin solve residual {residual.max():.3g} exceeds {bound.max():.3g}")


class LevinFactor:
    """A factorised Levin system for one set of hinted pixels (see `LevinSolver.factorize`).

    Solving again for other values at the same pixels (three channels, or a residual after a
    network) costs only the triangular solves. The solution is linear in the hinted values, so
    when there are fewer hinted pixels than channels to solve for (a few points, and the many
    moments of `colour_lines`), it solves once per hinted pixel, keeps those influence columns,
    and every later solve is a matrix product.
    """

    def __init__(
        self,
        solver: LevinSolver,
        system: sp.csr_matrix,
        lu: spla.SuperLU,
        hinted: np.ndarray,
        decay: float = 0.0,
        strength: np.ndarray | None = None,
        influence: np.ndarray | None = None,
    ) -> None:
        self._solver, self._system, self._lu, self._hinted = solver, system, lu, hinted
        self._decay = decay
        self._hinted_rows = np.flatnonzero(hinted)
        #: Scale of each hinted row's right-hand side (its strength); None: 1.
        self._rhs_scale = None if strength is None else strength[self._hinted_rows]
        self._influence = influence  # (N, hinted pixels) once computed

    def solve(self, values: np.ndarray) -> np.ndarray:
        """Propagate `values` (C, H, W), read at the hinted pixels; returns (C, H, W) float64.

        Raises:
            RuntimeError: if the solve residual exceeds the solver's tolerance.
        """
        order = self._solver._order
        channels = values.shape[0]
        flat = np.asarray(values, np.float64).reshape(channels, -1)[:, order]
        rows = self._hinted_rows
        hinted_values = flat[:, rows].T  # (hinted pixels, C)
        if self._rhs_scale is not None:
            hinted_values = hinted_values * self._rhs_scale[:, None]
        rhs = np.zeros((flat.shape[1], channels))
        rhs[rows] = hinted_values
        if self._influence is None and rows.size < channels:
            self._influence_columns()
        if self._influence is not None:
            solution = self._influence @ hinted_values
        else:
            solution = self._lu.solve(rhs)
        self._solver._check_residual(self._system, solution, rhs)
        out = np.empty_like(solution)
        out[order] = solution
        return out.T.reshape(channels, *self._solver.shape)

    def soften(self, strength: np.ndarray) -> LevinFactor:
        """The same hints as soft constraints: each hinted row becomes s (x - hint) +
        (1 - s)(a free row), so a hint pulls its pixel towards its value with strength s
        instead of fixing it, and hints pass each other's influence on.

        Where points are dense, normalising such a solve (as `CoarsePropagator` does) averages
        neighbouring hints instead of letting the nearest one decide, which a coarse grid's
        cells, each only partly covered by a hint, need (docs/models.md, "Propagation constants").

        Args:
            strength: (H, W) s in (0, 1], read at the hinted pixels.
        Returns:
            The softened system's factor. With few hinted pixels it needs no new factorisation:
            the softened rows differ from these by D on the hinted rows only, so with this
            factor's influence columns Z the new ones are Z (I + D Z)^-1 (Woodbury).
        """
        s = np.asarray(strength, np.float64).ravel()[self._solver._order]
        s = np.where(self._hinted, s, 1.0)
        if not np.all((s > 0.0) & (s <= 1.0)):
            raise ValueError("strength must lie in (0, 1] at every hinted pixel")
        system = self._solver._constrained_system(self._hinted, self._decay, s)
        rows = self._hinted_rows
        if rows.size > _WOODBURY_MAX_ROWS:
            return LevinFactor(self._solver, system, _factorise(system), self._hinted, self._decay, s)
        z = self._influence_columns()
        d = system[rows] - self._system[rows]  # only the hinted rows differ
        influence = np.linalg.solve((np.eye(rows.size) + d @ z).T, z.T).T
        return LevinFactor(self._solver, system, None, self._hinted, self._decay, s, influence)

    def _influence_columns(self) -> np.ndarray:
        """(N, hinted pixels): the solution for a unit value at each hinted pixel."""
        if self._influence is None:
            rows = self._hinted_rows
            units = np.zeros((self._system.shape[0], rows.size))
            units[rows, np.arange(rows.size)] = 1.0
            self._influence = self._lu.solve(units)
        return self._influence


def _factorise(system: sp.csr_matrix) -> spla.SuperLU:
    """SuperLU of a constrained system, kept in the dissection order: its diagonal pivots
    are stable because the system is an M-matrix (see the module docstring)."""
    return spla.splu(system.tocsc(), permc_spec="NATURAL", diag_pivot_thresh=0.0)


def levin_colorize(
    l: np.ndarray,
    hint_ab: np.ndarray,
    hint_mask: np.ndarray,
    *,
    window: int = 1,
    eps: float = 1e-6,
) -> np.ndarray:
    """Colourise `l` by propagating the hinted ab along lightness (Levin et al. 2004).

    Args:
        l: (H, W) float32/float64 CIELAB lightness in [0, 100].
        hint_ab: (2, H, W) float CIELAB ab; read only where `hint_mask` is set.
        hint_mask: (H, W) bool, or float with 1.0 at hinted pixels (>= 0.5 counts).
        window: window half-width k >= 1 (1 = the paper's 3x3 window).
        eps: relative residual tolerance; see `LevinSolver`.

    Returns:
        ab: (2, H, W) float32 CIELAB ab; zeros when there are no hints.

    Raises:
        ValueError: on malformed shapes or values.
    """
    l = _check_l(l)
    _check_hints(hint_ab, hint_mask, l.shape)  # fail before building the matrix
    return LevinSolver(l, window=window, eps=eps).solve(hint_ab, hint_mask)
