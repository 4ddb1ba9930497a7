"""Tests for the simulated (training / evaluation) hint sampler."""

import numpy as np
import pytest
import torch

from ideepcolor_app.hints import (
    Hints,
    patch_bounds,
    rasterize_hints,
    simulate_hints,
    simulate_n_hints,
)


@pytest.fixture
def ramp_ab() -> np.ndarray:
    """(2, 24, 32) float64 ab: a ramps across columns, b down rows, plus seeded noise."""
    h, w = 24, 32
    a = np.linspace(-60.0, 60.0, w)[None, :].repeat(h, 0)
    b = np.linspace(-40.0, 80.0, h)[:, None].repeat(w, 1)
    noise = np.random.default_rng(0).normal(0.0, 5.0, (2, h, w))
    return np.stack([a, b]) + noise


def test_simulate_is_reproducible_with_a_fixed_seed(ramp_ab):
    first = simulate_hints(ramp_ab, np.random.default_rng(123))
    second = simulate_hints(ramp_ab, np.random.default_rng(123))
    assert first == second
    assert simulate_hints(ramp_ab, np.random.default_rng(124)) != first


def test_simulate_returns_working_resolution_hints(ramp_ab):
    hints = simulate_hints(ramp_ab, np.random.default_rng(1), max_points=50, p_continue=0.99)
    assert isinstance(hints, Hints)
    assert (hints.width, hints.height) == (32, 24)
    assert hints.global_hints.is_empty
    assert len(hints.points) == 50  # capped by max_points
    assert {p.size for p in hints.points} <= set(range(1, 10))


def test_simulate_count_is_geometric_with_mean_seven():
    ab = np.zeros((2, 12, 12))
    rng = np.random.default_rng(2024)
    counts = np.array([len(simulate_hints(ab, rng).points) for _ in range(2000)])
    assert 6.4 <= counts.mean() <= 7.6
    # P(N = 0) = 1/8 for a geometric count starting at zero
    assert 0.10 <= (counts == 0).mean() <= 0.15
    assert counts.max() > 25


def test_simulate_patch_sizes_are_uniform_over_1_to_9():
    ab = np.zeros((2, 12, 12))
    rng = np.random.default_rng(7)
    sizes = [p.size for _ in range(400) for p in simulate_hints(ab, rng).points]
    counts = np.bincount(sizes, minlength=10)
    assert counts[0] == 0
    assert np.all(counts[1:] > 0.7 * len(sizes) / 9)


def test_patch_colour_is_the_ground_truth_mean_and_patch_is_inside(ramp_ab):
    hints = simulate_hints(ramp_ab, np.random.default_rng(5), max_points=40, p_continue=0.999)
    for point in hints.points:
        box = patch_bounds(point, (32, 24), (24, 32))
        r0, r1, c0, c1 = box
        # The patch is never clipped: the sampler keeps it inside the image.
        assert (r1 - r0, c1 - c0) == (point.size, point.size)
        # The point sits at the patch centre.
        assert (point.x, point.y) == (c0 + point.size / 2, r0 + point.size / 2)
        expected = ramp_ab[:, r0:r1, c0:c1].mean(axis=(1, 2))
        assert point.ab == pytest.approx(tuple(expected), abs=1e-12)


def test_rasterized_simulation_reproduces_the_patches(ramp_ab):
    hints = simulate_n_hints(ramp_ab, 3, np.random.default_rng(9), patch_size=3)
    t = rasterize_hints(hints, (24, 32))
    last = hints.points[-1]
    r0, r1, c0, c1 = patch_bounds(last, (32, 24), (24, 32))
    assert torch.allclose(t.ab[0, :, r0:r1, c0:c1], torch.tensor(last.ab, dtype=torch.float32)[:, None, None])
    assert t.mask.sum().item() <= 27 and t.mask[0, 0, r0:r1, c0:c1].sum().item() == 9


def test_positions_are_centred_on_the_image():
    ab = np.zeros((2, 64, 64))
    hints = simulate_n_hints(ab, 1000, np.random.default_rng(3), patch_size=6)
    xs = np.array([p.x for p in hints.points])
    ys = np.array([p.y for p in hints.points])
    assert abs(xs.mean() - 32.0) < 1.0 and abs(ys.mean() - 32.0) < 1.0
    # sigma = (64 - 6 + 1) / 4 = 14.75 before clipping
    assert 12.0 < xs.std() < 15.5
    assert xs.min() >= 3.0 and xs.max() <= 61.0


def test_simulate_n_hints_gives_exactly_n(ramp_ab):
    for n in (0, 1, 2, 5, 10, 20, 50, 100):
        hints = simulate_n_hints(ramp_ab, n, np.random.default_rng(n))
        assert len(hints.points) == n
        assert all(p.size == 6 for p in hints.points)
    assert simulate_n_hints(ramp_ab, 5, np.random.default_rng(1)) == simulate_n_hints(
        ramp_ab, 5, np.random.default_rng(1)
    )


def test_torch_and_batched_input_give_the_same_hints(ramp_ab):
    expected = simulate_n_hints(ramp_ab, 4, np.random.default_rng(0))
    as_torch = torch.from_numpy(ramp_ab)[None]
    assert simulate_n_hints(as_torch, 4, np.random.default_rng(0)) == expected


def test_bad_inputs_raise(ramp_ab):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="shape"):
        simulate_hints(np.zeros((3, 8, 8)), rng)
    with pytest.raises(ValueError, match="does not fit"):
        simulate_n_hints(np.zeros((2, 4, 8)), 1, rng, patch_size=6)
    with pytest.raises(ValueError, match="p_continue"):
        simulate_hints(ramp_ab, rng, p_continue=1.0)
    with pytest.raises(ValueError, match="n must be"):
        simulate_n_hints(ramp_ab, -1, rng)
