"""Grain: measured on flat areas, reduced where it is, and a clean photo is left as it was."""

import numpy as np

from ideepcolor_app.restore.grain import estimate_noise, reduce_grain
from tests.restore.conftest import psnr


def grainy(clean: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    return (clean + sigma * np.random.default_rng(seed).standard_normal(clean.shape)).astype(np.float32)


def test_noise_estimate_matches_the_grain(clean_scene):
    for sigma in (0.02, 0.05):
        assert abs(estimate_noise(grainy(clean_scene, sigma)) - sigma) < 0.2 * sigma
    assert estimate_noise(clean_scene) < 0.002


def test_grain_is_reduced_by_more_than_4_db(clean_scene):
    noisy = grainy(clean_scene, 0.04)
    reduced, measured = reduce_grain(noisy)
    assert abs(measured - 0.04) < 0.008
    assert psnr(reduced, clean_scene) > psnr(noisy, clean_scene) + 4


def test_edges_and_texture_survive(textured_scene):
    out, _ = reduce_grain(textured_scene)
    assert psnr(out, textured_scene) > 45
    # The hard edge keeps its full step, and the checker keeps its contrast.
    assert abs((out[50, 79] - out[50, 80]) - (textured_scene[50, 79] - textured_scene[50, 80])) < 0.01
    patch = (slice(100, 150), slice(20, 70))
    assert out[patch].std() > 0.95 * textured_scene[patch].std()


def test_texture_survives_grain_reduction(textured_scene):
    noisy = grainy(textured_scene, 0.02, seed=1)
    out, _ = reduce_grain(noisy)
    patch = (slice(100, 150), slice(20, 70))
    # The 0.06 checker is three times the grain: it stays (correlation with the clean one).
    corr = np.corrcoef(out[patch].ravel(), textured_scene[patch].ravel())[0, 1]
    assert corr > 0.9
