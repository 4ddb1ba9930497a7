"""Restoration options: what the user chooses (`RestoreOptions`) and what each strength means."""

from __future__ import annotations

from dataclasses import dataclass

TONES = ("auto", "off")
STRENGTHS = ("low", "medium", "high")
DEFAULT_TONE = "auto"
DEFAULT_STRENGTH = "medium"

# Per strength: how sure the detector must be somewhere in a region of damage, how large the
# region must be and how wide it may be (pixels at the detector's scale), before it is filled.
# Low and medium fill thin damage only (cracks, creases, scratches): on real scans the
# detector also takes light dresses and patches of sky for flaked emulsion. High fills wide
# damage too (tears, flakes); check it with the app's damage overlay. A stronger setting
# fills everything a weaker one does, and more.
_SURE = {"low": 0.98, "medium": 0.95, "high": 0.9}
_LEAST_AREA = {"low": 400, "medium": 250, "high": 150}
_WIDEST = {"low": 6.0, "medium": 8.0, "high": float("inf")}


@dataclass(frozen=True)
class RestoreOptions:
    """What to restore and how hard.

    Attributes:
        tone: "auto" stretches a faded print's range; "off" leaves tone alone.
        strength: "low", "medium" or "high": how sure the detector must be that a region
            is damage, how large and how wide it may be, before it is filled.
    """

    tone: str = DEFAULT_TONE
    strength: str = DEFAULT_STRENGTH

    def __post_init__(self) -> None:
        if self.tone not in TONES:
            raise ValueError(f"tone must be one of {', '.join(TONES)}, got {self.tone!r}")
        if self.strength not in STRENGTHS:
            raise ValueError(f"strength must be one of {', '.join(STRENGTHS)}, got {self.strength!r}")

    @property
    def sure(self) -> float:
        return _SURE[self.strength]

    @property
    def least_area(self) -> int:
        return _LEAST_AREA[self.strength]

    @property
    def widest(self) -> float:
        return _WIDEST[self.strength]

    def describe(self) -> str:
        """A short label, e.g. "tone auto, strength medium"."""
        return f"tone {self.tone}, strength {self.strength}"
