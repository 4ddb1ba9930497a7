"""Colour bins: order, nearest bin, soft encoding, annealed mean, histogram, rebalancing."""

import doctest
import math

import numpy as np
import pytest
import torch

from ideepcolor_app.color import BinSet
from ideepcolor_app.color import bins as bins_module
from tests.tolerances import assert_close


@pytest.fixture(scope="module")
def grid() -> BinSet:
    return BinSet.default()


@pytest.fixture(scope="module")
def generic(grid) -> BinSet:
    """The same 529 centres without the grid fast paths."""
    return BinSet.from_centres(grid.centres.clone())


def _random_ab(shape, spread: float = 130.0, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(shape, generator=g) * 2 - 1) * spread


def _ab(a: float, b: float) -> torch.Tensor:
    return torch.tensor([a, b]).view(1, 2, 1, 1)


def _bin(a: float, b: float) -> int:
    """Index of the grid centre (a, b) in the documented a-major order."""
    return int((a + 110) // 10 * 23 + (b + 110) // 10)


# -- the bin set ------------------------------------------------------------------------------


def test_default_bin_order_is_pinned(grid):
    c = grid.centres
    assert grid.num_bins == 529 and c.shape == (529, 2) and c.dtype == torch.float32
    assert c[0].tolist() == [-110, -110]
    assert c[1].tolist() == [-110, -100]
    assert c[23].tolist() == [-100, -110]
    assert c[264].tolist() == [0, 0]
    assert c[528].tolist() == [110, 110]
    ia, ib = torch.arange(529) // 23, torch.arange(529) % 23
    assert torch.equal(c, torch.stack([ia * 10.0 - 110, ib * 10.0 - 110], 1))
    assert torch.equal(BinSet.grid().centres, c)


def test_grid_other_steps_and_errors():
    small = BinSet.grid(step=55.0, ab_max=110.0)
    assert small.num_bins == 25 and small.centres[5].tolist() == [-55.0, -110.0]
    with pytest.raises(ValueError):
        BinSet.grid(step=7.0)  # 220 / 7 is not whole
    with pytest.raises(ValueError):
        BinSet.grid(step=0.0)


def test_from_centres_and_device(grid):
    centres = np.array([[0.0, 0.0], [50.0, 20.0], [-30.0, 60.0]])
    bins = BinSet.from_centres(centres)
    assert bins.num_bins == 3 and bins.centres.dtype == torch.float32
    moved = grid.to("cpu")
    assert moved is not grid and torch.equal(moved.centres, grid.centres)
    assert "529" in repr(moved)
    for bad in (np.zeros((3, 3)), np.zeros((0, 2)), np.array([[np.nan, 0.0]])):
        with pytest.raises(ValueError):
            BinSet.from_centres(bad)


# -- nearest ----------------------------------------------------------------------------------


def test_nearest_known_points(grid):
    a = [-110.0, 0.0, 4.9, 12.0, 200.0]
    b = [-110.0, 0.0, -4.9, 96.0, -300.0]
    ab = torch.tensor([a, b]).view(2, 1, 5)
    expected = [_bin(-110, -110), _bin(0, 0), _bin(0, 0), _bin(10, 100), _bin(110, -110)]
    assert grid.nearest(ab).tolist() == [expected]


@pytest.mark.parametrize("shape", [(2, 5, 7), (3, 2, 5, 7), (2, 2, 2, 3, 4)])
def test_nearest_cardinality_and_grid_equals_generic(grid, generic, shape):
    ab = _random_ab(shape, seed=1)
    index = grid.nearest(ab)
    assert index.dtype == torch.int64 and index.shape == shape[:-3] + shape[-2:]
    assert torch.equal(index, generic.nearest(ab))


def test_nearest_rejects_wrong_channels(grid):
    with pytest.raises(ValueError, match=r"\(\*,2,H,W\)"):
        grid.nearest(torch.zeros(3, 4, 4))
    with pytest.raises(TypeError):
        grid.nearest(torch.zeros(2, 4, 4, dtype=torch.long))


# -- soft encoding ----------------------------------------------------------------------------


def test_soft_encode_known_weights(grid):
    enc = grid.soft_encode(_ab(0.0, 0.0))  # centre bin at d = 0, four neighbours at d = 10
    assert enc.shape == (1, 529, 1, 1)
    near = math.exp(-(10.0**2) / (2 * 5.0**2))
    centre = 1 / (1 + 4 * near)
    assert enc[0, _bin(0, 0), 0, 0].item() == pytest.approx(centre, rel=1e-6)
    for a, b in ((-10, 0), (10, 0), (0, -10), (0, 10)):
        assert enc[0, _bin(a, b), 0, 0].item() == pytest.approx(near * centre, rel=1e-6)
    assert (enc > 0).sum().item() == 5


@pytest.mark.parametrize("neighbours", [1, 5, 10])
def test_soft_encode_sums_to_one_and_peaks_at_nearest(grid, neighbours):
    ab = _random_ab((4, 2, 6, 5), spread=110.0, seed=2)
    enc = grid.soft_encode(ab, neighbours=neighbours)
    assert enc.shape == (4, 529, 6, 5) and enc.dtype == torch.float32
    assert_close(enc.sum(1), torch.ones(4, 6, 5))
    assert torch.equal(enc.argmax(1), grid.nearest(ab))
    assert ((enc > 0).sum(1) == neighbours).all()


@pytest.mark.parametrize("neighbours", [1, 2, 5, 10])
def test_soft_encode_grid_path_equals_generic(grid, generic, neighbours):
    ab = _random_ab((2, 2, 16, 16), spread=160.0, seed=3)  # includes far outside the grid
    assert_close(grid.soft_encode(ab, neighbours), generic.soft_encode(ab, neighbours))


def test_soft_encode_unbatched_and_float64(grid):
    ab = _random_ab((2, 3, 4), seed=4).double()
    enc = grid.soft_encode(ab)
    assert enc.shape == (529, 3, 4) and enc.dtype == torch.float64
    assert_close(enc, grid.soft_encode(ab[None].float())[0].double(), atol=1e-5, rtol=0)


def test_soft_encode_training_batch_shape(grid):
    enc = grid.soft_encode(_random_ab((8, 2, 64, 64), spread=100.0, seed=5))
    assert enc.shape == (8, 529, 64, 64)
    assert_close(enc.sum(1), torch.ones(8, 64, 64))


def test_soft_encode_rejects_bad_arguments(grid):
    ab = torch.zeros(1, 2, 2, 2)
    for kwargs in ({"neighbours": 0}, {"neighbours": 530}, {"sigma": 0.0}):
        with pytest.raises(ValueError):
            grid.soft_encode(ab, **kwargs)
    with pytest.raises(ValueError, match=r"\(\*,2,H,W\)"):
        grid.soft_encode(torch.zeros(1, 3, 2, 2))


# -- annealed mean ----------------------------------------------------------------------------


def test_annealed_mean_small_temperature_gives_the_mode(grid):
    logits = torch.randn(2, 529, 3, 4, generator=torch.Generator().manual_seed(6)) * 3
    ab = grid.annealed_mean(logits, temperature=1e-3)
    mode = grid.centres[logits.argmax(1)].permute(0, 3, 1, 2)
    assert ab.shape == (2, 2, 3, 4) and torch.isfinite(ab).all()
    assert_close(ab, mode, atol=1e-3, rtol=0)


def test_annealed_mean_unit_temperature_is_the_mean(grid):
    logits = torch.randn(2, 529, 3, 4, generator=torch.Generator().manual_seed(7))
    probs = torch.softmax(logits, 1)
    expected = (probs[:, :, None] * grid.centres.T[None, :, :, None, None].transpose(1, 2)).sum(1)
    assert_close(grid.annealed_mean(logits, temperature=1.0), expected)
    flat = grid.annealed_mean(torch.zeros(1, 529, 1, 1), temperature=1.0)  # uniform: the mean
    assert_close(flat, torch.zeros(1, 2, 1, 1), atol=1e-4, rtol=0)


def test_annealed_mean_is_stable_for_huge_logits(grid):
    logits = torch.zeros(1, 529, 1, 1)
    logits[0, _bin(30, -40)] = 1e4
    ab = grid.annealed_mean(logits, temperature=1e-3)
    assert ab.flatten().tolist() == [30.0, -40.0]


def test_annealed_mean_rejects_bad_arguments(grid):
    for t in (0.0, -0.5):
        with pytest.raises(ValueError, match="temperature"):
            grid.annealed_mean(torch.zeros(1, 529, 1, 1), t)
    with pytest.raises(ValueError, match=r"\(\*,529,H,W\)"):
        grid.annealed_mean(torch.zeros(1, 313, 1, 1))


def test_annealed_mean_with_imported_centres():
    bins = BinSet.from_centres(torch.tensor([[0.0, 0.0], [40.0, -20.0], [-10.0, 70.0]]))
    logits = torch.tensor([0.0, 0.0, 5.0]).view(1, 3, 1, 1)
    assert_close(bins.annealed_mean(logits, 0.01).flatten(), torch.tensor([-10.0, 70.0]))


# -- histogram --------------------------------------------------------------------------------


def test_histogram_sums_to_one(grid):
    hist = grid.histogram(_random_ab((3, 2, 16, 12), spread=100.0, seed=8))
    assert hist.shape == (3, 529)
    assert_close(hist.sum(1), torch.ones(3))
    assert (hist >= 0).all()


def test_histogram_downsamples_before_encoding(grid):
    # A 4x4 checkerboard of two colours averages to their mean at 1/4 resolution.
    ab = torch.zeros(1, 2, 8, 8)
    ab[:, 0, ::2, ::2] = ab[:, 0, 1::2, 1::2] = 40.0
    hist = grid.histogram(ab, downsample=4)
    assert_close(hist, grid.soft_encode(_ab(20.0, 0.0)).flatten(1))  # every window: (20, 0)
    full_res = grid.histogram(ab, downsample=1)
    assert_close(full_res, grid.soft_encode(ab).mean((2, 3)))
    assert full_res[0, _bin(0, 0)] > 0.3 and hist[0, _bin(0, 0)] == 0


def test_histogram_partial_windows_and_errors(grid):
    ab = torch.full((2, 2, 6, 5), -30.0)
    hist = grid.histogram(ab, downsample=4)  # 2 x 2 windows, the last ones partial
    assert_close(hist, grid.soft_encode(torch.full((2, 2, 1, 1), -30.0)).flatten(1))
    with pytest.raises(ValueError):
        grid.histogram(ab, downsample=0)
    with pytest.raises(ValueError, match=r"\(B,2,H,W\)"):
        grid.histogram(ab[0])


# -- class rebalancing ------------------------------------------------------------------------


def _smoothed(bins: BinSet, p: torch.Tensor, sigma: float) -> torch.Tensor:
    """p~ as documented: each bin's Gaussian-weighted mean of p, renormalised."""
    c = bins.centres.double()
    kernel = torch.exp(-((c[:, None] - c[None]) ** 2).sum(-1) / (2 * sigma**2))
    smooth = (kernel * p.double()[None]).sum(1) / kernel.sum(1)
    return smooth / smooth.sum()


def _peaked_distribution() -> torch.Tensor:
    p = torch.rand(529, generator=torch.Generator().manual_seed(9)) ** 4
    p[_bin(0, 0)] += 50.0  # grey dominates, as in photos
    return (p / p.sum()).double()


def test_rebalance_weights_expectation_is_one(grid):
    p = _peaked_distribution()
    w = grid.rebalance_weights(p)
    assert w.shape == (529,) and w.dtype == torch.float32
    assert (p @ w.double()).item() != pytest.approx(1.0, abs=1e-3)  # it is p~, not p
    assert (_smoothed(grid, p, 5.0) @ w.double()).item() == pytest.approx(1.0, abs=1e-5)
    unsmoothed = grid.rebalance_weights(p, sigma=0.0).double()
    assert (p @ unsmoothed).item() == pytest.approx(1.0, abs=1e-5)


def test_rebalance_weights_favour_rare_bins(grid):
    p = _peaked_distribution()
    w = grid.rebalance_weights(p, sigma=0.0)
    order = torch.argsort(p)
    assert (w[order].diff() <= 1e-6).all()  # weights fall as p rises
    assert w[_bin(0, 0)] < 0.1 and w.max() > 1.5
    smooth_w = grid.rebalance_weights(p)
    assert smooth_w[_bin(0, 0)] == smooth_w.min()


def test_rebalance_weights_uniform_gives_ones(grid):
    assert_close(grid.rebalance_weights(torch.full((529,), 1 / 529)), torch.ones(529))
    assert_close(grid.rebalance_weights(torch.full((529,), 7.0), lam=0.2), torch.ones(529))


def test_rebalance_weights_closed_form():
    bins = BinSet.from_centres([[0.0, 0.0], [100.0, 0.0]])  # too far apart to smooth
    w = bins.rebalance_weights(torch.tensor([0.75, 0.25]), lam=0.5)
    # w ~ 1 / (0.5 p + 0.25) = (1.6, 2.667), divided by E_p[w] = 1.8667
    assert_close(w, torch.tensor([6 / 7, 10 / 7]))


def test_rebalance_weights_rejects_bad_input(grid):
    p = torch.full((529,), 1 / 529)
    for bad in (torch.ones(313), -p, torch.zeros(529)):
        with pytest.raises(ValueError):
            grid.rebalance_weights(bad)
    for lam in (0.0, 1.5):
        with pytest.raises(ValueError, match="lam"):
            grid.rebalance_weights(p, lam=lam)
    with pytest.raises(ValueError, match="sigma"):
        grid.rebalance_weights(p, sigma=-1.0)


def test_empirical_distribution_counts_nearest_bins(grid):
    ab = torch.zeros(2, 2, 2, 2)
    ab[0, :, 0, 0] = torch.tensor([31.0, -49.0])  # bin (30, -50)
    ab[1, :, 1] = torch.tensor([-98.0, 104.0]).view(2, 1)  # two pixels in bin (-100, 100)
    counts = grid.empirical_distribution(ab, normalize=False)
    assert counts.dtype == torch.int64 and counts.sum() == 8
    assert counts[_bin(30, -50)] == 1 and counts[_bin(-100, 100)] == 2 and counts[_bin(0, 0)] == 5
    p = grid.empirical_distribution(ab)
    assert p.dtype == torch.float32 and p[_bin(0, 0)].item() == pytest.approx(5 / 8)
    with pytest.raises(ValueError):
        grid.empirical_distribution(torch.zeros(1, 2, 0, 3))


def test_class_weights_for_looks_up_nearest_bin(grid):
    weights = torch.arange(529, dtype=torch.float32) / 10
    ab = _random_ab((3, 2, 4, 5), spread=110.0, seed=10)
    out = grid.class_weights_for(ab, weights)
    assert out.shape == (3, 4, 5)
    assert torch.equal(out, weights[grid.nearest(ab)])
    with pytest.raises(ValueError):
        grid.class_weights_for(ab, torch.ones(313))


def test_bins_docstring_examples():
    assert doctest.testmod(bins_module, extraglobs={"torch": torch}).failed == 0
