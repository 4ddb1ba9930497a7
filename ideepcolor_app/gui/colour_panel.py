"""The colour panel: every way of choosing the colour of the selected hint point (or of the
next new point), with the predicted colour one click away."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QToolButton, QVBoxLayout, QWidget

from ideepcolor_app.color.swatch import bin_scatter, clamp_ab, contrast_hex, lab_to_hex, probs_at
from ideepcolor_app.engine.backends import Distribution
from ideepcolor_app.engine.palette import Suggestion, suggested_colours
from ideepcolor_app.gui.colour_value import QtColourValue
from ideepcolor_app.gui.distribution_view import QtDistributionView
from ideepcolor_app.gui.gamut_panel import QtGamutPanel
from ideepcolor_app.gui.palette_panel import QtPalettePanel
from ideepcolor_app.gui.reference_picker import QtReferencePicker

DEFAULT_L = 50.0  # gamut shown when no point is selected
RECENT_CAP = 12
#: Recent colours closer than this in a and in b are one colour (a drag's neighbouring picks).
RECENT_SAME_AB = 2.0
SUGGESTION_COUNT = 8
NO_DISTRIBUTION = "This backend predicts no colour distribution, so there are no suggestions."
NO_POINT = "Select a point to see the colours the network suggests there."
NOT_RENDERED = "Suggestions appear after the next render at the selected point."


def _chip(hex_code: str) -> str:
    """A small colour square in rich text."""
    return f"<span style='background:{hex_code}'>&nbsp;&nbsp;&nbsp;&nbsp;</span>"


def _same_ab(x: tuple[float, float], y: tuple[float, float], tolerance: float = 0.05) -> bool:
    """Equal as shown (below the 0.1 display step), or within `tolerance`."""
    return abs(x[0] - y[0]) < tolerance and abs(x[1] - y[1]) < tolerance


class QtColourPanel(QWidget):
    """Choose a colour for the selected point: gamut, suggestions, distribution, recent, reference.

    The panel holds no document state beyond what it displays: the owner tells it the point's
    lightness (`set_lightness`), the current colour (`set_colour`) and the latest distribution
    (`set_distribution`); the user's choices come back through `colourPicked`. Every colour
    maths step (gamut image, clamping, hex codes, bin colours) is done by `ideepcolor_app.color`
    and `ideepcolor_app.engine`.

    Signals:
        colourPicked(float, float): the (a, b) the user chose, by a click (or the end of a drag)
            in the gamut, a click in the distribution or reference image, a suggested or recent
            swatch, or typed a and b or hex; always clamped into the displayable gamut at the
            current L. Each pick is also put first in the recent colours (one entry for
            colours within `RECENT_SAME_AB` of each other). Never emitted by the ``set_*``
            methods; a drag in the gamut only previews until it ends.
        predictedChosen(): "Predicted colour" was pressed (the selected point, or the next new
            point, takes the colour the network predicts there).
        recentChanged(): the recent colours changed (the owner keeps them between runs).
    """

    colourPicked = Signal(float, float)
    predictedChosen = Signal()
    recentChanged = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._l: float | None = None
        self._ab: tuple[float, float] | None = None
        self._dist: Distribution | None = None
        self._dist_known = False  # set_distribution called since construction
        self._point = (0.5, 0.5)
        self._recent: list[tuple[float, float]] = []
        self._suggestions: list[Suggestion] = []

        self.value = QtColourValue()
        self.predicted_button = QPushButton("Predicted colour")
        self.predicted_button.setToolTip(
            "Give the selected point (or, with none selected, every new point) "
            "the colour the network predicts there without it"
        )
        self.eyedropper_button = QToolButton()  # shows the window's eyedropper action (`set_eyedropper_action`)
        self.eyedropper_button.hide()
        self.l_note = QLabel()  # always two lines high, so that nothing below it moves
        self.l_note.setWordWrap(True)
        self.l_note.setTextFormat(Qt.TextFormat.RichText)
        self.l_note.setFixedHeight(self.l_note.fontMetrics().lineSpacing() * 2 + 4)
        self.l_note.setStyleSheet("color: #808080;")
        self.snapped: tuple[tuple[float, float], tuple[float, float]] | None = None
        self.gamut = QtGamutPanel()
        self.distribution = QtDistributionView()
        self.reference = QtReferencePicker()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.gamut, "Gamut")
        self.tabs.addTab(self.distribution, "Distribution")
        self.tabs.addTab(self.reference, "Reference")
        self.tabs.setTabToolTip(0, "All displayable colours at the point's lightness")
        self.tabs.setTabToolTip(1, "The network's predicted colour probabilities at the point")
        self.tabs.setTabToolTip(2, "Pick colours from a reference photo (eyedropper)")
        self.suggestions = QtPalettePanel(NOT_RENDERED, columns=4)
        self.recent = QtPalettePanel("Colours you pick appear here.", columns=6)
        self.suggestions.setMinimumHeight(2 * 33)  # two rows of swatches, shown or not: no jumps
        self.recent.setMinimumHeight(2 * 33)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.value)
        tools = QHBoxLayout()
        tools.addWidget(self.predicted_button)
        tools.addWidget(self.eyedropper_button)
        tools.addStretch(1)
        layout.addLayout(tools)
        layout.addWidget(self.l_note)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self._heading("Suggested colours"))
        layout.addWidget(self.suggestions)
        layout.addWidget(self._heading("Recent colours"))
        layout.addWidget(self.recent)
        self.setMinimumWidth(6 * 44 + 5 * 3 + 2 * 4 + 12)  # six recent swatches in a row

        self.value.abEdited.connect(self._pick)
        self.predicted_button.clicked.connect(self.predictedChosen)
        self.gamut.abClicked.connect(self._pick)
        self.gamut.abDragged.connect(self._preview)
        self.distribution.binClicked.connect(self._pick)
        self.reference.abPicked.connect(self._pick)
        self.suggestions.swatchClicked.connect(self._pick)
        self.recent.swatchClicked.connect(self._pick)
        self.set_lightness(None)

    @staticmethod
    def _heading(text: str) -> QLabel:
        label = QLabel(text)
        label.setStyleSheet("font-weight: bold;")
        return label

    # -- the owner's side ---------------------------------------------------------------------

    @property
    def lightness(self) -> float:
        """The lightness the panel works at: the point's L, or 50 when no point is selected."""
        return DEFAULT_L if self._l is None else self._l

    @property
    def colour(self) -> tuple[float, float] | None:
        """The colour shown as current (last `set_colour` or pick)."""
        return self._ab

    def set_lightness(self, l_value: float | None) -> None:
        """Set the CIELAB L of the selected point's pixel (None: no point selected, show L = 50)."""
        self._l = None if l_value is None else min(100.0, max(0.0, float(l_value)))
        self.snapped = None
        self._show_note()
        self.gamut.set_lightness(self.lightness)
        self._show_colour()
        self._refresh_distribution()
        self._refresh_recent()

    def set_colour(self, ab: tuple[float, float] | None) -> None:
        """Show `ab` as the current choice (marker, swatch, numbers) without emitting."""
        self._ab = None if ab is None else (float(ab[0]), float(ab[1]))
        self._show_colour()

    def set_distribution(self, dist: Distribution | None, x_frac: float, y_frac: float) -> None:
        """Refresh the suggestions and the distribution view after a render.

        Args:
            dist: the backend's distribution, or None when it has no distribution head.
            x_frac, y_frac: the selected point as fractions of the photo's width and height.
        """
        self._dist, self._dist_known = dist, True
        self._point = (min(1.0, max(0.0, float(x_frac))), min(1.0, max(0.0, float(y_frac))))
        self._refresh_distribution()

    def clear_distribution(self) -> None:
        """Forget the distribution shown (another point is selected; its own comes later)."""
        self._dist, self._dist_known = None, False
        self._refresh_distribution()

    def add_recent(self, ab: tuple[float, float]) -> None:
        """Put `ab` first in the recent colours (an earlier entry within `RECENT_SAME_AB`
        goes; at most 12 kept)."""
        ab = (float(ab[0]), float(ab[1]))
        recent = [ab] + [x for x in self._recent if not _same_ab(x, ab, RECENT_SAME_AB)]
        del recent[RECENT_CAP:]
        if recent != self._recent:
            self._recent = recent
            self._refresh_recent()
            self.recentChanged.emit()

    def set_recent(self, colours: list[tuple[float, float]]) -> None:
        """Show `colours` (most recent first; a previous run's) as the recent colours, without emitting."""
        self._recent = []
        for ab in colours[:RECENT_CAP]:
            ab = (float(ab[0]), float(ab[1]))
            if not any(_same_ab(x, ab, RECENT_SAME_AB) for x in self._recent):
                self._recent.append(ab)
        self._refresh_recent()

    def set_eyedropper_action(self, action: QAction) -> None:
        """Show the window's eyedropper (a checkable action) beside "Predicted colour"."""
        self.eyedropper_button.setDefaultAction(action)
        self.eyedropper_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.eyedropper_button.show()

    def recent_colours(self) -> list[tuple[float, float]]:
        """The recent colours, most recent first."""
        return list(self._recent)

    def suggested(self) -> list[Suggestion]:
        """The suggestions shown, most likely first."""
        return list(self._suggestions)

    def load_reference(self, path: str | os.PathLike) -> bool:
        """Load a reference photo for the eyedropper (False and a message if unreadable)."""
        loaded = self.reference.load_reference(path)
        self.tabs.setCurrentWidget(self.reference)
        return loaded

    # -- internals -----------------------------------------------------------------------------

    def _preview(self, a: float, b: float) -> None:
        """A drag in the gamut: show where it is (marker, numbers); nothing is chosen yet."""
        ab = clamp_ab(self.lightness, a, b)
        hex_code = lab_to_hex(self.lightness, *ab)
        self.value.show_colour(self.lightness, ab, hex_code)
        self.gamut.set_marker(ab)

    def _pick(self, a: float, b: float) -> None:
        ab = clamp_ab(self.lightness, a, b)
        self.snapped = None if _same_ab(ab, (a, b)) else ((float(a), float(b)), ab)
        self._show_note()
        self.set_colour(ab)
        self.add_recent(ab)
        self.colourPicked.emit(ab[0], ab[1])

    def _show_note(self) -> None:
        """The lightness shown, or what a pick outside the gamut was snapped to (both colours)."""
        if self.snapped is not None:
            (a, b), (sa, sb) = self.snapped
            typed = self.value.typed_hex
            asked = typed if typed else f"a {a:.0f}, b {b:.0f}"
            got = lab_to_hex(self.lightness, sa, sb)
            shown = typed if typed else lab_to_hex(self.lightness, a, b)  # a typed code as typed
            text = (
                f"<span style='color:#b35900'>{asked} {_chip(shown)} is not "
                f"displayable at L {self.lightness:.0f}: snapped to {got} {_chip(got)}.</span>"
            )
        elif self._l is None:
            text = f"No point selected: gamut shown at L {DEFAULT_L:.0f}."
        else:
            text = f"Colours displayable at the point's lightness, L {self._l:.0f}."
        self.l_note.setText(text)

    def _swatch(self, ab: tuple[float, float], label: str, tooltip: str):
        l_value = self.lightness
        return ab, lab_to_hex(l_value, *ab), contrast_hex(l_value), label, tooltip

    def _show_colour(self) -> None:
        hex_code = None if self._ab is None else lab_to_hex(self.lightness, *self._ab)
        self.value.show_colour(self.lightness, self._ab, hex_code)
        self.gamut.set_marker(self._ab)

    def _refresh_distribution(self) -> None:
        if self._dist is None:
            self._suggestions = []
            self.suggestions.set_message(NO_DISTRIBUTION if self._dist_known else NOT_RENDERED)
            self.suggestions.set_swatches([])
            message = NO_DISTRIBUTION if self._dist_known else "No colour distribution yet."
            self.distribution.set_scatter(None, message)
            return
        if self._l is None:  # the last distribution belongs to a point no longer selected
            self._suggestions = []
            self.suggestions.set_message(NO_POINT)
            self.suggestions.set_swatches([])
            self.distribution.set_scatter(None, NO_POINT)
            return
        x_frac, y_frac = self._point
        self._suggestions = suggested_colours(self._dist, self.lightness, x_frac, y_frac, SUGGESTION_COUNT)
        self.suggestions.set_swatches(
            [
                self._swatch(s.ab, f"{s.probability:.0%}", f"a {s.ab[0]:.0f}, b {s.ab[1]:.0f}: {s.probability:.0%}")
                for s in self._suggestions
            ]
        )
        self.suggestions.set_message("No displayable colour is likely here." if not self._suggestions else "")
        probs = probs_at(self._dist.probs, x_frac, y_frac)
        self.distribution.set_scatter(bin_scatter(probs, self._dist.centres, self.lightness))

    def _refresh_recent(self) -> None:
        self.recent.set_swatches([self._swatch(ab, "", f"a {ab[0]:.1f}, b {ab[1]:.1f}") for ab in self._recent])
