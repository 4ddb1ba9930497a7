"""Synthetic old-photo damage on a clean lightness plane, each kind from its own seed.

All functions take and return (H, W) float32 lightness in [0, 1] (CIELAB L / 100) and a
`numpy.random.Generator`; `damage` clips the result to [0, 1], as a scan file would.

Kinds (after "Bringing Old Photos Back to Life", Wan et al. 2020, section 3.2):

* ``specks``: dust, one per ~2500 pixels, elliptical, radius 0.7-3 px, 65% white and 35%
  dark, 70-100% opaque, soft edged.
* ``scratches``: 3-7 slightly bent lines, 0.8-3 px wide, any angle, a quarter to the whole
  of the diagonal long, white or dark, 60-100% opaque, with a soft profile.
* ``grain``: Gaussian grain of std 0.03-0.06, white or correlated over up to 0.5 px.
* ``fading``: the range squeezed to [0.12-0.30, 0.75-0.92] with a gamma of 0.85-1.15.
"""

from __future__ import annotations

import cv2
import numpy as np

KINDS = ("specks", "scratches", "grain", "fading")


def _blend(x: np.ndarray, alpha: np.ndarray, value: np.ndarray | float) -> np.ndarray:
    return (x * (1 - alpha) + alpha * value).astype(np.float32)


def add_specks(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Dust specks: small soft ellipses, white or dark."""
    height, width = x.shape
    count = max(3, int(height * width / 2500))
    scale = 4  # draw at 4x and shrink, for anti-aliased edges
    bright = np.zeros((height, width), np.float32)
    dark = np.zeros((height, width), np.float32)
    for _ in range(count):
        cy, cx = rng.uniform(0, height), rng.uniform(0, width)
        ry = rng.uniform(0.7, 3.0)
        rx = ry * rng.uniform(0.5, 1.5)
        angle = rng.uniform(0, 180)
        opacity = rng.uniform(0.7, 1.0)
        y0, x0 = int(cy) - 5, int(cx) - 5
        patch = np.zeros((11 * scale, 11 * scale), np.float32)
        centre = (int((cx - x0) * scale), int((cy - y0) * scale))
        axes = (max(1, int(rx * scale)), max(1, int(ry * scale)))
        cv2.ellipse(patch, centre, axes, angle, 0, 360, 1.0, -1)
        patch = cv2.resize(patch, (11, 11), interpolation=cv2.INTER_AREA) * opacity
        target = bright if rng.random() < 0.65 else dark
        ys, xs = slice(max(y0, 0), min(y0 + 11, height)), slice(max(x0, 0), min(x0 + 11, width))
        sub = patch[ys.start - y0:ys.stop - y0, xs.start - x0:xs.stop - x0]
        target[ys, xs] = np.maximum(target[ys, xs], sub)
    x = _blend(x, bright, rng.uniform(0.92, 1.0))
    return _blend(x, dark, rng.uniform(0.0, 0.1))


def add_scratches(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scratches: long thin bent lines at any angle, white or dark, soft profile."""
    height, width = x.shape
    diagonal = float(np.hypot(height, width))
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    for _ in range(int(rng.integers(3, 8))):
        length = rng.uniform(0.25, 1.0) * diagonal
        angle = rng.uniform(0, np.pi)
        cy, cx = rng.uniform(0, height), rng.uniform(0, width)
        half_width = rng.uniform(0.8, 3.0) / 2
        bend = rng.uniform(-0.04, 0.04) * length
        direction = np.array([np.cos(angle), np.sin(angle)], np.float32)
        along = (xx - cx) * direction[0] + (yy - cy) * direction[1]
        across = -(xx - cx) * direction[1] + (yy - cy) * direction[0]
        t = along / (length / 2)
        across = across - bend * (1 - t * t)  # a gentle bow
        inside = np.abs(t) <= 1
        alpha = np.clip(half_width + 0.5 - np.abs(across), 0, 1) * inside
        alpha *= rng.uniform(0.6, 1.0)
        value = rng.uniform(0.9, 1.0) if rng.random() < 0.6 else rng.uniform(0.0, 0.12)
        x = _blend(x, alpha.astype(np.float32), value)
    return x


def add_grain(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Gaussian film grain, white or correlated over up to half a pixel."""
    sigma = rng.uniform(0.03, 0.06)
    noise = rng.standard_normal(x.shape).astype(np.float32)
    blur = rng.uniform(0.0, 0.5)
    if blur > 0.2:
        noise = cv2.GaussianBlur(noise, (0, 0), blur)
        noise /= noise.std()
    return (x + sigma * noise).astype(np.float32)


def add_fading(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A faded print: lifted blacks, dimmed whites, a slight gamma."""
    low, high = rng.uniform(0.12, 0.30), rng.uniform(0.75, 0.92)
    gamma = rng.uniform(0.85, 1.15)
    return (low + (high - low) * np.clip(x, 0, 1) ** gamma).astype(np.float32)


DAMAGE = {"specks": add_specks, "scratches": add_scratches, "grain": add_grain, "fading": add_fading}


def damage(x: np.ndarray, kind: str, seed: int) -> np.ndarray:
    """Apply one kind of damage (or "all": fading, specks, scratches then grain) with `seed`."""
    rng = np.random.default_rng(seed)
    if kind == "all":
        for name in ("fading", "specks", "scratches", "grain"):
            x = DAMAGE[name](x, rng)
    else:
        x = DAMAGE[kind](x, rng)
    return np.clip(x, 0, 1)  # what a scan file holds
