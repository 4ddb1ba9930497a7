"""A small colour chip that follows the cursor over the photo: the colour a click gives.

Over the input view it shows the colour a new point will take (the chosen colour, or the one
predicted under the cursor, labelled "predicted"); with the eyedropper it shows the colour a
click would take. It only draws what it is given.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

CHIP = 16
OFFSET = 14


class QtCursorChip(QWidget):
    """A swatch and a short label beside the cursor; transparent to the mouse."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.rgb: tuple[int, int, int] | None = None
        self.text = ""
        self.hide()

    def show_colour(self, cursor: QPoint, rgb: tuple[int, int, int] | None, text: str = "") -> None:
        """Show `rgb` (None: no colour yet, a hollow chip) labelled `text`, below-right of `cursor`."""
        self.rgb, self.text = rgb, text
        width = CHIP + 8 + (self.fontMetrics().horizontalAdvance(text) + 10 if text else 0)
        self.resize(width, CHIP + 6)
        owner = self.parentWidget()
        assert owner is not None  # made over the canvas view
        parent = owner.rect()
        x, y = cursor.x() + OFFSET, cursor.y() + OFFSET
        if x + self.width() > parent.right():
            x = cursor.x() - OFFSET - self.width()
        if y + self.height() > parent.bottom():
            y = cursor.y() - OFFSET - self.height()
        self.move(x, y)
        self.show()
        self.raise_()
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(32, 32, 36, 200))
        box = QRect(3, 3, CHIP, CHIP)
        if self.rgb is not None:
            painter.fillRect(box, QColor(*self.rgb))
        painter.setPen(QColor(255, 255, 255))
        painter.drawRect(box)
        if self.text:
            painter.setPen(QColor(235, 235, 235))
            painter.drawText(
                QRect(CHIP + 9, 0, self.width() - CHIP - 10, self.height()),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                self.text,
            )
        painter.end()
