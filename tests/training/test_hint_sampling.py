"""Simulated hints have the statistics of docs/architecture.md ("Simulated hints"); global hints
switch off at random."""

import math

import numpy as np
import pytest
import torch

from ideepcolor_app.color import BinSet, rgb_to_lab
from ideepcolor_app.hints import simulate_hints
from training.config import HintSamplingConfig
from training.hint_sampling import hsv_saturation, random_hue_angles, rotate_hue, sample_hints


def test_point_count_is_geometric_with_mean_seven():
    rng = np.random.default_rng(0)
    ab = np.zeros((2, 64, 64))
    counts = np.array([len(simulate_hints(ab, rng).points) for _ in range(3000)])
    assert counts.mean() == pytest.approx(7.0, abs=0.35)
    assert (counts == 0).mean() == pytest.approx(1 / 8, abs=0.02)
    # Geometric: P(n >= 3) = (7/8)^3.
    assert (counts >= 3).mean() == pytest.approx((7 / 8) ** 3, abs=0.03)


def test_patch_sides_are_uniform_and_placement_centre_weighted():
    rng = np.random.default_rng(1)
    ab = np.zeros((2, 64, 64))
    points = [p for _ in range(1500) for p in simulate_hints(ab, rng).points]
    sizes = np.array([p.size for p in points])
    assert set(sizes) == set(range(1, 10))
    assert np.bincount(sizes, minlength=10)[1:].min() / len(sizes) > 0.09  # each about 1/9
    for side in (1, 9):
        xs = np.array([p.x - side / 2 for p in points if p.size == side])  # patch left edge
        n = 64 - side + 1
        assert xs.mean() == pytest.approx((n - 1) / 2, abs=1.5)  # (N - P + 1) / 2 rounded down
        assert xs.std() == pytest.approx(n / 4, rel=0.15)


def test_patch_colour_is_the_ground_truth_mean():
    ab = np.zeros((2, 32, 32))
    ab[0, :, 16:] = 40.0  # a = 40 on the right half
    hints = simulate_hints(ab, np.random.default_rng(2), patch_sizes=[4], max_points=200)
    for p in hints.points:
        left = int(p.x - 2)
        expected = 40.0 * (np.clip(np.arange(left, left + 4), 0, 31) >= 16).mean()
        assert p.ab[0] == pytest.approx(expected)


def test_sample_hints_rasterises_patches_and_switches_global_hints():
    rng = np.random.default_rng(3)
    rgb = torch.rand(64, 3, 16, 16)
    lab = rgb_to_lab(rgb)
    cfg = HintSamplingConfig(p_histogram=0.25, p_saturation=0.75)
    batch = sample_hints(lab[:, :1], lab[:, 1:], cfg, BinSet.default(), rng)
    assert batch.ab.shape == (64, 2, 16, 16) and batch.mask.shape == (64, 1, 16, 16)
    assert torch.all((batch.ab != 0).any(dim=1) <= (batch.mask[:, 0] > 0))  # ab only inside patches
    hist_on = ~torch.isnan(batch.histogram).any(dim=1)
    sat_on = ~torch.isnan(batch.saturation[:, 0])
    assert 6 <= hist_on.sum() <= 28 and 38 <= sat_on.sum() <= 58
    assert torch.allclose(batch.histogram[hist_on].sum(dim=1), torch.ones(int(hist_on.sum())), atol=1e-5)


def test_dense_share_mixes_a_second_geometric_count():
    lab = rgb_to_lab(torch.rand(800, 3, 64, 64))
    bins = BinSet.default()

    def mean_points(cfg):  # 1-pixel patches: the mask's sum counts the points (overlaps are rare)
        batch = sample_hints(lab[:, :1], lab[:, 1:], cfg, bins, np.random.default_rng(4))
        return batch.mask.sum(dim=(1, 2, 3)).mean().item()

    assert mean_points(HintSamplingConfig(max_side=1)) == pytest.approx(7.0, abs=0.8)
    # Half the samples at mean 0.98 / 0.02 = 49: 0.5 * 7 + 0.5 * 49 = 28.
    assert mean_points(HintSamplingConfig(max_side=1, p_dense=0.5)) == pytest.approx(28.0, abs=3.0)


def test_rotate_hue_quarter_turn_and_identity():
    ab = torch.zeros(2, 2, 1, 1)
    ab[:, 0] = 30.0
    out = rotate_hue(ab, torch.tensor([math.pi / 2, 0.0]))
    assert out[0, :, 0, 0].tolist() == pytest.approx([0.0, 30.0], abs=1e-5)
    assert out[1, :, 0, 0].tolist() == pytest.approx([30.0, 0.0])
    angles = random_hue_angles(1000, 0.25, np.random.default_rng(0))
    assert (angles != 0).float().mean().item() == pytest.approx(0.25, abs=0.04)


def test_hsv_saturation_of_known_colours():
    rgb = torch.tensor([[1.0, 0.5, 0.0], [0.5, 0.5, 0.5]])[:, :, None, None]  # orange, grey
    assert hsv_saturation(rgb).tolist() == pytest.approx([1.0, 0.0])
