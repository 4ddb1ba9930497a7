"""Stand-in for `QtColourPanel` while `gui/colour_panel.py` is not installed.

It has the same signal and methods (the contract in the main window) and only shows text, so
the main window and its tests run either way.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ideepcolor_app.engine.backends import Distribution


class QtColourPlaceholder(QWidget):
    """Emits nothing by itself; `colourPicked` can still be emitted programmatically."""

    colourPicked = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel("The colour panel is not available.")
        self.label.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.label)
        self.lightness: float | None = None
        self.colour: tuple[float, float] | None = None
        self.distribution: tuple[Distribution | None, float, float] | None = None
        self.recent: list[tuple[float, float]] = []

    def set_lightness(self, l_value: float | None) -> None:
        self.lightness = l_value

    def set_colour(self, ab: tuple[float, float] | None) -> None:
        self.colour = ab
        self.label.setText("No colour chosen." if ab is None else f"Colour a*={ab[0]:.1f} b*={ab[1]:.1f}")

    def set_distribution(self, dist: Distribution | None, x_frac: float, y_frac: float) -> None:
        self.distribution = (dist, x_frac, y_frac)

    def add_recent(self, ab: tuple[float, float]) -> None:
        self.recent.insert(0, ab)
