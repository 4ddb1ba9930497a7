"""The before/after divider on the result view: "before" left of a draggable line, the colour
result right of it.

"Before" is whatever the window hands over (`set_before`): the grey photo being colourized,
the scan before restoration, or another backend's result. Only the part left of the line is
drawn, over the result image, so the result itself is never re-drawn when the line moves.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtGui import QColor

#: Where the line starts, as a share of the photo's width.
DEFAULT_FRACTION = 0.5


class QtCompareDivider(QObject):
    """Draws `before` left of a vertical line over a result view box; the line is dragged freely.

    Signals:
        fractionChanged(float): the line moved (its x as a share of the photo's width, 0-1).
    """

    fractionChanged = Signal(float)

    def __init__(self, view: pg.ViewBox, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.before_image = pg.ImageItem(axisOrder="row-major")
        self.before_image.setZValue(5)  # over the result image
        self.line = pg.InfiniteLine(
            angle=90,
            movable=True,
            pen=pg.mkPen(QColor(255, 255, 255), width=2),
            hoverPen=pg.mkPen(QColor(255, 220, 0), width=3),
        )
        self.line.setZValue(20)
        self.label = pg.InfLineLabel(
            self.line,
            text="",
            position=0.02,
            anchors=[(0.5, 0), (0.5, 0)],
            fill=pg.mkBrush(32, 32, 36, 200),
            color=(235, 235, 235),
        )
        self.line.setCursor(pg.QtCore.Qt.CursorShape.SplitHCursor)
        view.addItem(self.before_image)
        view.addItem(self.line, ignoreBounds=True)
        self._size = (1, 1)
        self._before: np.ndarray | None = None
        self._before_name = "Grey photo"
        self.fraction = DEFAULT_FRACTION
        self.enabled = False
        self.line.sigPositionChanged.connect(self._on_line_moved)
        self._show(False)

    # -- what is shown ----------------------------------------------------------------------

    def set_photo(self, width: int, height: int) -> None:
        """A new photo covering (0, 0, width, height): the line keeps its share of the width."""
        self._size = (max(1, int(width)), max(1, int(height)))
        self.line.setBounds((0, self._size[0]))
        self._place_line()

    def set_before(self, rgb_u8: np.ndarray, name: str) -> None:
        """What the left side shows: (h,w,3) uint8 covering the whole photo, and its name."""
        self._before = np.ascontiguousarray(rgb_u8)
        self._before_name = name
        text = f"◀ {name}  |  Colour ▶"
        self.label.format = text.replace("{", "{{").replace("}", "}}")  # what it shows again after a drag
        self.label.setText(text)
        self._update_before()

    def set_enabled(self, on: bool) -> None:
        """Show or hide the divider (hidden, the result view shows the colour result alone)."""
        self.enabled = bool(on)
        self._show(self.enabled)
        self._update_before()

    def set_fraction(self, fraction: float) -> None:
        """Put the line at `fraction` (0-1) of the photo's width."""
        self.fraction = min(1.0, max(0.0, float(fraction)))
        self._place_line()

    @property
    def before_name(self) -> str:
        return self._before_name

    @property
    def line_x(self) -> float:
        """The line's position in photo pixels."""
        return self.fraction * self._size[0]

    # -- internals --------------------------------------------------------------------------

    def _show(self, on: bool) -> None:
        self.line.setVisible(on)
        self.before_image.setVisible(on and self._before is not None)

    def _place_line(self) -> None:
        self.line.blockSignals(True)
        self.line.setValue(self.line_x)
        self.line.blockSignals(False)
        self._update_before()

    def _on_line_moved(self, line) -> None:
        self.fraction = min(1.0, max(0.0, float(line.value()) / self._size[0]))
        self._update_before()
        self.fractionChanged.emit(self.fraction)

    def _update_before(self) -> None:
        if not self.enabled or self._before is None:
            self.before_image.setVisible(False)
            return
        width, height = self._size
        columns = int(round(self.fraction * self._before.shape[1]))
        if columns <= 0:
            self.before_image.setVisible(False)
            return
        # A view of the left columns: pyqtgraph copies it once when it makes its QImage.
        self.before_image.setImage(self._before[:, :columns], levels=(0, 255), autoLevels=False)
        self.before_image.setRect(QRectF(0, 0, columns * width / self._before.shape[1], height))
        self.before_image.setVisible(True)
