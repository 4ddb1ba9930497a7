"""Fit the speck score of `ideepcolor_app.restore.specks` on the training photos.

    python -m training.restore_fit [--images DIR] [--every 2] [--seed 5]

Each training photo gets broad synthetic dust (`broad_specks`: more sizes, shapes,
opacities and values than the evaluation's `training.restore_damage`, and grain or none) and
goes through the pipeline's grain step; every speck candidate of the medium strength is
measured (`speck_candidates`) and filled, and its benefit is the squared error the fill
removes (dust) or adds (picture detail) over its pixels. A logistic regression on the
standardised measurements, each candidate weighted by its |benefit|, learns which to fill;
the printed constants go into `specks.py`. Photos are split in two by index to report the
held-out share of the error removed and added.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
import torch

from ideepcolor_app.restore.defects import fill_defects, tophats
from ideepcolor_app.restore.grain import reduce_grain
from ideepcolor_app.restore.options import RestoreOptions
from ideepcolor_app.restore.specks import FEATURES, WEAK, speck_candidates
from training.restore_eval import load_lightness

DEFAULT_IMAGES = Path("../shared/data/photos/train")


def broad_specks(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Dust of many kinds on (H, W) float32 lightness in [0, 1]: one to three overlapping
    ellipses of radius 0.5-4 px, 50-100% opaque, moving the pixels 50-100% of the way to
    white or black, sometimes blurred, then grain of std 0-0.04 (half the photos)."""
    height, width = x.shape
    out = x.copy()
    scale = 4
    for _ in range(max(3, int(height * width / rng.uniform(1500, 5000)))):
        cy, cx = rng.uniform(0, height), rng.uniform(0, width)
        patch = np.zeros((15 * scale, 15 * scale), np.float32)
        for _ in range(int(rng.integers(1, 4))):
            ry = rng.uniform(0.5, 4.0)
            centre = (int((7.5 + rng.normal(0, 1)) * scale), int((7.5 + rng.normal(0, 1)) * scale))
            axes = (max(1, int(ry * rng.uniform(0.3, 1.0) * scale)), max(1, int(ry * scale)))
            cv2.ellipse(patch, centre, axes, rng.uniform(0, 180), 0, 360, 1.0, -1)
        patch = cv2.resize(patch, (15, 15), interpolation=cv2.INTER_AREA)
        if rng.random() < 0.3:
            patch = cv2.GaussianBlur(patch, (0, 0), rng.uniform(0.3, 0.8))
        y0, x0 = int(cy) - 7, int(cx) - 7
        ys, xs = slice(max(y0, 0), min(y0 + 15, height)), slice(max(x0, 0), min(x0 + 15, width))
        alpha = patch[ys.start - y0:ys.stop - y0, xs.start - x0:xs.stop - x0] * rng.uniform(0.5, 1.0)
        target = 1.0 if rng.random() < 0.6 else 0.0
        pull = rng.uniform(0.5, 1.0)
        region = out[ys, xs]
        out[ys, xs] = region + alpha * pull * (target - region)
    if rng.random() < 0.5:
        out += rng.uniform(0.0, 0.04) * rng.standard_normal(x.shape).astype(np.float32)
    return np.clip(out, 0, 1).astype(np.float32)


def candidates_of(clean: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Features (N, 7) of one damaged photo's speck candidates and each one's benefit (N,)."""
    settings = RestoreOptions().defects
    damaged = broad_specks(clean, rng)
    x, grain = reduce_grain(damaged)
    noise = grain / 3
    threshold = max(settings.contrast, settings.noise_factor * noise)
    rows_f, rows_b = [], []
    for sign, hat in zip((-1, 1), tophats(x, settings.size)):
        labels, ids, features = speck_candidates(x, hat, sign, threshold, noise, settings.size)
        if ids.size == 0:
            continue
        keep = np.zeros(int(labels.max()) + 1, np.float32)  # OpenCV dilates no int32
        keep[ids] = ids
        region = keep[labels]
        soft = hat > WEAK * threshold
        grown = cv2.dilate(region, np.ones((5, 5), np.uint8))
        region = np.where((region == 0) & soft, grown, region)
        region = cv2.dilate(region, np.ones((3, 3), np.uint8))
        filled = fill_defects(x, region > 0)
        change = (x - clean) ** 2 - (filled - clean) ** 2
        benefit = np.bincount(region.astype(np.int64).ravel(), change.ravel(), int(labels.max()) + 1)[ids]
        rows_f.append(features)
        rows_b.append(benefit)
    if not rows_f:
        return np.zeros((0, len(FEATURES)), np.float32), np.zeros(0)
    return np.concatenate(rows_f), np.concatenate(rows_b)


def fit(features: np.ndarray, benefit: np.ndarray, steps: int = 2000) -> tuple[np.ndarray, ...]:
    """Weighted logistic regression: (mean, std, weights, bias) as float32 arrays."""
    mean, std = features.mean(0), features.std(0) + 1e-6
    inputs = torch.tensor((features - mean) / std, dtype=torch.float32)
    target = torch.tensor(benefit > 0, dtype=torch.float32)
    weight = torch.tensor(np.abs(benefit) / np.abs(benefit).mean(), dtype=torch.float32)
    torch.manual_seed(0)
    model = torch.nn.Linear(features.shape[1], 1)
    optimiser = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(steps):
        optimiser.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(inputs)[:, 0], target, weight=weight)
        loss.backward()
        optimiser.step()
    return (mean.astype(np.float32), std.astype(np.float32),
            model.weight.detach().numpy()[0].astype(np.float32), model.bias.detach().numpy().astype(np.float32))


def shares(score: np.ndarray, benefit: np.ndarray) -> tuple[float, float]:
    """Of all the error the dust holds (positive benefits): the share removed, the share added."""
    total = benefit[benefit > 0].sum()
    chosen = score > 0
    return float(benefit[chosen & (benefit > 0)].sum() / total), float(-benefit[chosen & (benefit < 0)].sum() / total)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.restore_fit", description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=Path, default=DEFAULT_IMAGES)
    parser.add_argument("--every", type=int, default=2, help="use every Nth photo")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    images = sorted(p for p in args.images.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))[::args.every]
    rng = np.random.default_rng(args.seed)
    parts = [candidates_of(load_lightness(path), rng) for path in images]
    half = np.concatenate([np.full(len(b), i % 2) for i, (_, b) in enumerate(parts)]).astype(bool)
    features = np.concatenate([f for f, _ in parts])
    benefit = np.concatenate([b for _, b in parts])
    print(f"{len(images)} photos, {len(benefit)} candidates, {(benefit > 0).sum()} worth filling")
    mean, std, weights, bias = fit(features[~half], benefit[~half])
    score = ((features - mean) / std) @ weights + bias
    removed, added = shares(score[half], benefit[half])
    print(f"held-out half: removes {removed:.1%} of the dust's error, adds {added:.1%} of it on detail")
    mean, std, weights, bias = fit(features, benefit)
    for name, values in (("_MEAN", mean), ("_STD", std), ("_WEIGHTS", weights)):
        print(f"{name} = np.array([{', '.join(f'{v:.4g}' for v in values)}], np.float32)")
    print(f"_BIAS = np.float32({bias[0]:.4g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
