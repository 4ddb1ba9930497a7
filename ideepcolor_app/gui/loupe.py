"""The loupe: a magnifier beside the cursor while a point is placed or dragged.

At fit zoom a face is a few screen pixels, so where a click lands is guesswork; the loupe shows
the photo pixels around the cursor, nine times larger, the pixel the point lands on framed, its
CIELAB L, and the colour the point takes. It draws what it is given (`show_patch`): the pixels
come from `engine.swatches.loupe_patch`, the swatch colour from the engine too.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QWidget

#: Screen pixels per photo pixel inside the loupe.
ZOOM = 9
#: Gap between the cursor and the loupe, in screen pixels.
OFFSET = 22
TEXT_HEIGHT = 38


class QtLoupe(QWidget):
    """A magnified patch of the photo in a frame, placed beside a cursor position.

    The widget lets every mouse event through to the view under it.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._image: QImage | None = None
        self._patch: np.ndarray | None = None
        self.text = ""
        self.swatch: tuple[int, int, int] | None = None
        self.swatch_text = ""
        self.hide()

    def show_patch(
        self,
        cursor: QPoint,
        patch_u8: np.ndarray,
        text: str,
        swatch: tuple[int, int, int] | None = None,
        swatch_text: str = "",
    ) -> None:
        """Show `patch_u8` ((n,n,3) uint8, centre pixel framed) beside `cursor` (parent pixels).

        Args:
            text: the first line under the pixels (the centre pixel's L).
            swatch: the sRGB colour the point takes, drawn as a square on the second line.
            swatch_text: what the swatch is ("new point: predicted", ...).
        """
        self._patch = np.ascontiguousarray(patch_u8)
        n = self._patch.shape[0]
        self._image = QImage(self._patch.data, n, n, 3 * n, QImage.Format.Format_RGB888)
        self.text, self.swatch, self.swatch_text = text, swatch, swatch_text
        side = n * ZOOM + 2
        self.resize(max(side, 150), side + TEXT_HEIGHT)
        self.move(self._place(cursor))
        self.show()
        self.raise_()
        self.update()

    def centre_rgb(self) -> tuple[int, int, int]:
        """The colour of the framed (centre) pixel as drawn."""
        if self._patch is None:
            raise RuntimeError("the loupe shows no patch yet")
        n = self._patch.shape[0]
        r, g, b = (int(v) for v in self._patch[n // 2, n // 2])
        return r, g, b

    def _place(self, cursor: QPoint) -> QPoint:
        """Above-right of the cursor, flipped so the loupe stays inside the parent view."""
        owner = self.parentWidget()
        assert owner is not None  # made over the canvas view
        parent = owner.rect()
        x, y = cursor.x() + OFFSET, cursor.y() - OFFSET - self.height()
        if x + self.width() > parent.right():
            x = cursor.x() - OFFSET - self.width()
        if y < parent.top():
            y = cursor.y() + OFFSET
        return QPoint(max(parent.left(), x), max(parent.top(), min(y, parent.bottom() - self.height())))

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        if self._image is None or self._patch is None:
            return
        n = self._patch.shape[0]
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(32, 32, 36, 235))
        side = n * ZOOM
        left = (self.width() - side) // 2
        painter.drawImage(QRect(left, 1, side, side), self._image)  # nearest: whole pixels stay visible
        centre = QRect(left + (n // 2) * ZOOM, 1 + (n // 2) * ZOOM, ZOOM, ZOOM)
        painter.setPen(QPen(QColor(0, 0, 0), 3))
        painter.drawRect(centre.adjusted(-1, -1, 1, 1))
        painter.setPen(QPen(QColor(255, 220, 0), 1))
        painter.drawRect(centre.adjusted(-1, -1, 1, 1))
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        painter.setFont(font)
        painter.setPen(QColor(235, 235, 235))
        line = side + 4
        painter.drawText(QRect(6, line, self.width() - 12, 16), Qt.AlignmentFlag.AlignLeft, self.text)
        if self.swatch is not None:
            painter.fillRect(QRect(6, line + 18, 14, 14), QColor(*self.swatch))
            painter.setPen(QColor(255, 255, 255))
            painter.drawRect(QRect(6, line + 18, 14, 14))
            painter.setPen(QColor(235, 235, 235))
            painter.drawText(QRect(26, line + 17, self.width() - 32, 16), Qt.AlignmentFlag.AlignLeft, self.swatch_text)
        painter.setPen(QPen(QColor(200, 200, 200), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()
