"""Quality measures of the evaluation protocol (docs/architecture.md, "Evaluation protocol")."""

from __future__ import annotations

import numpy as np
import torch

from ideepcolor_app.color import lab_to_rgb
from ideepcolor_app.hints import Hints
from ideepcolor_app.hints.rasterize import patch_bounds


def lab_to_u8(l: torch.Tensor, ab: torch.Tensor) -> np.ndarray:
    """L (B,1,H,W) + ab (B,2,H,W) CIELAB -> (B,H,W,3) uint8 sRGB (clipped, rounded)."""
    rgb = lab_to_rgb(torch.cat([l.detach().float().cpu(), ab.detach().float().cpu()], dim=1))
    return (rgb.permute(0, 2, 3, 1).numpy() * 255.0 + 0.5).clip(0, 255).astype(np.uint8)


def psnr_u8(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """PSNR in dB of each 8-bit image of a (B,H,W,3) batch (or one (H,W,3) image).

    Identical images give +inf.

    Example:
        >>> a = np.zeros((1, 2, 2, 3), np.uint8); b = a.copy(); b[0, 0, 0, 0] = 255
        >>> round(float(psnr_u8(a, b)[0]), 3)  # MSE = 255^2 / 12
        10.792
    """
    pred, target = np.asarray(pred, np.float64), np.asarray(target, np.float64)
    if pred.shape != target.shape:
        raise ValueError(f"shapes differ: {pred.shape} vs {target.shape}")
    if pred.ndim == 3:
        pred, target = pred[None], target[None]
    mse = ((pred - target) ** 2).mean(axis=(1, 2, 3))
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(255.0**2 / mse)


def colourfulness(rgb_u8: np.ndarray) -> np.ndarray:
    """Hasler & Suesstrunk (2003) colourfulness of each (B,H,W,3) uint8 image (or one image).

    M = sqrt(std(rg)^2 + std(yb)^2) + 0.3 sqrt(mean(rg)^2 + mean(yb)^2) with rg = R - G and
    yb = (R + G) / 2 - B on the 0..255 scale; 0 for a grey image.

    Example:
        >>> img = np.zeros((1, 2, 1, 3), np.uint8); img[0, 0] = (255, 0, 0)
        >>> round(float(colourfulness(img)[0]), 2)
        185.31
    """
    rgb = np.asarray(rgb_u8, np.float64)
    if rgb.ndim == 3:
        rgb = rgb[None]
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    rg, yb = r - g, 0.5 * (r + g) - b
    std = np.sqrt(rg.std(axis=(1, 2)) ** 2 + yb.std(axis=(1, 2)) ** 2)
    mean = np.sqrt(rg.mean(axis=(1, 2)) ** 2 + yb.mean(axis=(1, 2)) ** 2)
    return std + 0.3 * mean


def _as_array(ab: np.ndarray | torch.Tensor) -> np.ndarray:
    """A tensor or array as a float64 NumPy array."""
    return np.asarray(ab.detach().cpu() if isinstance(ab, torch.Tensor) else ab, np.float64)


def hint_fidelity(ab: np.ndarray | torch.Tensor, hints: Hints) -> list[float]:
    """Distance between each hint's colour and the result's mean ab on that hint's patch.

    A user who picks a colour expects to see it where they clicked (docs/architecture.md,
    "Measures beside PSNR").

    Args:
        ab: (2,h,w) result ab, CIELAB, at any resolution: patches are mapped onto it from
            the hints' photo coordinates exactly as the rasteriser maps them.
        hints: the points (in photo pixels, patch side in pixels of that grid).
    Returns:
        One Euclidean ab distance per point whose patch lies on the grid.

    Example:
        >>> from ideepcolor_app.hints import HintPoint
        >>> ab = np.zeros((2, 4, 4)); ab[0, :2, :2] = 30.0; ab[1, :2, :2] = 40.0
        >>> hints = Hints(4, 4, (HintPoint(x=1.0, y=1.0, ab=(30.0, 0.0), size=2),))
        >>> hint_fidelity(ab, hints)  # mean (30, 40) against (30, 0)
        [40.0]
    """
    ab = _as_array(ab)
    distances = []
    for point in hints.points:
        bounds = patch_bounds(point, (hints.width, hints.height), ab.shape[1:])
        if bounds is None:
            continue
        r0, r1, c0, c1 = bounds
        mean = ab[:, r0:r1, c0:c1].mean(axis=(1, 2))
        distances.append(float(np.hypot(*(mean - np.asarray(point.ab)))))
    return distances


#: How far from every hint, in pixels of the 256 px protocol image, a colour change counts as a
#: leak: about a sixth of the photo, beyond the patch and its object in most photos.
LEAK_DISTANCE = 40.0
#: Truth chroma under which a pixel counts as grey (walls, shirts, skies of overcast days).
LEAK_GREY = 5.0


def hint_leak(ab, base_ab, true_ab, hints: Hints, far: float = LEAK_DISTANCE, grey: float = LEAK_GREY) -> float | None:
    """How much the hints changed colours far from all of them, where the photo is grey.

    A red point on a motorcycle should not tint the grey wall behind it: a hint's influence
    should fade with distance. PSNR on scattered points rewards long reach, so this
    measures the other side of that trade.

    Args:
        ab, base_ab: (2,H,W) CIELAB ab of the result with these hints and without any.
        true_ab: (2,H,W) the ground truth's ab.
        hints: the points (photo coordinates, mapped onto the H x W grid).
        far: distance from every hint's centre, in pixels of the grid, beyond which a pixel counts.
        grey: truth chroma below which a pixel counts.
    Returns:
        The mean ab distance between `ab` and `base_ab` over those pixels; None if there are none.

    Example:
        >>> from ideepcolor_app.hints import HintPoint
        >>> truth = np.zeros((2, 1, 8)); truth[1, 0, 7] = 20.0  # one row; the last pixel is yellow
        >>> ab = np.zeros((2, 1, 8)); ab[0, 0, 6:] = 6.0
        >>> hints = Hints(8, 1, (HintPoint(x=0.5, y=0.5, ab=(30.0, 0.0), size=1),))
        >>> hint_leak(ab, np.zeros((2, 1, 8)), truth, hints, far=4.0)  # pixels 5 and 6 count
        3.0
    """
    ab, base_ab = _as_array(ab), _as_array(base_ab)
    h, w = ab.shape[1:]
    rows, cols = np.mgrid[0:h, 0:w] + 0.5
    nearest = np.full((h, w), np.inf)
    for point in hints.points:
        y, x = point.y * h / hints.height, point.x * w / hints.width
        nearest = np.minimum(nearest, np.hypot(rows - y, cols - x))
    counted = (nearest > far) & (_chroma(true_ab) < grey)
    if not counted.any():
        return None
    return float(np.hypot(*(ab - base_ab)[:, counted]).mean())


def _chroma(ab: np.ndarray | torch.Tensor) -> np.ndarray:
    ab = _as_array(ab)
    return np.hypot(ab[..., 0, :, :], ab[..., 1, :, :])


def false_colour_share(pred_ab, true_ab, strong: float = 30.0, weak: float = 10.0) -> float:
    """Share of pixels whose predicted chroma exceeds `strong` where the truth's is below `weak`.

    Blotches and casts (a cyan disc in a grey sky) show up here; a result that is merely too
    grey does not (docs/architecture.md, "Measures beside PSNR").

    Args:
        pred_ab, true_ab: (2,H,W) CIELAB ab of the result and of the ground truth.

    Example:
        >>> truth = np.zeros((2, 4, 4)); pred = truth.copy(); pred[0, :2, :2] = 40.0
        >>> false_colour_share(pred, truth)
        0.25
    """
    return float(((_chroma(pred_ab) > strong) & (_chroma(true_ab) < weak)).mean())


def border_stripe_ratio(pred_ab, border: int = 4) -> float:
    """Mean chroma of the outer `border` pixels over that of the interior (about 1 when clean).

    Padding artefacts paint stripes along the frame (docs/architecture.md, "Measures beside
    PSNR"). A result with no
    colour at all gives 1.

    Example:
        >>> ab = np.full((2, 12, 12), 6.0); ab[:, :, :4] = 30.0  # a strong stripe down the left
        >>> round(border_stripe_ratio(ab), 2)  # frame: 48 px at 30, 80 at 6 -> mean 15 vs 6
        2.5
    """
    chroma = _chroma(pred_ab)
    inner = np.zeros(chroma.shape, bool)
    inner[border:-border, border:-border] = True
    interior = chroma[inner].mean()
    frame = chroma[~inner].mean()
    return float(frame / interior) if interior > 1e-9 else (1.0 if frame <= 1e-9 else float("inf"))
