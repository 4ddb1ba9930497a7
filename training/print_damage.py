"""Damage that real old prints have, drawn on a clean lightness plane, with the mask to fill.

Every kind is a function ``(x, rng) -> (x, mask)`` on (H, W) float32 lightness in [0, 1]
(CIELAB L / 100): the damaged plane and the (H, W) bool mask of the pixels a restoration
should fill (all False for kinds that change tone everywhere, such as grain or fading). A
kind draws only from its own `numpy.random.Generator`, so `damage(x, kind, seed)` is the same
on every run and kinds can be combined without changing each other.

What real scans show (docs/restoration.md), and how each kind draws it:

* ``cracks``: branching networks 1-8 px wide with ragged edges, mostly bright where the paper
  shows through, sometimes dark (dirt in the crack), with a faint halo. Drawn as wandering
  random walks that branch, or as a craquelure (the edges of irregular cells) over a patch.
* ``creases``: a fold across the print: a long, gently curved line, broken in places, with
  shading beside it (one side lighter, the other darker).
* ``tears``: a torn or missing corner or edge piece with a ragged boundary, showing the paper
  (light), the scanner lid (dark) or a mount (mid grey), with a fibrous light rim.
* ``flakes``: emulsion flaked off in irregular patches of 5-60 px, usually in clusters,
  showing bright paper with a little texture.
* ``stains``: water marks and foxing: soft tone shifts with a darker tide-line rim. Tone only:
  nothing to fill.
* ``hair``: hairs (thin dark or light curves) and lint (small fibre clumps).
* ``specks``, ``scratches``: dust and long thin scratches that wander slightly.
* ``grain``, ``fading``: film grain and a faded range. Tone only.
"""

from __future__ import annotations

import cv2
import numpy as np

FILL_KINDS = ("cracks", "creases", "tears", "flakes", "hair", "specks", "scratches")
TONE_KINDS = ("stains", "grain", "fading")
KINDS = FILL_KINDS + TONE_KINDS
# The order in which "all" applies the kinds: how a print ages, then how it is scanned.
ALL_ORDER = ("fading", "stains", "creases", "cracks", "flakes", "tears", "scratches", "specks", "hair", "grain")
# A pixel is damage to fill where the damage covers at least this share of it.
MASK_ALPHA = 0.3


def _blend(x: np.ndarray, alpha: np.ndarray, value: np.ndarray | float) -> np.ndarray:
    return (x * (1 - alpha) + alpha * value).astype(np.float32)


def _smooth_noise(shape: tuple[int, int], scale: float, rng: np.random.Generator) -> np.ndarray:
    """Zero-mean, unit-std noise smooth over about `scale` pixels."""
    height, width = shape
    small = (max(2, int(height / scale) + 2), max(2, int(width / scale) + 2))
    coarse = rng.standard_normal(small).astype(np.float32)
    noise = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    return (noise - noise.mean()) / (noise.std() + 1e-6)


def _ragged(core: np.ndarray, rng: np.random.Generator, amount: float) -> np.ndarray:
    """Roughen a soft [0, 1] mask's edges with fine noise: ragged, not smooth, boundaries."""
    noise = _smooth_noise(core.shape, rng.uniform(1.5, 3.0), rng)
    near = cv2.dilate((core > 0.02).astype(np.uint8), np.ones((3, 3), np.uint8))
    return (np.clip((core - 0.5 + amount * noise) * 2.5 + 0.5, 0, 1) * near).astype(np.float32)


def _paper(rng: np.random.Generator) -> float:
    return float(rng.uniform(0.78, 0.98))


def _walk(
    start: np.ndarray, angle: float, steps: int, step: float, turn: float, rng: np.random.Generator
) -> np.ndarray:
    """A wandering polyline: (steps + 1, 2) points (x, y)."""
    points = [start.astype(np.float64)]
    heading = angle
    drift = 0.0
    for _ in range(steps):
        drift = 0.7 * drift + rng.normal(0, turn)
        heading += drift
        points.append(points[-1] + step * np.array([np.cos(heading), np.sin(heading)]))
    return np.array(points)


def _draw_lines(shape: tuple[int, int], lines: list[tuple[np.ndarray, float]], scale: int = 4) -> np.ndarray:
    """Anti-aliased coverage in [0, 1] of polylines, each (points (N, 2) as x, y; width px)."""
    height, width = shape
    canvas = np.zeros((height * scale, width * scale), np.uint8)
    for points, line_width in lines:
        pts = np.round(points * scale + scale / 2 - 0.5).astype(np.int32).reshape(-1, 1, 2)
        cv2.polylines(canvas, [pts], False, 255, max(1, int(round(line_width * scale))), cv2.LINE_8)
    return cv2.resize(canvas, (width, height), interpolation=cv2.INTER_AREA).astype(np.float32) / 255


def _crack_walks(shape: tuple[int, int], rng: np.random.Generator) -> list[tuple[np.ndarray, float]]:
    """Branching random walks: the trunk and its branches, each with a width."""
    height, width = shape
    diagonal = float(np.hypot(height, width))
    trunk_width = rng.uniform(1.0, 6.0)
    lines: list[tuple[np.ndarray, float]] = []
    todo = []
    for _ in range(int(rng.integers(1, 4))):
        start = np.array([rng.uniform(0, width), rng.uniform(0, height)])
        todo.append((start, rng.uniform(0, 2 * np.pi), rng.uniform(0.2, 0.7) * diagonal, trunk_width, 0))
    while todo and len(lines) < 40:
        start, angle, length, line_width, depth = todo.pop()
        step = 2.0
        points = _walk(start, angle, max(2, int(length / step)), step, rng.uniform(0.03, 0.12), rng)
        lines.append((points, max(0.8, line_width * rng.uniform(0.8, 1.2))))
        if depth >= 3:
            continue
        for _ in range(int(rng.poisson(length / 60))):
            at = points[int(rng.integers(1, len(points)))]
            side = rng.choice([-1, 1])
            todo.append(
                (
                    at,
                    angle + side * rng.uniform(0.4, 1.3),
                    length * rng.uniform(0.15, 0.5),
                    line_width * rng.uniform(0.4, 0.8),
                    depth + 1,
                )
            )
    return lines


def _craquelure(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Coverage in [0, 1] of a craquelure: wobbly edges of irregular cells over a blob."""
    height, width = shape
    cell = rng.uniform(20, 80)
    count = max(4, int(height * width / cell**2))
    seeds = np.ones((height, width), np.uint8)
    ys, xs = rng.integers(0, height, count), rng.integers(0, width, count)
    seeds[ys, xs] = 0
    # Wobble: look up the nearest seed at displaced positions, so cell edges wander.
    wobble = rng.uniform(2, 6)
    map_x = np.arange(width, dtype=np.float32)[None, :] + wobble * _smooth_noise(shape, 8, rng)
    map_y = np.arange(height, dtype=np.float32)[:, None] + wobble * _smooth_noise(shape, 8, rng)
    _, labels = cv2.distanceTransformWithLabels(seeds, cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_CCOMP)
    labels = cv2.remap(labels.astype(np.float32), map_x, map_y, cv2.INTER_NEAREST, borderMode=cv2.BORDER_REFLECT)
    edges = np.zeros(shape, np.float32)
    edges[:, 1:] += labels[:, 1:] != labels[:, :-1]
    edges[1:, :] += labels[1:, :] != labels[:-1, :]
    edges = np.minimum(edges, 1)
    size = int(rng.integers(2, 5))  # the edges are 2-4 px wide
    edges = np.asarray(cv2.dilate(edges, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))), np.float32)
    # Only a blob-shaped part of the print is crazed, and a few cell edges are intact.
    region = _smooth_noise(shape, rng.uniform(0.2, 0.5) * max(height, width), rng) > rng.uniform(-0.3, 0.6)
    keep = _smooth_noise(shape, 2 * cell, rng) > rng.uniform(-1.5, -0.7)
    return cv2.GaussianBlur(edges * (region & keep), (0, 0), 0.5)


def add_cracks(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Branching crack networks, 1-8 px wide, ragged, mostly bright, with a faint halo."""
    coverage = np.zeros(x.shape, np.float32)
    for _ in range(int(rng.integers(1, 3))):
        if rng.random() < 0.6:
            part = _draw_lines(x.shape, _crack_walks(x.shape, rng))
        else:
            part = _craquelure(x.shape, rng)
        coverage = np.maximum(coverage, part)
    core = _ragged(coverage, rng, 0.25) * rng.uniform(0.75, 1.0)
    bright = rng.random() < 0.75
    value = _paper(rng) if bright else rng.uniform(0.03, 0.2)
    halo = cv2.GaussianBlur(coverage, (0, 0), rng.uniform(1.5, 4.0)) * rng.uniform(0.05, 0.15)
    x = _blend(x, halo, value)
    # The paper in a crack is not flat: a little texture of its own.
    value_map = np.clip(value + 0.03 * _smooth_noise(x.shape, 2, rng), 0, 1)
    x = _blend(x, core, value_map)
    return x, core >= MASK_ALPHA


def add_creases(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A fold: a long, gently curved crease line, broken in places, with shading beside it."""
    height, width = x.shape
    mask = np.zeros(x.shape, bool)
    for _ in range(int(rng.integers(1, 3))):
        # A line across the print (or across a corner), bowed a little.
        if rng.random() < 0.7:
            on_top = rng.random() < 0.5
            a = np.array([rng.uniform(0, width), 0.0]) if on_top else np.array([0.0, rng.uniform(0, height)])
            b = np.array([rng.uniform(0, width), height]) if a[1] == 0 else np.array([width, rng.uniform(0, height)])
        else:
            corner = np.array([rng.choice([0, width]), rng.choice([0, height])], float)
            leg = rng.uniform(0.15, 0.5) * min(height, width)
            a = corner + np.array([leg if corner[0] == 0 else -leg, 0])
            b = corner + np.array([0, leg if corner[1] == 0 else -leg])
        t = np.linspace(0, 1, 200)[:, None]
        normal = np.array([-(b - a)[1], (b - a)[0]]) / (np.linalg.norm(b - a) + 1e-6)
        bow = rng.uniform(-0.03, 0.03) * np.linalg.norm(b - a)
        wiggle = np.cumsum(rng.normal(0, 0.4, len(t)))
        wiggle -= np.linspace(wiggle[0], wiggle[-1], len(t))
        points = a + (b - a) * t + normal * (bow * 4 * t * (1 - t) + wiggle[:, None])
        # Shading: one side of the fold lighter, the other darker, fading over 8-40 px.
        yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
        side = (xx - a[0]) * normal[0] + (yy - a[1]) * normal[1] - bow  # rough signed distance
        reach = rng.uniform(5, 25)
        shade = rng.uniform(0.015, 0.05) * np.sign(side) * np.exp(-np.abs(side) / reach)
        x = np.clip(x + shade.astype(np.float32) * rng.choice([-1, 1]), 0, 1).astype(np.float32)
        line = _draw_lines(x.shape, [(points, rng.uniform(1.0, 4.0))])
        broken = _smooth_noise(x.shape, rng.uniform(10, 40), rng) > rng.uniform(-1.2, -0.2)
        core = _ragged(line, rng, 0.2) * broken * rng.uniform(0.7, 1.0)
        value = _paper(rng) if rng.random() < 0.8 else rng.uniform(0.05, 0.25)
        x = _blend(x, core, value)
        mask |= core >= MASK_ALPHA
    return x, mask


def add_tears(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A torn or missing corner or edge piece, with a ragged boundary and a light fibre rim."""
    height, width = x.shape
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    short = min(height, width)
    if rng.random() < 0.6:  # a corner
        cx, cy = rng.choice([0, width]), rng.choice([0, height])
        ax, ay = rng.uniform(0.06, 0.3) * short, rng.uniform(0.06, 0.3) * short
        inside = np.abs(xx - cx) / ax + np.abs(yy - cy) / ay
    else:  # a bite out of an edge
        edge = int(rng.integers(4))
        along = rng.uniform(0.1, 0.9)
        depth, half = rng.uniform(0.03, 0.15) * short, rng.uniform(0.05, 0.2) * short
        if edge < 2:
            cx, cy = along * width, (0 if edge == 0 else height)
            inside = (np.abs(yy - cy) / depth) + (np.abs(xx - cx) / half) ** 2
        else:
            cx, cy = (0 if edge == 2 else width), along * height
            inside = (np.abs(xx - cx) / depth) + (np.abs(yy - cy) / half) ** 2
    boundary = inside + 0.15 * _smooth_noise(x.shape, rng.uniform(4, 12), rng) + 0.05 * _smooth_noise(x.shape, 1.5, rng)
    missing = np.clip((1 - boundary) * 8, 0, 1).astype(np.float32)
    choice = rng.random()
    value = _paper(rng) if choice < 0.7 else (rng.uniform(0.0, 0.12) if choice < 0.85 else rng.uniform(0.4, 0.6))
    rim = np.clip(1 - np.abs(boundary - 1) * rng.uniform(15, 40), 0, 1) * rng.uniform(0.5, 0.9)
    x = _blend(x, rim.astype(np.float32), _paper(rng))
    fill = np.clip(value + 0.02 * _smooth_noise(x.shape, 3, rng), 0, 1)
    x = _blend(x, missing, fill)
    return x, np.maximum(missing, rim) >= MASK_ALPHA


def add_flakes(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Emulsion flaked off: irregular bright patches of 5-60 px, in clusters."""
    height, width = x.shape
    coverage = np.zeros(x.shape, np.float32)
    for _ in range(int(rng.integers(1, 4))):
        cy, cx = rng.uniform(0, height), rng.uniform(0, width)
        spread = rng.uniform(20, 120)
        for _ in range(int(rng.integers(2, 12))):
            py, px = cy + rng.normal(0, spread), cx + rng.normal(0, spread)
            size = float(np.exp(rng.uniform(np.log(5), np.log(60))))  # mostly small
            half = int(size) + 4
            y0, x0 = int(py) - half, int(px) - half
            ys, xs = np.mgrid[y0 : y0 + 2 * half, x0 : x0 + 2 * half].astype(np.float32)
            angle = rng.uniform(0, np.pi)
            u = ((xs - px) * np.cos(angle) + (ys - py) * np.sin(angle)) / (size / 2)
            v = (-(xs - px) * np.sin(angle) + (ys - py) * np.cos(angle)) / (size / 2 * rng.uniform(0.4, 1.0))
            blob = 1 - np.sqrt(u * u + v * v) + 0.25 * _smooth_noise(u.shape, max(2.0, size / 6), rng)
            blob = np.clip(blob * 6, 0, 1)
            top, left = max(y0, 0), max(x0, 0)
            bottom, right = min(y0 + 2 * half, height), min(x0 + 2 * half, width)
            if bottom <= top or right <= left:
                continue
            sub = blob[top - y0 : bottom - y0, left - x0 : right - x0]
            coverage[top:bottom, left:right] = np.maximum(coverage[top:bottom, left:right], sub)
    # What shows is paper or the emulsion's lower layer: lighter, a little mottled.
    value = np.clip(rng.uniform(0.7, 0.95) + 0.05 * _smooth_noise(x.shape, 3, rng), 0, 1)
    alpha = coverage * rng.uniform(0.6, 1.0)
    x = _blend(x, alpha, value)
    return x, alpha >= MASK_ALPHA


def add_stains(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Water marks and foxing: soft tone shifts with a darker tide-line rim (tone only)."""
    height, width = x.shape
    short = min(height, width)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    for _ in range(int(rng.integers(1, 4))):
        cy, cx = rng.uniform(0, height), rng.uniform(0, width)
        radius = rng.uniform(0.05, 0.3) * short
        distance = np.hypot(yy - cy, (xx - cx) * rng.uniform(0.6, 1.4)) / radius
        distance += 0.2 * _smooth_noise(x.shape, radius / 3, rng)
        inside = np.clip((1 - distance) * 4, 0, 1)
        rim = np.exp(-(((distance - 1) * radius / rng.uniform(1.5, 5)) ** 2))
        shift = rng.uniform(-0.08, 0.05)
        x = x + inside * shift * (0.5 + 0.5 * x) - rim * rng.uniform(0.03, 0.1)
    return np.clip(x, 0, 1).astype(np.float32), np.zeros(x.shape, bool)


def add_hair(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Hairs (thin curved lines, mostly dark) and lint (small clumps of fibres)."""
    height, width = x.shape
    lines = []
    for _ in range(int(rng.integers(1, 5))):
        start = np.array([rng.uniform(0, width), rng.uniform(0, height)])
        length = rng.uniform(20, 200)
        lines.append(
            (
                _walk(start, rng.uniform(0, 2 * np.pi), int(length / 2), 2.0, rng.uniform(0.02, 0.15), rng),
                rng.uniform(0.7, 2.0),
            )
        )
    for _ in range(int(rng.integers(0, 4))):  # lint: a clump of short fibres
        centre = np.array([rng.uniform(0, width), rng.uniform(0, height)])
        for _ in range(int(rng.integers(3, 10))):
            start = centre + rng.normal(0, 4, 2)
            lines.append(
                (_walk(start, rng.uniform(0, 2 * np.pi), int(rng.uniform(3, 12)), 1.5, 0.3, rng), rng.uniform(0.6, 1.2))
            )
    coverage = _draw_lines(x.shape, lines) * rng.uniform(0.7, 1.0)
    value = rng.uniform(0.02, 0.2) if rng.random() < 0.7 else _paper(rng)
    x = _blend(x, coverage, value)
    return x, coverage >= MASK_ALPHA


def add_specks(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Dust: small soft ellipses, mostly white, some dark."""
    height, width = x.shape
    count = max(3, int(height * width / rng.uniform(1500, 5000)))
    bright = np.zeros(x.shape, np.float32)
    dark = np.zeros(x.shape, np.float32)
    scale = 4
    for _ in range(count):
        cy, cx = rng.uniform(0, height), rng.uniform(0, width)
        patch = np.zeros((13 * scale, 13 * scale), np.float32)
        ry = rng.uniform(0.7, 3.5)
        axes = (max(1, int(ry * rng.uniform(0.5, 1.5) * scale)), max(1, int(ry * scale)))
        y0, x0 = int(cy) - 6, int(cx) - 6
        centre = (int((cx - x0) * scale), int((cy - y0) * scale))
        cv2.ellipse(patch, centre, axes, rng.uniform(0, 180), 0, 360, 1.0, -1)
        patch = cv2.resize(patch, (13, 13), interpolation=cv2.INTER_AREA) * rng.uniform(0.7, 1.0)
        target = bright if rng.random() < 0.65 else dark
        ys, xs = slice(max(y0, 0), min(y0 + 13, height)), slice(max(x0, 0), min(x0 + 13, width))
        sub = patch[ys.start - y0 : ys.stop - y0, xs.start - x0 : xs.stop - x0]
        target[ys, xs] = np.maximum(target[ys, xs], sub)
    x = _blend(x, bright, rng.uniform(0.9, 1.0))
    x = _blend(x, dark, rng.uniform(0.0, 0.12))
    return x, np.maximum(bright, dark) >= MASK_ALPHA


def add_scratches(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Long thin scratches, 0.8-3 px, that wander slightly; white or dark."""
    height, width = x.shape
    diagonal = float(np.hypot(height, width))
    lines = []
    for _ in range(int(rng.integers(2, 7))):
        start = np.array([rng.uniform(0, width), rng.uniform(0, height)])
        length = rng.uniform(0.2, 1.0) * diagonal
        lines.append(
            (
                _walk(start, rng.uniform(0, 2 * np.pi), int(length / 3), 3.0, rng.uniform(0.002, 0.01), rng),
                rng.uniform(0.8, 3.0),
            )
        )
    coverage = _draw_lines(x.shape, lines) * rng.uniform(0.6, 1.0)
    value = rng.uniform(0.88, 1.0) if rng.random() < 0.6 else rng.uniform(0.0, 0.12)
    x = _blend(x, coverage, value)
    return x, coverage >= MASK_ALPHA


def add_grain(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Film grain, std 0.015-0.06 of the range, white or clumped over up to a pixel."""
    noise = rng.standard_normal(x.shape).astype(np.float32)
    clump = rng.uniform(0.0, 1.0)
    if clump > 0.3:
        noise = np.asarray(cv2.GaussianBlur(noise, (0, 0), clump), np.float32)
        noise /= noise.std() + 1e-6
    sigma = rng.uniform(0.015, 0.06)
    return (x + sigma * noise).astype(np.float32), np.zeros(x.shape, bool)


def add_fading(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A faded print: lifted blacks, dimmed whites, a slight gamma."""
    low, high = rng.uniform(0.08, 0.30), rng.uniform(0.72, 0.95)
    gamma = rng.uniform(0.8, 1.2)
    return (low + (high - low) * np.clip(x, 0, 1) ** gamma).astype(np.float32), np.zeros(x.shape, bool)


DAMAGE = {
    "cracks": add_cracks,
    "creases": add_creases,
    "tears": add_tears,
    "flakes": add_flakes,
    "stains": add_stains,
    "hair": add_hair,
    "specks": add_specks,
    "scratches": add_scratches,
    "grain": add_grain,
    "fading": add_fading,
}


def kind_seed(seed: int, kind: str) -> int:
    """The seed of one kind within a damage seed, so kinds draw independently."""
    return seed * 1009 + KINDS.index(kind) + 1


def damage(x: np.ndarray, kind: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Apply one kind (or "all", every kind in `ALL_ORDER`) to `x` with `seed`.

    Args:
        x: (H, W) float32 clean lightness in [0, 1].
        kind: one of `KINDS`, or "all".
        seed: the damage seed; each kind draws from `kind_seed(seed, kind)`.
    Returns:
        (damaged (H, W) float32 clipped to [0, 1] as a scan file holds it,
         (H, W) bool mask of the pixels to fill).
    """
    kinds = ALL_ORDER if kind == "all" else (kind,)
    mask = np.zeros(x.shape, bool)
    x = np.asarray(x, np.float32)
    for name in kinds:
        x, part = DAMAGE[name](x, np.random.default_rng(kind_seed(seed, name)))
        mask |= part
    return np.clip(x, 0, 1).astype(np.float32), mask


def random_damage(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A training sample's damage: each kind on or off at random (a few clean samples too).

    Fill kinds are each on with probability 0.3 (so most samples have one or two), tone
    kinds with 0.5; one sample in eight stays clean of fill damage, so the detector learns
    what a clean print looks like.
    """
    mask = np.zeros(x.shape, bool)
    clean = rng.random() < 0.125
    for name in ALL_ORDER:
        p = 0.5 if name in TONE_KINDS else (0.0 if clean else 0.3)
        if rng.random() < p:
            x, part = DAMAGE[name](x, rng)
            mask |= part
    return np.clip(x, 0, 1).astype(np.float32), mask
