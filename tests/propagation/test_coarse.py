"""Tests for the coarse-grid edge-aware propagation (the hints backend's first stage)."""

import numpy as np
import pytest
import torch

from ideepcolor_app.propagation import CoarsePropagator, LevinSolver

GREEN = (-50.0, 45.0)
RED = (60.0, 40.0)


def _two_regions(size: int = 64) -> torch.Tensor:
    """(size, size) L: a dark left half (30) and a bright right half (90), a strong edge."""
    l = torch.full((size, size), 30.0)
    l[:, size // 2 :] = 90.0
    return l


def _patch(shape, top, left, side, ab):
    hint_ab = torch.zeros(2, *shape)
    mask = torch.zeros(shape)
    hint_ab[:, top : top + side, left : left + side] = torch.tensor(ab)[:, None, None]
    mask[top : top + side, left : left + side] = 1.0
    return hint_ab, mask


def test_propagation_reproduces_a_hint_on_its_patch():
    noise = torch.rand(48, 64, generator=torch.Generator().manual_seed(0))
    l = torch.linspace(20, 80, 64)[None].repeat(48, 1) + 5 * noise
    hint_ab, mask = _patch((48, 64), 20, 28, 8, GREEN)
    p = CoarsePropagator(l).propagate(hint_ab, mask)
    on_patch = p.ab[:, 22:26, 30:34].mean(dim=(1, 2))
    assert on_patch.tolist() == pytest.approx(GREEN, abs=1.0)
    assert float(p.confidence[0, 22:26, 30:34].min()) > 0.95


def test_a_hint_barely_reaches_across_a_strong_edge():
    l = _two_regions()
    hint_ab, mask = _patch((64, 64), 28, 8, 8, GREEN)  # on the dark side
    p = CoarsePropagator(l).propagate(hint_ab, mask)
    near, across = p.confidence[0, :, 4:24].mean(), p.confidence[0, :, 44:].mean()
    assert float(near) > 0.4 and float(across) < 0.01 * float(near) * 10
    # What the network gets on the far side is confidence-weighted: almost no colour.
    weighted = (p.ab * p.confidence)[:, :, 44:].abs().max()
    assert float(weighted) < 3.0


def test_two_hints_each_keep_their_side():
    l = _two_regions()
    green_ab, green_mask = _patch((64, 64), 28, 8, 8, GREEN)
    red_ab, red_mask = _patch((64, 64), 28, 48, 8, RED)
    p = CoarsePropagator(l).propagate(green_ab + red_ab, green_mask + red_mask)
    left = p.ab[:, 4:60, 2:26].mean(dim=(1, 2))
    right = p.ab[:, 4:60, 38:62].mean(dim=(1, 2))
    assert left.tolist() == pytest.approx(GREEN, abs=3.0)
    assert right.tolist() == pytest.approx(RED, abs=3.0)


def test_spread_residual_lands_on_the_patch_and_fades():
    l = _two_regions()
    hint_ab, mask = _patch((64, 64), 28, 8, 8, GREEN)
    p = CoarsePropagator(l).propagate(hint_ab, mask)
    residual = torch.zeros(2, 64, 64)
    residual[:, 28:36, 8:16] = torch.tensor([10.0, -4.0])[:, None, None]
    field = p.spread(residual, mask)
    assert field[:, 30:34, 10:14].mean(dim=(1, 2)).tolist() == pytest.approx([10.0, -4.0], abs=0.5)
    assert float(field[:, :, 44:].abs().max()) < 0.5


def test_no_hints_give_zero_colour_and_confidence():
    p = CoarsePropagator(_two_regions()).propagate(torch.zeros(2, 64, 64), torch.zeros(64, 64))
    assert float(p.ab.abs().max()) == 0.0 and float(p.confidence.max()) == 0.0
    assert float(p.spread(torch.ones(2, 64, 64), torch.zeros(64, 64)).abs().max()) == 0.0


def test_no_decay_hard_hints_normalised_match_levin_on_the_coarse_grid():
    rng = np.random.default_rng(3)
    l = torch.from_numpy(rng.uniform(0, 100, (32, 32)).astype(np.float32))
    hint_ab, mask = _patch((32, 32), 4, 4, 4, RED)
    more_ab, more_mask = _patch((32, 32), 20, 24, 4, GREEN)
    propagator = CoarsePropagator(l, factor=1, decay=0.0, colour_lines=False, hint_strength=1.0)
    p = propagator.propagate(hint_ab + more_ab, mask + more_mask)
    exact = LevinSolver(l.double().numpy()).solve((hint_ab + more_ab).numpy(), (mask + more_mask).numpy() > 0)
    assert np.abs(p.ab.numpy() - exact).max() < 1e-3


def test_odd_sizes_and_factors_keep_the_shape():
    l = torch.full((37, 53), 50.0)
    hint_ab, mask = _patch((37, 53), 3, 3, 5, RED)
    p = CoarsePropagator(l, factor=4).propagate(hint_ab, mask)
    assert p.ab.shape == (2, 37, 53) and p.confidence.shape == (1, 37, 53)
    assert torch.isfinite(p.ab).all()


def test_a_guide_colour_edge_stops_a_hint_that_lightness_lets_through():
    """Equal lightness everywhere; the guide (a network's colourization) is green on the
    left and red on the right. Without the guide a green hint fills the whole image; with
    it, the right half stays far less green."""
    l = torch.full((64, 64), 50.0)
    guide = torch.zeros(2, 64, 64)
    guide[:, :, :32] = torch.tensor(GREEN)[:, None, None]
    guide[:, :, 32:] = torch.tensor(RED)[:, None, None]
    hint_ab, mask = _patch((64, 64), 28, 8, 8, GREEN)
    plain = CoarsePropagator(l).propagate(hint_ab, mask)
    guided = CoarsePropagator(l, guide_ab=guide).propagate(hint_ab, mask)
    assert float(plain.confidence[0, :, 44:].mean()) > 0.05  # fades only with distance
    assert float(guided.confidence[0, :, 44:].mean()) < 0.1 * float(plain.confidence[0, :, 44:].mean())
    # On the hint's own side the guide changes nothing that matters.
    assert guided.ab[:, 4:60, 2:26].mean(dim=(1, 2)).tolist() == pytest.approx(GREEN, abs=1.0)


def test_a_flat_guide_changes_nothing():
    l = _two_regions() + torch.rand(64, 64, generator=torch.Generator().manual_seed(1))
    hint_ab, mask = _patch((64, 64), 28, 8, 8, GREEN)
    plain = CoarsePropagator(l).propagate(hint_ab, mask)
    flat = CoarsePropagator(l, guide_ab=torch.full((2, 64, 64), 7.0)).propagate(hint_ab, mask)
    assert torch.allclose(plain.ab, flat.ab, atol=1e-4)
    assert torch.allclose(plain.confidence, flat.confidence, atol=1e-5)


def test_fit_lines_matches_a_hand_computed_ridge_slope():
    from ideepcolor_app.propagation.colour_lines import fit_lines, moment_channels

    # Two hinted cells at centred L -10 and +10 with a = 2 L + 5, b = 7, averaged with equal weight.
    x = np.array([-10.0, 10.0]).reshape(1, 1, 2)
    y = np.stack([2 * x[0] + 5, np.full((1, 2), 7.0)])
    moments = moment_channels(y, x).mean(axis=2, keepdims=True)
    for eps, slope in ((0.0, 2.0), (100.0, 1.0)):  # Cov[x, a] = 200, Var[x] = 100
        slopes, offsets = fit_lines(moments, np.array([eps]))
        assert slopes[:, 0, 0, 0].tolist() == pytest.approx([slope, 0.0])
        assert offsets[:, 0, 0].tolist() == pytest.approx([5.0, 7.0])


def test_a_single_hint_fades_within_a_photo_width_on_flat_lightness():
    """The decay keeps one point local: on a flat 256 px photo its confidence is under 0.15 at
    100 px and under 0.05 at the far edge (a longer reach scored higher on the protocol's
    scattered points but tinted the walls and floor around a red motorcycle)."""
    l = torch.full((256, 256), 50.0)
    hint_ab, mask = _patch((256, 256), 124, 4, 6, RED)
    confidence = CoarsePropagator(l).propagate(hint_ab, mask).confidence[0, 127]
    assert float(confidence[7]) > 0.95
    assert float(confidence[100]) < 0.15 and float(confidence[250]) < 0.05


def test_a_hint_that_grazes_a_cell_across_an_edge_barely_counts_there():
    """A green patch on the dark side spills one pixel over the edge; a red patch sits on the
    bright side. Held as a constraint, the grazed coarse cell would be green and paint the
    bright side's edge; held softly, by the share of it that is hinted, it barely counts."""
    l = torch.full((64, 64), 30.0)
    l[:, 32:] = 90.0
    green_ab, green_mask = _patch((64, 64), 28, 27, 6, GREEN)  # columns 27-32: 32 is bright
    red_ab, red_mask = _patch((64, 64), 28, 52, 6, RED)

    def bright_side_a(strength: float) -> float:
        p = CoarsePropagator(l, factor=4, hint_strength=strength).propagate(green_ab + red_ab, green_mask + red_mask)
        assert p.ab[:, 20:44, 16:26].mean(dim=(1, 2)).tolist() == pytest.approx(GREEN, abs=1.0)
        return float(p.ab[0, 20:44, 36:48].mean())

    soft, hard = bright_side_a(0.1), bright_side_a(1.0)
    assert soft > 40.0 and soft > hard + 8.0  # red's a is 60, green's -50


def test_a_fine_texture_holds_a_hint_back_that_its_mean_lightness_does_not(monkeypatch):
    """Stripes of L 30 / 90 beside a flat 60: pooled 4x, both read 60. The cells' darkest and
    brightest pixels still tell them apart, so a hint on the flat side reaches the texture less."""
    from ideepcolor_app.propagation import coarse

    l = torch.full((64, 64), 60.0)
    l[:, 32::2], l[:, 33::2] = 30.0, 90.0
    hint_ab, mask = _patch((64, 64), 28, 8, 8, GREEN)

    def reach() -> float:
        return float(CoarsePropagator(l, factor=4).propagate(hint_ab, mask).confidence[0, :, 40:].mean())

    with_range = reach()
    monkeypatch.setattr(coarse, "CELL_RANGE_SIGMA", 1e6)
    assert with_range < 0.95 * reach()


def test_line_upsampling_is_bilinear_then_a_box_mean():
    from ideepcolor_app.propagation.coarse import _smooth_upsampler

    coarse = torch.randn(3, 10, 14, generator=torch.Generator().manual_seed(2))
    bilinear = torch.nn.functional.interpolate(coarse[None], size=(37, 53), mode="bilinear", align_corners=False)
    expected = torch.nn.functional.avg_pool2d(bilinear, 7, 1, 3, count_include_pad=False)[0]
    got = _smooth_upsampler(37, 10, 7) @ coarse @ _smooth_upsampler(53, 14, 7).T
    assert torch.allclose(got, expected, atol=1e-5)
