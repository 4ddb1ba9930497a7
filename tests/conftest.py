"""Shared fixtures: tiny generated images with fixed seeds."""

import os

import numpy as np
import pytest
import torch

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
torch.set_num_threads(min(2, os.cpu_count() or 1))


@pytest.fixture
def gradient_rgb_u8() -> np.ndarray:
    """(24, 32, 3) uint8 sRGB image: red ramp across, green ramp down, constant blue."""
    h, w = 24, 32
    r = np.linspace(0, 255, w)[None, :].repeat(h, 0)
    g = np.linspace(0, 255, h)[:, None].repeat(w, 1)
    b = np.full((h, w), 96.0)
    return np.stack([r, g, b], axis=-1).round().astype(np.uint8)


@pytest.fixture
def random_rgb() -> np.ndarray:
    """(16, 20, 3) float64 sRGB in [0, 1], fixed seed."""
    return np.random.default_rng(0).random((16, 20, 3))
