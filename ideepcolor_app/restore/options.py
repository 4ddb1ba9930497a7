"""Restoration options: what the user chooses (`RestoreOptions`) and what each strength means."""

from __future__ import annotations

from dataclasses import dataclass

from ideepcolor_app.restore.defects import DefectSettings

TONES = ("auto", "off")
STRENGTHS = ("low", "medium", "high")
DEFAULT_TONE = "auto"
DEFAULT_STRENGTH = "medium"

# Per strength: defect settings and the factor on the measured grain.
_DEFECTS = {
    "low": DefectSettings(size=9, contrast=0.22, noise_factor=6.0),
    "medium": DefectSettings(size=9, contrast=0.15, noise_factor=5.0),
    "high": DefectSettings(size=11, contrast=0.10, noise_factor=4.0),
}
_GRAIN_SCALE = {"low": 0.7, "medium": 1.0, "high": 1.3}


@dataclass(frozen=True)
class RestoreOptions:
    """What to restore and how hard.

    Attributes:
        tone: "auto" stretches a faded print's range; "off" leaves tone alone.
        strength: "low", "medium" or "high": how small a contrast counts as a defect, how
            wide a defect can be, and how much grain is removed.
    """

    tone: str = DEFAULT_TONE
    strength: str = DEFAULT_STRENGTH

    def __post_init__(self) -> None:
        if self.tone not in TONES:
            raise ValueError(f"tone must be one of {', '.join(TONES)}, got {self.tone!r}")
        if self.strength not in STRENGTHS:
            raise ValueError(f"strength must be one of {', '.join(STRENGTHS)}, got {self.strength!r}")

    @property
    def defects(self) -> DefectSettings:
        return _DEFECTS[self.strength]

    @property
    def grain_scale(self) -> float:
        return _GRAIN_SCALE[self.strength]

    def describe(self) -> str:
        """A short label, e.g. "tone auto, strength medium"."""
        return f"tone {self.tone}, strength {self.strength}"
