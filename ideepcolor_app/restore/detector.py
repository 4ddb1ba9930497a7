"""The learned damage detector: a probability of damage for every pixel of a lightness plane.

The network (`damage_net.DamageNet`) ships as `models/damage_detector.safetensors` with its
card `damage_detector.json` (sha256, config, how it was trained and scored). It runs in tiles
with an overlapping margin, so memory stays flat at any photo size and no seam shows. A photo
above `DETECT_PIXELS` is looked at downscaled to that size: the damage model that trained the
network draws cracks 1-8 px wide on photos of 0.1-2 MP, and a 12 MP scan's cracks are as many
times wider as its side is longer.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import cv2
import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from ideepcolor_app.atomic import atomic_path, atomic_write_bytes
from ideepcolor_app.bundled import models_dir
from ideepcolor_app.restore.damage_net import DamageNet, DamageNetConfig, border_channels

MODELS_DIR = models_dir()
DETECTOR_NAME = "damage_detector"
FAMILY = "damage_unet"
DETECT_PIXELS = 4_000_000
# A region of damage is the pixels at least this probable, connected to a sure one.
REGION_PROBABILITY = 0.5
# A region is filled only when it is this much lighter (L units) than a ring `_RING` px around it.
LIGHTER_BY = 5.0
# A wide region is filled at low and medium strength only when it looks like bare paper: the
# network's mean probability over it is at least this, and its inside is this flat (mean
# |Laplacian| of L, L units).
PAPER_SURE = 0.9
PAPER_FLAT = 6.0
_RING = 3
_TILE = 512  # multiple of 32
_MARGIN = 64


class DetectorError(ValueError):
    """The detector's weights or card are missing, damaged or do not fit the network."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_detector(net: DamageNet, path: Path, description: str, **card_fields) -> Path:
    """Write the network as safetensors with its card beside it, each atomically.

    `card_fields` (e.g. metrics, training_data, licence) are added to the card as they are.
    """
    tensors = {k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()}
    with atomic_path(path) as tmp:
        save_file(tensors, str(tmp), metadata={"family": FAMILY})
        sha = _sha256(Path(tmp))
    card = {
        "name": path.stem,
        "family": FAMILY,
        "config": net.config.to_dict(),
        "description": description,
        **card_fields,
        "sha256": sha,
    }
    atomic_write_bytes(path.with_suffix(".json"), (json.dumps(card, indent=2) + "\n").encode())
    return path


def detector_path() -> Path:
    """Where the detector's weights are: `$IDEEPCOLOR_MODELS` first, then the bundled models."""
    folder = os.environ.get("IDEEPCOLOR_MODELS")
    for root in ([Path(folder)] if folder else []) + [MODELS_DIR]:
        path = root / f"{DETECTOR_NAME}.safetensors"
        if path.is_file():
            return path
    return MODELS_DIR / f"{DETECTOR_NAME}.safetensors"


def load_detector(path: Path) -> DamageNet:
    """The detector in `path`, checked against its card (sha256, tensor names and shapes, finite).

    Raises:
        DetectorError: a missing, unreadable, damaged or mismatched file, in words.
    """
    card_path = path.with_suffix(".json")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
        config = DamageNetConfig.from_dict(card["config"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise DetectorError(f"{card_path}: the damage detector's card is missing or unreadable ({err})") from None
    if card.get("family") != FAMILY:
        raise DetectorError(f"{card_path}: not a damage detector (family {card.get('family')!r})")
    try:
        tensors = load_file(str(path), device="cpu")
    except (SafetensorError, OSError, ValueError) as err:
        raise DetectorError(f"{path}: not a readable safetensors file ({str(err)[:200]})") from None
    if card.get("sha256") and _sha256(path) != card["sha256"]:
        raise DetectorError(f"{path}: the file's sha256 does not match its card; it is damaged or was replaced")
    net = DamageNet(config)
    expected = net.state_dict()
    wrong = sorted(set(expected) ^ set(tensors)) or [k for k in expected if expected[k].shape != tensors[k].shape]
    if wrong:
        raise DetectorError(f"{path}: tensors do not fit the damage detector ({', '.join(wrong[:3])})")
    if not all(torch.isfinite(t).all() for t in tensors.values() if t.is_floating_point()):
        raise DetectorError(f"{path}: holds NaN or infinite values")
    net.load_state_dict(tensors)
    return net.eval()


_lock = threading.Lock()
_loaded: dict[Path, DamageNet] = {}


def shipped_detector() -> DamageNet:
    """The detector found by `detector_path`, loaded once per process."""
    path = detector_path()
    with _lock:
        if path not in _loaded:
            _loaded[path] = load_detector(path)
        return _loaded[path]


def _detection_plane(l: np.ndarray) -> tuple[np.ndarray, float]:
    """(H, W) L as the network looks at it (at most `DETECT_PIXELS`), and its scale."""
    height, width = l.shape
    scale = min(1.0, (DETECT_PIXELS / (height * width)) ** 0.5)
    if scale == 1.0:
        return np.ascontiguousarray(l, np.float32), 1.0
    size = (max(32, round(width * scale)), max(32, round(height * scale)))
    return cv2.resize(np.asarray(l, np.float32), size, interpolation=cv2.INTER_AREA), scale


def damage_probability(l: np.ndarray, net: DamageNet | None = None) -> np.ndarray:
    """The probability that each pixel is damage to fill.

    Args:
        l: (H, W) float32 CIELAB L in [0, 100].
        net: the detector (default: the shipped one).
    Returns:
        (H, W) float32 in [0, 1].
    """
    small, scale = _detection_plane(l)
    prob = _tiled(net or shipped_detector(), small)
    if scale != 1.0:
        prob = cv2.resize(prob, (l.shape[1], l.shape[0]), interpolation=cv2.INTER_LINEAR)
    return prob


def damage_regions(prob: np.ndarray, sure: float, least_area: float) -> np.ndarray:
    """The damage to fill: regions of `prob` >= `REGION_PROBABILITY` that hold a pixel of at
    least `sure` and cover at least `least_area` pixels (hysteresis, then a size limit).

    Real damage is a connected network or patch; what the network is unsure of in a photo's
    own fine detail (letters, seams, highlights) comes in small separate specks.
    """
    candidates = (prob >= REGION_PROBABILITY).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(candidates, connectivity=8)
    keep = np.zeros(count, bool)
    keep[np.unique(labels[prob >= sure])] = True
    keep[0] = False
    keep &= stats[:, cv2.CC_STAT_AREA] >= least_area
    return keep[labels]


def lighter_than_around(l: np.ndarray, regions: np.ndarray, margin: float = LIGHTER_BY) -> np.ndarray:
    """Keep the regions of (H, W) bool `regions` whose mean L is above that of a ring around them.

    On real scans, damage shows the paper: cracks, flakes, tears and scratches in the emulsion
    are lighter than the picture around them. What the network also takes for damage in old
    photos' own detail (spokes, crowds against a pale street, foliage against the sky) is darker.
    """
    count, labels = cv2.connectedComponents(regions.astype(np.uint8), connectivity=8)
    if count <= 1:
        return regions
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * _RING + 1, 2 * _RING + 1))
    grown = cv2.dilate(labels.astype(np.float32), kernel).astype(np.int64)
    ring = (labels == 0) & (grown > 0)
    inside_sum = np.bincount(labels.ravel(), weights=l.ravel(), minlength=count)
    inside_n = np.bincount(labels.ravel(), minlength=count)
    ring_sum = np.bincount(grown[ring], weights=l[ring], minlength=count)
    ring_n = np.bincount(grown[ring], minlength=count)
    lighter = inside_sum / np.maximum(inside_n, 1) > ring_sum / np.maximum(ring_n, 1) + margin
    lighter[0] = False
    return lighter[labels]


def no_wider_than(
    regions: np.ndarray, widest: float, prob: np.ndarray | None = None, l: np.ndarray | None = None
) -> np.ndarray:
    """Keep the regions of (H, W) bool `regions` that are on the whole no wider than `widest`
    px (their pixels' mean distance to the region's edge is at most `widest` / 4: a band w px
    wide has w / 4; a disc of radius r, r / 3), or that look like bare paper (`looks_like_paper`,
    given the probability `prob` and the lightness `l` it was found on).

    Cracks, creases and scratches are thin however long they are, and a knot where branches
    meet does not change that; a light dress, a flower or a patch of sky, which the network can
    take for flaked emulsion or a tear, is wide, and it has the picture's texture inside.
    """
    if not np.isfinite(widest):
        return regions
    count, labels = cv2.connectedComponents(regions.astype(np.uint8), connectivity=8)
    if count <= 1:
        return regions
    depth = cv2.distanceTransform(regions.astype(np.uint8), cv2.DIST_L2, 3)
    pixels = np.maximum(np.bincount(labels.ravel(), minlength=count), 1)
    keep = np.bincount(labels.ravel(), weights=depth.ravel(), minlength=count) / pixels <= widest / 4
    if prob is not None and l is not None:
        keep |= looks_like_paper(labels, count, depth, prob, l)
    keep[0] = False
    return keep[labels]


def looks_like_paper(labels: np.ndarray, count: int, depth: np.ndarray, prob: np.ndarray, l: np.ndarray) -> np.ndarray:
    """(count,) bool: which labelled regions are bare paper, as flakes and tears show it.

    The network is sure of the region on the whole (mean probability at least `PAPER_SURE`),
    and its inside (pixels more than 1.5 px from its edge) is flat: the mean |Laplacian| of L
    there is at most `PAPER_FLAT` L units, where a flower, a dress's folds or foliage have the
    picture's own texture (docs/restoration.md).
    """
    pixels = np.maximum(np.bincount(labels.ravel(), minlength=count), 1)
    sure = np.bincount(labels.ravel(), weights=prob.ravel(), minlength=count) / pixels >= PAPER_SURE
    inside = depth > 1.5
    texture = np.abs(cv2.Laplacian(l.astype(np.float32), cv2.CV_32F))
    inside_n = np.bincount(labels[inside], minlength=count)
    flat = np.bincount(labels[inside], weights=texture[inside], minlength=count) <= PAPER_FLAT * inside_n
    return sure & flat & (inside_n > 0)


def detect_damage(
    l: np.ndarray, sure: float, least_area: float, widest: float = float("inf"), net: DamageNet | None = None
) -> np.ndarray:
    """(H, W) bool: the damage regions (`damage_regions`) of (H, W) L in [0, 100] that are
    lighter than what is around them (`lighter_than_around`) and thin or bare paper
    (`no_wider_than`).

    Regions are found on the plane the network looked at (at most `DETECT_PIXELS`), where
    `least_area` and `widest` are in pixels, so a 12 MP scan and its 4 MP version find the
    same regions; the mask is then scaled to the photo.
    """
    small, scale = _detection_plane(l)
    prob = _tiled(net or shipped_detector(), small)
    regions = lighter_than_around(small, damage_regions(prob, sure, least_area))
    found = no_wider_than(regions, widest, prob, small)
    if scale == 1.0 or not found.any():
        return found if scale == 1.0 else np.zeros(l.shape, bool)
    height, width = l.shape
    return cv2.resize(found.astype(np.uint8) * np.uint8(255), (width, height), interpolation=cv2.INTER_LINEAR) >= 128


@torch.inference_mode()
def _tiled(net: DamageNet, l: np.ndarray) -> np.ndarray:
    """Run `net` over (H, W) L in overlapping tiles; each tile keeps its centre."""
    height, width = l.shape
    out = np.empty((height, width), np.float32)
    padded = np.pad(l, ((_MARGIN, _MARGIN + _TILE), (_MARGIN, _MARGIN + _TILE)), mode="reflect")
    for top in range(0, height, _TILE):
        for left in range(0, width, _TILE):
            rows, cols = min(_TILE, height - top), min(_TILE, width - left)
            # The window covers the tile and its margins, rounded up to a multiple of 32.
            h = -(-(rows + 2 * _MARGIN) // 32) * 32
            w = -(-(cols + 2 * _MARGIN) // 32) * 32
            window = torch.from_numpy(padded[top : top + h, left : left + w].copy())[None, None]
            border = border_channels(h, w, top - _MARGIN, left - _MARGIN, height, width)
            logits = net(window, border)[0, 0]
            out[top : top + rows, left : left + cols] = torch.sigmoid(
                logits[_MARGIN : _MARGIN + rows, _MARGIN : _MARGIN + cols]
            ).numpy()
    return out


__all__ = [
    "DETECTOR_NAME",
    "DetectorError",
    "damage_probability",
    "damage_regions",
    "detect_damage",
    "lighter_than_around",
    "looks_like_paper",
    "no_wider_than",
    "detector_path",
    "load_detector",
    "save_detector",
    "shipped_detector",
]
