"""Simulated user input for a training batch: local hint patches and global hints.

Local hints come from `ideepcolor_app.hints.simulate` and are rasterised by the app's own
`rasterize_hints`, so training, evaluation and the GUI share one definition of a hint patch.
Global hints (docs/architecture.md, "Simulated hints") are the ground truth's colour-bin histogram at 1/4
resolution and its mean HSV saturation, each switched off at random (NaN rows mean "off",
as `HintsUNet.decode` expects).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ideepcolor_app.color import BinSet, lab_to_rgb
from ideepcolor_app.hints import rasterize_hints, simulate_hints
from training.config import HintSamplingConfig


@dataclass
class HintBatch:
    """Network inputs for one batch.

    Attributes:
        ab: (B,2,H,W) float32 hint ab in CIELAB units, zero off the patches.
        mask: (B,1,H,W) float32, 1.0 inside hint patches.
        histogram: (B,Q) float32 colour-bin histogram; NaN rows are switched off.
        saturation: (B,1) float32 mean HSV saturation; NaN rows are switched off.
    """

    ab: torch.Tensor
    mask: torch.Tensor
    histogram: torch.Tensor
    saturation: torch.Tensor


def rotate_hue(ab: torch.Tensor, angles: torch.Tensor) -> torch.Tensor:
    """Rotate each sample's ab plane by its angle (radians), clamped to |ab| <= 110.

    Ground truth and hints rotated together keep every photo's structure but change which
    colour goes where, so a network on a small corpus must read the hints rather than
    remember that grass is green.

    Args:
        ab: (B,2,H,W) CIELAB ab.
        angles: (B,) radians (0 leaves a sample unchanged).
    """
    cos, sin = angles.cos()[:, None, None], angles.sin()[:, None, None]
    a, b = ab[:, 0], ab[:, 1]
    return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=1).clamp_(-110.0, 110.0)


def hsv_saturation(rgb: torch.Tensor) -> torch.Tensor:
    """Mean HSV saturation (max - min) / max of each (B,3,H,W) sRGB image; returns (B,)."""
    high, low = rgb.amax(dim=1), rgb.amin(dim=1)
    sat = torch.where(high > 1e-6, (high - low) / high.clamp_min(1e-6), torch.zeros_like(high))
    return sat.flatten(1).mean(dim=1)


def random_hue_angles(batch: int, probability: float, rng: np.random.Generator) -> torch.Tensor:
    """(B,) angles: uniform in [0, 2 pi) with `probability`, else 0."""
    rotate = rng.random(batch) < probability
    return torch.from_numpy(np.where(rotate, rng.uniform(0, 2 * math.pi, batch), 0.0)).float()


def sample_hints(
    l: torch.Tensor, ab: torch.Tensor, cfg: HintSamplingConfig, bins: BinSet, rng: np.random.Generator
) -> HintBatch:
    """Draw training hints for a batch from its ground truth.

    Args:
        l: (B,1,H,W) CIELAB L of the batch (for the saturation hint).
        ab: (B,2,H,W) ground-truth ab (already hue-rotated if that augmentation is on).
        cfg: counts, patch sides and how often each global hint is on.
        bins: the colour bins of the histogram hint.
        rng: the step's generator.
    """
    batch, _, h, w = ab.shape
    ab_np = ab.detach().cpu().numpy()
    sides = range(1, min(cfg.max_side, h, w) + 1)
    hint_ab, hint_mask = [], []
    for i in range(batch):
        p_continue = 0.0 if rng.random() < cfg.p_no_hints else cfg.p_continue
        if p_continue and cfg.p_dense and rng.random() < cfg.p_dense:
            p_continue = cfg.dense_p_continue
        tensors = rasterize_hints(simulate_hints(ab_np[i], rng, sides, p_continue), (h, w))
        hint_ab.append(tensors.ab)
        hint_mask.append(tensors.mask)
    histogram = bins.histogram(ab, downsample=4)
    rgb = lab_to_rgb(torch.cat([l, ab], dim=1))
    saturation = hsv_saturation(rgb)[:, None]
    hist_off = torch.from_numpy(rng.random(batch) >= cfg.p_histogram)
    sat_off = torch.from_numpy(rng.random(batch) >= cfg.p_saturation)
    histogram[hist_off] = float("nan")
    saturation[sat_off] = float("nan")
    return HintBatch(torch.cat(hint_ab).to(ab.device), torch.cat(hint_mask).to(ab.device), histogram, saturation)
