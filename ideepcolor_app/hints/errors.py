"""`HintsError`, in a module of its own so that the hint values (`model`) and the damage
strokes (`damage_strokes`) can both raise it while `model` holds the strokes."""

from __future__ import annotations

__all__ = ["HintsError"]


class HintsError(ValueError):
    """A hint value is invalid; `field` names it (e.g. ``points[2].size``).

    Attributes:
        field: dotted path of the offending field, in model terms.
        reason: what is wrong with it, e.g. ``must be an integer from 1 to 9, got 12``.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field, reason)
        self.field = field
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"

    def within(self, prefix: str) -> HintsError:
        """Return the same error with `prefix` put in front of the field path."""
        joiner = "" if self.field.startswith("[") else "."
        return HintsError(f"{prefix}{joiner}{self.field}", self.reason)
