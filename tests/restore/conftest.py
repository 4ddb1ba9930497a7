"""Restoration fixtures: small generated lightness planes in [0, 1], fixed seeds."""

import numpy as np
import pytest


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB of two planes in [0, 1]."""
    mse = float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(1 / mse)


def scene(height: int = 160, width: int = 200) -> np.ndarray:
    """A smooth gradient with two hard-edged rectangles: picture structure, no texture."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    x = 0.35 + 0.25 * xx / width + 0.1 * yy / height
    x[30:70, 20:80] = 0.15
    x[90:140, 120:180] = 0.8
    return x.astype(np.float32)


@pytest.fixture
def clean_scene() -> np.ndarray:
    return scene()


@pytest.fixture
def textured_scene() -> np.ndarray:
    """`scene` plus a fine texture patch (a 3-pixel-period checker of amplitude 0.06)."""
    x = scene()
    yy, xx = np.mgrid[0:60, 0:60]
    x[95:155, 15:75] = 0.5 + 0.06 * np.where(((yy // 3) + (xx // 3)) % 2 == 0, 1, -1)
    return x
