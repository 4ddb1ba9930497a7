"""A row of clickable colour swatches (used for the suggested and the recent colours)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QToolButton, QVBoxLayout, QWidget


class QtPalettePanel(QWidget):
    """Swatch buttons in a grid, with a message shown instead when there are none.

    The caller hands display-ready values (colour codes computed in `color.swatch`); the panel
    only draws them and reports clicks.

    Signals:
        swatchClicked(float, float): the ab of the clicked swatch, as given to `set_swatches`.
    """

    swatchClicked = Signal(float, float)

    def __init__(self, empty_message: str = "", columns: int = 6, parent: QWidget | None = None):
        super().__init__(parent)
        self.columns = columns
        self.empty_message = empty_message
        self._buttons: list[QToolButton] = []
        self._abs: list[tuple[float, float]] = []
        self.message = QLabel(empty_message)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #808080;")
        grid_holder = QWidget()
        self.grid = QGridLayout(grid_holder)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(grid_holder)

    def set_swatches(self, swatches: list[tuple[tuple[float, float], str, str, str, str]]) -> None:
        """Replace the swatches.

        Args:
            swatches: per swatch (ab, background "#rrggbb", text "#rrggbb", label, tooltip),
                in display order (left to right, then down).
        """
        for button in self._buttons:
            self.grid.removeWidget(button)
            button.hide()  # deleteLater waits for the event loop; do not paint it meanwhile
            button.setParent(None)
            button.deleteLater()
        self._buttons, self._abs = [], []
        for index, (ab, background, text_colour, label, tooltip) in enumerate(swatches):
            button = QToolButton()
            button.setFixedSize(44, 30)
            button.setText(label)
            button.setToolTip(tooltip)
            button.setStyleSheet(
                f"QToolButton {{ background: {background}; color: {text_colour}; "
                "border: 1px solid #808080; border-radius: 3px; font-size: 9px; }"
                "QToolButton:hover { border: 2px solid #3070d0; }"
            )
            button.clicked.connect(lambda _checked=False, i=index: self._on_clicked(i))
            self.grid.addWidget(button, index // self.columns, index % self.columns)
            self._buttons.append(button)
            self._abs.append((float(ab[0]), float(ab[1])))
        self.message.setVisible(not swatches)

    def set_message(self, text: str) -> None:
        """Change the text shown when there are no swatches."""
        self.empty_message = text
        self.message.setText(text)

    def buttons(self) -> list[QToolButton]:
        """The swatch buttons in display order."""
        return list(self._buttons)

    def swatch_abs(self) -> list[tuple[float, float]]:
        """The ab of each swatch in display order."""
        return list(self._abs)

    def _on_clicked(self, index: int) -> None:
        a, b = self._abs[index]
        self.swatchClicked.emit(a, b)
