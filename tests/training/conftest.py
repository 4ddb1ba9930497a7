"""Tiny generated photo folders and configs for the training tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from training.config import config_from_dict


def colourful_photo(seed: int, height: int = 48, width: int = 64) -> np.ndarray:
    """(H,W,3) uint8: smooth colour gradients plus a coloured square, different per seed."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width] / max(height, width)
    phase = rng.uniform(0, 2 * np.pi, 3)
    rgb = 0.5 + 0.4 * np.sin(np.stack([xx * 5 + phase[0], yy * 4 + phase[1], (xx + yy) * 3 + phase[2]], -1))
    top, left = rng.integers(0, height // 2), rng.integers(0, width // 2)
    rgb[top : top + height // 3, left : left + width // 3] = rng.uniform(0.1, 0.9, 3)
    return (rgb * 255).astype(np.uint8)


@pytest.fixture(scope="session")
def photo_dir(tmp_path_factory) -> Path:
    """Four colourful photos and one grayscale photo (which the dataset must skip)."""
    folder = tmp_path_factory.mktemp("photos")
    for i in range(4):
        Image.fromarray(colourful_photo(i)).save(folder / f"photo{i}.png")
    grey = colourful_photo(9).mean(axis=2).astype(np.uint8)
    Image.fromarray(np.repeat(grey[..., None], 3, axis=2)).save(folder / "grey.png")
    return folder


def tiny_config(photo_dir: Path, trainer: str, family: str, crop: int = 32, **sections):
    """A config for a few CPU steps on `photo_dir` (train and val)."""
    data = {
        "train": [str(photo_dir)],
        "val": [str(photo_dir)],
        "crop_size": crop,
        "batch_size": 2,
        "cache_short_side": 64,
        "val_size": crop,
        "val_images": 2,
    }
    optim = {"lr": 1e-3, "max_steps": 3, "val_every": 0, "checkpoint_every": 1, "log_every": 1}
    raw = {
        "name": f"tiny_{family}",
        "trainer": trainer,
        "model": {"family": family},
        "data": data,
        "optim": optim,
        "loss": {"rebalance": False},
    }
    for key, values in sections.items():
        raw.setdefault(key, {}).update(values)
    if family in ("fusion", "propagated_hints"):
        raw["model"]["overrides"] = {"pretrained_backbone": False}
    return config_from_dict(raw, "test")
