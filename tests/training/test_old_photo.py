"""Old-photo degradations change the network's L input the expected way and leave ab alone."""

import numpy as np
import pytest
import torch

from training.data import (
    add_grain,
    blur,
    degrade_old_photo,
    fade,
    halftone,
    jpeg,
    paper_texture,
    print_damage,
    tone_curve,
    vignette,
)


@pytest.fixture
def checker_l() -> torch.Tensor:
    """(1,32,32) L: 8-px checkerboard of 30 and 70."""
    yy, xx = torch.meshgrid(torch.arange(32), torch.arange(32), indexing="ij")
    return torch.where(((yy // 8) + (xx // 8)) % 2 == 0, 30.0, 70.0)[None]


def _high_freq(l: torch.Tensor) -> float:
    return float((l[..., 1:] - l[..., :-1]).abs().mean())


def test_grain_adds_zero_mean_noise_of_the_asked_strength():
    flat = torch.full((1, 64, 64), 50.0)
    grainy = add_grain(flat, 4.0, np.random.default_rng(0))
    assert float(grainy.std()) == pytest.approx(4.0, rel=0.05)
    assert float(grainy.mean()) == pytest.approx(50.0, abs=0.5)
    assert float((grainy - flat).abs().mean()) > 2.0


def test_blur_softens_edges_and_keeps_flat_areas(checker_l):
    soft = blur(checker_l, 1.5)
    assert _high_freq(soft) < 0.8 * _high_freq(checker_l)
    assert float(soft.mean()) == pytest.approx(float(checker_l.mean()), abs=0.5)
    assert float(soft[0, 3, 3]) == pytest.approx(30.0, abs=1e-3)  # deep inside a square


def test_jpeg_adds_block_artefacts_at_low_quality(checker_l):
    noisy = checker_l + torch.from_numpy(np.random.default_rng(1).normal(0, 5, (1, 32, 32)).astype(np.float32))
    low, high = jpeg(noisy, 20), jpeg(noisy, 95)
    error_low = float((low - noisy).abs().mean())
    assert error_low > 1.0 and error_low > 2 * float((high - noisy).abs().mean())
    assert low.shape == noisy.shape and low.dtype == torch.float32


def test_fade_compresses_the_range(checker_l):
    faded = fade(checker_l, 20.0, 80.0)
    assert float(faded.min()) == pytest.approx(20 + 0.3 * 60) and float(faded.max()) == pytest.approx(20 + 0.7 * 60)
    assert float(fade(torch.tensor([0.0, 100.0]), 20.0, 80.0)[1]) == pytest.approx(80.0)


def test_degrade_changes_only_l_and_is_seeded(checker_l):
    l = checker_l[None].repeat(4, 1, 1, 1)
    ab = torch.randn(4, 2, 32, 32) * 20
    ab_before = ab.clone()
    out_l, out_ab = degrade_old_photo(l, ab, 1.0, np.random.default_rng(7))
    assert out_ab is ab and torch.equal(ab, ab_before)
    assert out_l.shape == l.shape and bool((out_l != l).any(dim=(1, 2, 3)).all())
    assert float(out_l.std()) < float(l.std())  # faded and blurred: less contrast
    again, _ = degrade_old_photo(l, ab, 1.0, np.random.default_rng(7))
    assert torch.equal(again, out_l)
    same, _ = degrade_old_photo(l, ab, 0.0, np.random.default_rng(7))
    assert same is l


def test_tone_curve_keeps_black_and_white_and_order():
    ramp = torch.linspace(0, 100, 11)[None, None]
    for gamma in (0.75, 1.35):
        toned = tone_curve(ramp, gamma)[0, 0]
        assert float(toned[0]) == 0.0 and float(toned[-1]) == pytest.approx(100.0)
        assert bool((toned[1:] > toned[:-1]).all())
    assert float(tone_curve(ramp, 1.35)[0, 0, 5]) < 50 < float(tone_curve(ramp, 0.75)[0, 0, 5])


def test_vignette_darkens_corners_not_centre():
    flat = torch.full((1, 64, 64), 80.0)
    out = vignette(flat, 0.3, np.random.default_rng(0))[0]
    assert float(out[32, 32]) > 77.0 and float(out[0, 0]) < 70.0 and float(out[-1, -1]) < 70.0


def test_halftone_keeps_the_tone_and_adds_a_screen():
    flat = torch.full((1, 96, 96), 40.0)
    screened = halftone(flat, 5.0, np.random.default_rng(1))
    assert float(screened.mean()) == pytest.approx(40.0, abs=6.0)
    assert float(screened.std()) > 3.0


def test_paper_texture_and_print_damage_change_l_within_range(checker_l):
    rng = np.random.default_rng(3)
    textured = paper_texture(checker_l, 3.0, rng)
    assert 1.0 < float((textured - checker_l).abs().mean()) < 6.0
    big = torch.full((1, 128, 128), 40.0)
    damaged = print_damage(big, np.random.default_rng(5))
    assert damaged.shape == big.shape and float(damaged.min()) >= 0.0 and float(damaged.max()) <= 100.0
    assert float((damaged - big).abs().max()) > 5.0
