"""Dust specks and thin straight scratches, found by hand-made rules (the learned detector's partner).

A defect is thin (narrower than the structuring element) and of high contrast against what
is around it: a morphological top-hat (white for bright defects, black for dark ones) finds
everything thin and contrasted, at least `contrast` (in [0, 1] lightness) and several times
the grain. Which of it is a defect and which the picture's own structure is then decided
by shape and surroundings:

* specks (`specks.py`): compact blobs that stand out from a calm, uncrowded background,
  chosen by a logistic score fitted on the training photos;
* scratches (`scratches.py`): long, thin, nearly straight lines that stand out from the
  parallel lines beside them and have the same picture on either side.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ideepcolor_app.restore.scratches import find_scratches
from ideepcolor_app.restore.specks import find_specks


@dataclass(frozen=True)
class DefectSettings:
    """How hard to look for defects.

    Attributes:
        size: structuring-element diameter in pixels; defects up to about size - 2 wide.
        contrast: least top-hat contrast of a defect's core, in [0, 1] lightness.
        noise_factor: the core must also exceed this many grain standard deviations.
    """

    size: int = 9
    contrast: float = 0.15
    noise_factor: float = 5.0


def tophats(x: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """White and black top-hats of (H, W) float32 `x` with a disc `size` pixels across."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    white = cv2.morphologyEx(x, cv2.MORPH_TOPHAT, kernel, borderType=cv2.BORDER_REFLECT)
    black = cv2.morphologyEx(x, cv2.MORPH_BLACKHAT, kernel, borderType=cv2.BORDER_REFLECT)
    return white, black


def find_defects(x: np.ndarray, noise: float, settings: DefectSettings = DefectSettings()) -> np.ndarray:
    """Mask of the specks and scratches in (H, W) float32 lightness in [0, 1].

    Args:
        x: the photo's lightness (grain already reduced works best).
        noise: the grain std left in `x`.
        settings: how hard to look.
    Returns:
        (H, W) bool mask, True on defects (grown by one pixel to cover soft edges).
    """
    x = np.ascontiguousarray(x, dtype=np.float32)
    threshold = max(settings.contrast, settings.noise_factor * noise)
    white, black = tophats(x, settings.size)
    mask = find_scratches(x, white, black, threshold)
    for sign, hat, other in ((-1, white, black), (1, black, white)):
        mask |= find_specks(x, hat, other, sign, threshold, noise, settings.size)
    if not mask.any():
        return mask.astype(bool)
    return cv2.dilate(mask, np.ones((3, 3), np.uint8)).astype(bool)
