"""Tests for the Levin et al. (2004) optimisation colouriser."""

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ideepcolor_app.propagation.levin import (
    LevinSolver,
    _dissection_order,
    affinity_matrix,
    levin_colorize,
)

AB_LEFT = np.array([40.0, -30.0])
AB_RIGHT = np.array([-50.0, 60.0])


def _point_hints(shape, points):
    """Return (hint_ab (2, H, W) float64, hint_mask (H, W) bool) for {(row, col): (a, b)}."""
    hint_ab = np.zeros((2, *shape))
    hint_mask = np.zeros(shape, dtype=bool)
    for (row, col), ab in points.items():
        hint_ab[:, row, col] = ab
        hint_mask[row, col] = True
    return hint_ab, hint_mask


@pytest.fixture
def two_region_l() -> np.ndarray:
    """(24, 32) float64 L: 25 on the left half, 75 on the right, a sharp vertical edge."""
    l = np.full((24, 32), 25.0)
    l[:, 16:] = 75.0
    return l


@pytest.fixture
def two_region_hints():
    """One hint at the centre of each half of a (24, 32) image, with different colours."""
    return _point_hints((24, 32), {(12, 8): AB_LEFT, (12, 24): AB_RIGHT})


@pytest.fixture
def textured_l() -> np.ndarray:
    """(20, 28) float64 L in [0, 100]: smooth waves plus noise, fixed seed."""
    rng = np.random.default_rng(0)
    rows, cols = np.mgrid[:20, :28]
    l = 50 + 30 * np.sin(cols / 4.0) * np.cos(rows / 5.0) + rng.normal(0, 4, (20, 28))
    return np.clip(l, 0, 100)


@pytest.fixture
def textured_hints():
    """Three hints on a (20, 28) image."""
    return _point_hints((20, 28), {(2, 3): (30, 10), (15, 20): (-20, 45), (9, 26): (5, -60)})


def test_levin_colorize_edge_stops_colour_leak(two_region_l, two_region_hints):
    ab = levin_colorize(two_region_l, *two_region_hints)
    np.testing.assert_allclose(ab[:, :, :16], AB_LEFT[:, None, None] * np.ones((24, 16)), atol=1.5)
    np.testing.assert_allclose(ab[:, :, 16:], AB_RIGHT[:, None, None] * np.ones((24, 16)), atol=1.5)


def test_levin_colorize_flat_image_blends_hints(two_region_hints):
    # Control for the edge test: without the edge the two colours mix.
    ab = levin_colorize(np.full((24, 32), 50.0), *two_region_hints)
    assert np.abs(ab[:, :, 15] - AB_LEFT[:, None]).max() > 20.0


def test_levin_colorize_hinted_pixel_keeps_hint(textured_l, textured_hints):
    hint_ab, hint_mask = textured_hints
    ab = levin_colorize(textured_l, hint_ab, hint_mask)
    np.testing.assert_array_equal(ab[:, hint_mask], hint_ab[:, hint_mask].astype(np.float32))


def test_levin_colorize_no_hints_returns_zeros(textured_l):
    ab = levin_colorize(textured_l, np.full((2, 20, 28), 7.0), np.zeros((20, 28)))
    assert ab.dtype == np.float32
    np.testing.assert_array_equal(ab, np.zeros((2, 20, 28), np.float32))


def test_levin_colorize_single_hint_fills_flat_image():
    hint_ab, hint_mask = _point_hints((12, 17), {(3, 11): (25.0, -40.0)})
    ab = levin_colorize(np.full((12, 17), 60.0), hint_ab, hint_mask)
    np.testing.assert_allclose(ab[0], 25.0, atol=1e-4)
    np.testing.assert_allclose(ab[1], -40.0, atol=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 1), (1, 9), (7, 1), (5, 6), (13, 8)])
def test_levin_colorize_shape_and_dtype(shape, dtype):
    l = np.linspace(0, 100, np.prod(shape)).reshape(shape).astype(dtype)
    hint_ab, hint_mask = _point_hints(shape, {(0, 0): (10.0, 20.0)})
    ab = levin_colorize(l, hint_ab.astype(dtype), hint_mask.astype(dtype))
    assert ab.shape == (2, *shape)
    assert ab.dtype == np.float32
    assert np.all(np.isfinite(ab))


def test_levin_colorize_stays_within_hint_range(textured_l, textured_hints):
    # W is row-stochastic, so every unhinted value is a weighted mean of its neighbours.
    hint_ab, hint_mask = textured_hints
    ab = levin_colorize(textured_l, hint_ab, hint_mask)
    for channel in range(2):
        values = hint_ab[channel, hint_mask]
        assert values.min() - 1e-4 <= ab[channel].min()
        assert ab[channel].max() <= values.max() + 1e-4


def test_levin_colorize_matches_direct_solve(textured_l, textured_hints):
    # Reference: the row-replaced system in row-major order, SuperLU's default ordering.
    hint_ab, hint_mask = textured_hints
    m = hint_mask.ravel().astype(float)
    system = sp.diags(1 - m) @ affinity_matrix(textured_l) + sp.diags(m)
    rhs = (hint_ab.reshape(2, -1) * m).T
    expected = spla.splu(system.tocsc()).solve(rhs).T.reshape(2, 20, 28)
    ab = levin_colorize(textured_l, hint_ab, hint_mask)
    np.testing.assert_allclose(ab, expected, atol=1e-4)


def test_levin_solver_solve_matches_levin_colorize(textured_l, textured_hints):
    solver = LevinSolver(textured_l)
    other_ab, other_mask = _point_hints((20, 28), {(10, 10): (-5.0, 5.0)})
    solver.solve(other_ab, other_mask)  # an earlier edit must not change later results
    np.testing.assert_array_equal(solver.solve(*textured_hints), levin_colorize(textured_l, *textured_hints))


def test_levin_colorize_is_linear_in_hint_ab(textured_l, textured_hints):
    hint_ab, hint_mask = textured_hints
    ab = levin_colorize(textured_l, hint_ab, hint_mask)
    ab_doubled = levin_colorize(textured_l, 2 * hint_ab, hint_mask)
    np.testing.assert_allclose(ab_doubled, 2 * ab, atol=1e-4)


def test_levin_colorize_larger_window(two_region_l, two_region_hints):
    ab = levin_colorize(two_region_l, *two_region_hints, window=2)
    np.testing.assert_allclose(ab[:, 12, 2], AB_LEFT, atol=1.5)
    np.testing.assert_allclose(ab[:, 12, 30], AB_RIGHT, atol=1.5)


def test_affinity_matrix_rows(textured_l):
    a = affinity_matrix(textured_l).toarray()
    np.testing.assert_allclose(a.sum(axis=1), 0.0, atol=1e-12)
    np.testing.assert_array_equal(np.diag(a), 1.0)
    off_diagonal = a - np.diag(np.diag(a))
    assert off_diagonal.max() <= 0.0
    # Corner pixel: 3 neighbours in a 3x3 window; interior pixel: 8.
    assert np.count_nonzero(a[0]) == 4
    assert np.count_nonzero(a[5 * 28 + 5]) == 9


def test_affinity_matrix_weights_follow_lightness():
    # Centre pixel of a 3x3 image; weights by hand: exp(-d^2 / (0.6 var)), normalised.
    l = np.array([[50.0, 50.0, 50.0], [50.0, 50.0, 50.0], [50.0, 50.0, 80.0]])
    y = l.ravel() / 100
    weights = np.exp(-((y - y[4]) ** 2) / (0.6 * y.var()))
    weights[4] = 0
    weights /= weights.sum()
    expected_row = -weights
    expected_row[4] = 1.0
    np.testing.assert_allclose(affinity_matrix(l).toarray()[4], expected_row, rtol=1e-12)


@pytest.mark.parametrize("shape", [(1, 1), (3, 50), (31, 17), (64, 64)])
@pytest.mark.parametrize("window", [1, 2])
def test_dissection_order_is_permutation(shape, window):
    order = _dissection_order(*shape, window)
    np.testing.assert_array_equal(np.sort(order), np.arange(shape[0] * shape[1]))


def test_levin_colorize_shape_mismatch_names_shapes(textured_l):
    with pytest.raises(ValueError, match=r"hint_ab.*\(2, 20, 28\).*\(2, 20, 27\)"):
        levin_colorize(textured_l, np.zeros((2, 20, 27)), np.zeros((20, 28)))
    with pytest.raises(ValueError, match=r"hint_mask.*\(20, 28\).*\(28, 20\)"):
        levin_colorize(textured_l, np.zeros((2, 20, 28)), np.zeros((28, 20)))
    with pytest.raises(ValueError, match=r"hint_ab.*\(1, 20, 28\)"):
        LevinSolver(textured_l).solve(np.zeros((1, 20, 28)), np.zeros((20, 28)))


@pytest.mark.parametrize(
    "l, window",
    [
        (np.zeros((2, 3, 4)), 1),
        (np.zeros(5), 1),
        (np.full((3, 3), np.nan), 1),
        (np.zeros((3, 3)), 0),
    ],
)
def test_levin_colorize_rejects_bad_l_or_window(l, window):
    with pytest.raises(ValueError):
        levin_colorize(l, np.zeros((2, 3, 3)), np.zeros((3, 3)), window=window)


def test_levin_colorize_rejects_non_finite_hint():
    hint_ab, hint_mask = _point_hints((4, 4), {(1, 1): (np.nan, 0.0)})
    with pytest.raises(ValueError, match="hint_ab"):
        levin_colorize(np.full((4, 4), 50.0), hint_ab, hint_mask)


def _direct_soft_solve(solver, mask, strength, decay, values):
    """The softened system built by hand, in pixel order, solved directly."""
    a = solver.affinity.toarray()
    m = np.where(mask.ravel(), strength.ravel(), 0.0)
    system = (1.0 - m)[:, None] * (a + decay * np.eye(a.shape[0])) + np.diag(m)
    rhs = np.where(mask.ravel(), m * values.ravel(), 0.0)
    return np.linalg.solve(system, rhs).reshape(mask.shape)


@pytest.mark.parametrize("max_rows", [0, 1000], ids=["factorised", "woodbury"])
def test_softened_factor_solves_the_softened_system(textured_l, max_rows, monkeypatch):
    """Both ways `soften` takes (a new factorisation, or the influence update with few hinted
    pixels) solve s (x - hint) + (1 - s)(a free row) = 0 on the hinted rows."""
    from ideepcolor_app.propagation import levin

    monkeypatch.setattr(levin, "_WOODBURY_MAX_ROWS", max_rows)
    rng = np.random.default_rng(5)
    mask = np.zeros(textured_l.shape, bool)
    mask[2:5, 3:6] = mask[14:16, 20:23] = True
    strength = rng.uniform(0.05, 1.0, textured_l.shape)
    values = rng.uniform(-60, 60, (2, *textured_l.shape))
    solver = LevinSolver(textured_l)
    soft = solver.factorize(mask, 1e-3).soften(strength).solve(values)
    for c in range(2):
        expected = _direct_soft_solve(solver, mask, strength, 1e-3, values[c])
        assert np.abs(soft[c] - expected).max() < 1e-8
    # A softly held hint is not reproduced exactly; a hard one (strength 1) is.
    assert np.abs(soft[:, mask] - values[:, mask]).max() > 1.0
    hard = solver.factorize(mask, 1e-3).soften(np.ones(textured_l.shape)).solve(values)
    assert np.abs(hard[:, mask] - values[:, mask]).max() < 1e-8


def test_soften_rejects_a_strength_outside_0_1(textured_l):
    mask = np.zeros(textured_l.shape, bool)
    mask[3, 3] = True
    factor = LevinSolver(textured_l).factorize(mask)
    with pytest.raises(ValueError, match="strength"):
        factor.soften(np.zeros(textured_l.shape))
