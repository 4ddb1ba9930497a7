"""The damage brush on the input view: the mask overlay, the brush outline at the pointer, and
the stroke being painted.

Positions are the view's coordinates, which are photo pixels (x right, y down, origin at the
top-left corner), as everywhere in `canvas.py`. The layer owns no document state: it draws the
overlay it is given (`set_overlay`) and emits each finished stroke (`strokePainted`) for the
main window to turn into a command.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsPathItem

#: Colours of the stroke being painted (the overlay's colours for painted in / out, see
#: `engine.damage_mask.OVERLAY_RGBA`, a little stronger while the button is held).
STROKE_COLOURS = {"add": QColor(0, 190, 255, 170), "remove": QColor(255, 214, 0, 160)}
_Z_OVERLAY, _Z_STROKE, _Z_OUTLINE = 5, 6, 20


class QtBrushLayer(QObject):
    """Items on one `pg.ViewBox`: the overlay image, the live stroke and the brush outline.

    Attributes:
        mode: "add" or "remove" while a brush is chosen, else None (clicks add colour points).
        radius: the brush radius in photo pixels.

    Signals:
        strokePainted(str, float, object): a stroke ended: mode, radius, and its brush centres
            as a list of (x, y) in photo pixels (one for a click).
    """

    strokePainted = Signal(str, float, object)

    def __init__(self, view: pg.ViewBox, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view = view
        self.mode: str | None = None
        self.radius = 4.0
        self._points: list[tuple[float, float]] = []
        self._painting = False
        self.overlay = pg.ImageItem(axisOrder="row-major")
        self.overlay.setZValue(_Z_OVERLAY)
        self.overlay.hide()
        view.addItem(self.overlay)
        self.stroke_item = QGraphicsPathItem()
        self.stroke_item.setZValue(_Z_STROKE)
        view.addItem(self.stroke_item)
        self.outline = QGraphicsEllipseItem()
        self.outline.setZValue(_Z_OUTLINE)
        pen = QPen(QColor(255, 255, 255), 1.5)
        pen.setCosmetic(True)  # one screen pixel at any zoom
        self.outline.setPen(pen)
        self.outline.hide()
        view.addItem(self.outline)
        view.scene().sigMouseMoved.connect(self._hover)

    @property
    def active(self) -> bool:
        return self.mode is not None

    def set_brush(self, mode: str | None, radius: float | None = None) -> None:
        """Choose a brush ("add" / "remove") or none; `radius` in photo pixels."""
        self.mode = mode
        if radius is not None:
            self.radius = float(radius)
            self._place_outline(self.outline.rect().center() if self.outline.isVisible() else None)
        if mode is None:
            self.outline.hide()
            self._painting = False

    # -- the overlay ------------------------------------------------------------------------

    def set_overlay(
        self, labels: np.ndarray | None, lut_rgba: np.ndarray | None = None, size: tuple[int, int] = (1, 1)
    ) -> None:
        """Show (H, W) uint8 labels coloured by the (N, 4) RGBA `lut_rgba` over the photo of
        `size` (width, height), or hide the overlay (either None). The stroke painted last goes:
        the overlay now shows it."""
        self.clear_stroke()
        if labels is None or lut_rgba is None:
            self.overlay.hide()
            return
        self.overlay.setImage(labels, lut=lut_rgba, levels=(0, len(lut_rgba) - 1), autoLevels=False)
        self.overlay.setRect(QRectF(0, 0, size[0], size[1]))
        self.overlay.show()

    def clear_stroke(self) -> None:
        if not self._painting:
            self.stroke_item.setPath(QPainterPath())

    # -- painting (called by the canvas's view box) --------------------------------------------

    def press(self, x: float, y: float) -> None:
        self._painting = True
        self._points = [(x, y)]
        assert self.mode is not None  # the view box presses only while a mode is active
        pen = QPen(STROKE_COLOURS[self.mode], 2 * self.radius)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self.stroke_item.setPen(pen)
        self._redraw_stroke()

    def move(self, x: float, y: float) -> None:
        if self._painting:
            self._points.append((x, y))
            self._redraw_stroke()
            self._place_outline(QPointF(x, y))

    def release(self) -> None:
        if not self._painting:
            return
        self._painting = False
        points, self._points = self._points, []
        self.strokePainted.emit(self.mode, self.radius, points)

    def dab(self, x: float, y: float) -> None:
        """A click: a stroke of one brush centre."""
        self.press(x, y)
        self.release()

    def _redraw_stroke(self) -> None:
        path = QPainterPath(QPointF(*self._points[0]))
        for x, y in self._points[1:] or self._points:  # one point: a zero-length line is a dot
            path.lineTo(x, y)
        self.stroke_item.setPath(path)

    # -- the outline ---------------------------------------------------------------------------

    def _hover(self, scene_pos) -> None:
        if not self.active:
            return
        inside = self._view.sceneBoundingRect().contains(scene_pos)
        self._place_outline(self._view.mapSceneToView(scene_pos) if inside else None)

    def _place_outline(self, centre: QPointF | None) -> None:
        if centre is None or not self.active:
            self.outline.hide()
            return
        r = self.radius
        self.outline.setRect(QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r))
        self.outline.show()
