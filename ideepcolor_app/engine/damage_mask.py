"""The restoration's damage mask as the app shows it: what the detector found, what the user
painted in or out, and how much of the photo each is. No Qt.

The overlay is a label image rather than colours, so that the view maps labels to colours once
(`OVERLAY_RGBA` as its lookup table) and a 12 MP mask costs 12 MB, not 48:

    0  not damage             transparent
    1  found by the detector  red
    2  painted in by the user cyan
    3  painted out            yellow (the detector found it; the user keeps it as it is)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ideepcolor_app.hints import DamageStroke, apply_damage_strokes

__all__ = ["ADDED", "DETECTED", "OVERLAY_RGBA", "REMOVED", "DamageCounts", "damage_labels", "describe_filled"]

DETECTED, ADDED, REMOVED = 1, 2, 3
#: (4, 4) uint8 RGBA per label, semi-transparent so the photo shows through.
OVERLAY_RGBA = np.array([(0, 0, 0, 0), (255, 48, 48, 120), (0, 190, 255, 150), (255, 214, 0, 130)], np.uint8)


@dataclass(frozen=True)
class DamageCounts:
    """Pixel counts of the damage mask.

    Attributes:
        pixels: all pixels of the photo.
        detected: found by the detector (before the user's strokes).
        added: painted in by the user where the detector found nothing.
        removed: painted out by the user where the detector found damage.
    """

    pixels: int
    detected: int
    added: int
    removed: int

    @property
    def corrected(self) -> int:
        """Pixels in the mask after the strokes."""
        return self.detected + self.added - self.removed


def damage_labels(detected: np.ndarray, strokes: Sequence[DamageStroke]) -> tuple[np.ndarray, DamageCounts]:
    """The overlay's labels and the counts of the detector's mask corrected by `strokes`.

    Args:
        detected: (H, W) bool, the detector's mask (`RestoreResult.detected`).
        strokes: the user's damage strokes, oldest first.
    Returns:
        (H, W) uint8 labels (`DETECTED` where the detector's damage is kept, `ADDED`,
        `REMOVED`, else 0) and their `DamageCounts`.
    """
    detected = np.asarray(detected, dtype=bool)
    corrected = apply_damage_strokes(detected, strokes) if strokes else detected
    added = corrected & ~detected
    removed = detected & ~corrected
    labels = detected.view(np.uint8) * np.uint8(DETECTED)  # bool is one byte: 0 or 1
    labels[added] = ADDED
    labels[removed] = REMOVED
    counts = DamageCounts(
        int(detected.size),
        int(np.count_nonzero(detected)),
        int(np.count_nonzero(added)),
        int(np.count_nonzero(removed)),
    )
    return labels, counts


def describe_filled(counts: DamageCounts, filled: int) -> str:
    """One line for the Restore panel, e.g. "Filled 2.31% of the photo (edges included): detected
    2.10%, painted in 0.30%, painted out 0.09%".

    `filled` is the number of pixels the restoration filled: the corrected mask and the edges
    it fills around it, so it can be more than detected + painted in - painted out.
    """

    def share(n: int) -> str:
        if n == 0:
            return "0%"
        fraction = 100 * n / max(1, counts.pixels)
        return "<0.01%" if fraction < 0.01 else f"{fraction:.2f}%"

    return (
        f"Filled {share(filled)} of the photo (edges included): detected {share(counts.detected)}, "
        f"painted in {share(counts.added)}, painted out {share(counts.removed)}"
    )
