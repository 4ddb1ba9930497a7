"""Fit the speck or scratch score of `ideepcolor_app.restore` on the training photos.

    python -m training.restore_fit [--scratches] [--images DIR] [--every 2] [--seed 5]

(The shipped speck score is fitted with the defaults, the scratch score with ``--every 1``.)

Each training photo gets broad synthetic dust (`broad_specks`: more sizes, shapes,
opacities and values than the evaluation's `training.print_damage`, none on a quarter of
the photos, and grain or none) and goes through the pipeline's grain step; every speck
candidate of the medium strength is measured (`speck_candidates`) and filled, and its
benefit is the squared error the fill removes (dust) or adds (picture detail) over its
pixels, over the error its photo keeps (at least that of a 40 dB photo, so a false fill on a
clean photo counts many times more). A logistic regression on the standardised
measurements, each candidate weighted by its |benefit|, learns which to fill;
the printed constants go into `specks.py`. Photos are split in two by index to report the
held-out share of the error removed and added.

``--scratches`` does the same for the scratch score of `scratches.py`: broad synthetic
scratches (`broad_scratches`; a quarter of the photos get none, so every candidate on them is
the picture's own line), every long line candidate (`scratch_candidates`) measured, and
its benefit counted over its component grown as the detector grows it, in proportion to the
PSNR it gains or loses its photo (a false line costs a clean photo far more).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
import torch

from ideepcolor_app.restore.defects import DefectSettings, tophats
from ideepcolor_app.restore.fill import fast_marching
from ideepcolor_app.restore.grain import reduce_grain
from ideepcolor_app.restore.scratches import FEATURES as SCRATCH_FEATURES
from ideepcolor_app.restore.scratches import scratch_candidates
from ideepcolor_app.restore.specks import FEATURES, WEAK, speck_candidates
from training.restore_eval import load_lightness

DEFAULT_IMAGES = Path("../shared/data/photos/train")


def broad_specks(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Dust of many kinds on (H, W) float32 lightness in [0, 1] (none on a quarter of the
    photos): one to three overlapping ellipses of radius 0.5-4 px, 50-100% opaque, moving the
    pixels 50-100% of the way to white or black, sometimes blurred, then grain of std 0-0.04
    (half the photos)."""
    height, width = x.shape
    out = x.copy()
    scale = 4
    count = max(3, int(height * width / rng.uniform(1500, 5000))) if rng.random() < 0.75 else 0
    for _ in range(count):
        cy, cx = rng.uniform(0, height), rng.uniform(0, width)
        patch = np.zeros((15 * scale, 15 * scale), np.float32)
        for _ in range(int(rng.integers(1, 4))):
            ry = rng.uniform(0.5, 4.0)
            centre = (int((7.5 + rng.normal(0, 1)) * scale), int((7.5 + rng.normal(0, 1)) * scale))
            axes = (max(1, int(ry * rng.uniform(0.3, 1.0) * scale)), max(1, int(ry * scale)))
            cv2.ellipse(patch, centre, axes, rng.uniform(0, 180), 0, 360, 1.0, -1)
        patch = np.asarray(cv2.resize(patch, (15, 15), interpolation=cv2.INTER_AREA), np.float32)
        if rng.random() < 0.3:
            patch = np.asarray(cv2.GaussianBlur(patch, (0, 0), rng.uniform(0.3, 0.8)), np.float32)
        y0, x0 = int(cy) - 7, int(cx) - 7
        ys, xs = slice(max(y0, 0), min(y0 + 15, height)), slice(max(x0, 0), min(x0 + 15, width))
        alpha = patch[ys.start - y0 : ys.stop - y0, xs.start - x0 : xs.stop - x0] * rng.uniform(0.5, 1.0)
        target = 1.0 if rng.random() < 0.6 else 0.0
        pull = rng.uniform(0.5, 1.0)
        region = out[ys, xs]
        out[ys, xs] = region + alpha * pull * (target - region)
    if rng.random() < 0.5:
        out += rng.uniform(0.0, 0.04) * rng.standard_normal(x.shape).astype(np.float32)
    return np.clip(out, 0, 1).astype(np.float32)


def candidates_of(clean: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Features (N, len(FEATURES)) of one damaged photo's speck candidates and each one's
    benefit (N,), relative to the error the photo keeps."""
    settings = DefectSettings()
    damaged = broad_specks(clean, rng)
    x, grain = reduce_grain(damaged)
    noise = grain / 3
    threshold = max(settings.contrast, settings.noise_factor * noise)
    rows_f, rows_b = [], []
    white, black = tophats(x, settings.size)
    for sign, hat, other in ((-1, white, black), (1, black, white)):
        labels, ids, features = speck_candidates(x, hat, other, sign, threshold, noise, settings.size)
        if ids.size == 0:
            continue
        keep = np.zeros(int(labels.max()) + 1, np.float32)  # OpenCV dilates no int32
        keep[ids] = ids
        region = keep[labels]
        soft = hat > WEAK * threshold
        grown = cv2.dilate(region, np.ones((5, 5), np.uint8))
        region = np.where((region == 0) & soft, grown, region)
        region = cv2.dilate(region, np.ones((3, 3), np.uint8))
        filled = fast_marching(x, region > 0)
        change = (x - clean) ** 2 - (filled - clean) ** 2
        benefit = np.bincount(region.astype(np.int64).ravel(), change.ravel(), int(labels.max()) + 1)[ids]
        rows_f.append(features)
        rows_b.append(benefit)
    if not rows_f:
        return np.zeros((0, len(FEATURES)), np.float32), np.zeros(0)
    benefit = np.concatenate(rows_b)
    return np.concatenate(rows_f), benefit / _kept(x, clean, benefit, 1e-4)


def _kept(x: np.ndarray, clean: np.ndarray, benefit: np.ndarray, floor: float) -> float:
    """The squared error a photo keeps when every fill worth doing is done, at least `floor`
    per pixel (a photo at 40 dB for 1e-4). In PSNR terms a fill's squared error counts against
    it: the same false fill costs a clean photo many dB and a damaged one next to nothing."""
    return max(float(((x - clean) ** 2).sum()) - float(benefit[benefit > 0].sum()), floor * x.size)


def broad_scratches(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scratches of many kinds on (H, W) float32 lightness in [0, 1]: none on a quarter of the
    photos, else 1-8 lines 0.5-4 px wide, a tenth to the whole diagonal long, any angle, bowed
    up to 6% of their length, 30-100% opaque, white or dark, sometimes blurred (so they
    cross each other and the picture), then grain of std 0-0.04 (half the photos)."""
    height, width = x.shape
    out = x.copy()
    if rng.random() < 0.75:
        diagonal = float(np.hypot(height, width))
        yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
        for _ in range(int(rng.integers(1, 9))):
            length = rng.uniform(0.1, 1.0) * diagonal
            angle = rng.uniform(0, np.pi)
            cy, cx = rng.uniform(0, height), rng.uniform(0, width)
            along = (xx - cx) * np.cos(angle) + (yy - cy) * np.sin(angle)
            across = -(xx - cx) * np.sin(angle) + (yy - cy) * np.cos(angle)
            t = along / (length / 2)
            across = across - rng.uniform(-0.06, 0.06) * length * (1 - t * t)
            alpha = np.clip(rng.uniform(0.5, 4.0) / 2 + 0.5 - np.abs(across), 0, 1) * (np.abs(t) <= 1)
            if rng.random() < 0.3:
                alpha = cv2.GaussianBlur(alpha, (0, 0), rng.uniform(0.3, 0.8))
            value = rng.uniform(0.85, 1.0) if rng.random() < 0.6 else rng.uniform(0.0, 0.15)
            alpha = (alpha * rng.uniform(0.3, 1.0)).astype(np.float32)
            out = out * (1 - alpha) + alpha * value
    if rng.random() < 0.5:
        out += rng.uniform(0.0, 0.04) * rng.standard_normal(x.shape).astype(np.float32)
    return np.clip(out, 0, 1).astype(np.float32)


def scratch_candidates_of(clean: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Features (N, len(SCRATCH_FEATURES)) of one damaged photo's scratch candidates and each
    one's benefit (N,): the squared error its fill removes, over the error the photo keeps
    when every fill worth doing is done (about the PSNR it gains, in units of 10 / ln 10 dB)."""
    settings = DefectSettings()
    x, grain = reduce_grain(broad_scratches(clean, rng))
    threshold = max(settings.contrast, settings.noise_factor * grain / 3)
    hats = tophats(x, settings.size)
    factor, _, candidates = scratch_candidates(x, *hats, threshold)
    if not candidates:
        return np.zeros((0, len(SCRATCH_FEATURES)), np.float32), np.zeros(0)
    weak = [(hat > WEAK * threshold).astype(np.uint8) for hat in hats]
    regions = []
    union = np.zeros(x.shape, bool)
    ring = np.ones((3, 3), np.uint8)
    for polarity, (rows, cols), inside, _, _ in candidates:
        small = cv2.dilate(np.pad(inside.astype(np.uint8), 2), ring)
        full = np.repeat(np.repeat(small, factor, 0), factor, 1)
        top, left = (rows.start - 2) * factor, (cols.start - 2) * factor
        y0, x0 = max(top, 0), max(left, 0)
        full = full[y0 - top :, x0 - left :][: x.shape[0] - y0, : x.shape[1] - x0]
        box = (slice(y0, y0 + full.shape[0]), slice(x0, x0 + full.shape[1]))
        region = cv2.dilate(full & weak[polarity][box], ring) > 0
        regions.append((box, region))
        union[box] |= region
    filled = fast_marching(x, union)
    change = (x - clean) ** 2 - (filled - clean) ** 2
    benefit = np.array([change[box][region].sum() for box, region in regions])
    return np.stack([c[4] for c in candidates]), benefit / _kept(x, clean, benefit, 1e-5)


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
    return (
        mean.astype(np.float32),
        std.astype(np.float32),
        model.weight.detach().numpy()[0].astype(np.float32),
        model.bias.detach().numpy().astype(np.float32),
    )


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
    parser.add_argument("--scratches", action="store_true", help="fit the scratch score instead of the speck one")
    args = parser.parse_args(argv)
    measure = scratch_candidates_of if args.scratches else candidates_of
    images = sorted(p for p in args.images.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))[:: args.every]
    rng = np.random.default_rng(args.seed)
    parts = [measure(load_lightness(path), rng) for path in images]
    half = np.concatenate([np.full(len(b), i % 2) for i, (_, b) in enumerate(parts)]).astype(bool)
    features = np.concatenate([f for f, _ in parts])
    benefit = np.concatenate([b for _, b in parts])
    print(f"{len(images)} photos, {len(benefit)} candidates, {(benefit > 0).sum()} worth filling")
    mean, std, weights, bias = fit(features[~half], benefit[~half])
    score = ((features - mean) / std) @ weights + bias
    removed, added = shares(score[half], benefit[half])
    print(f"held-out half: removes {removed:.1%} of the damage's error, adds {added:.1%} of it on detail")
    mean, std, weights, bias = fit(features, benefit)
    for name, values in (("_MEAN", mean), ("_STD", std), ("_WEIGHTS", weights)):
        print(f"{name} = np.array([{', '.join(f'{v:.4g}' for v in values)}], np.float32)")
    print(f"_BIAS = np.float32({bias[0]:.4g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
