"""Colour strokes on the input view: the strokes, the one being painted, and an object fill's
outline before it is committed.

Positions are the view's coordinates, which are photo pixels (x right, y down, origin at the
top-left corner), as everywhere in `canvas.py`. The layer owns no document state: it draws
what it is given (`set_strokes`, `set_outline`) and turns presses, drags and clicks into
intents (signals) for the main window. The canvas's view box offers it each mouse event first
(`click`, `drag`); it takes the events of its tool, of Shift+click (an object fill), and of
presses on a stroke (select it, drag it as one, remove it with the right button).
"""

from __future__ import annotations

import itertools

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from ideepcolor_app.hints.colour_strokes import path_distance

#: How close (screen pixels) the pointer must come to a stroke's edge to grab it.
GRAB_RADIUS_PX = 6
#: Tools: paint a stroke, or fill the object under a click.
TOOLS = ("brush", "fill")
_Z_STROKES, _Z_LIVE, _Z_OUTLINE = 8, 9, 21
_SELECTED = QColor(255, 220, 0)


class QtStrokeLayer(QObject):
    """Stroke items on the input `pg.ViewBox` and the mouse handling of the colour tools.

    Attributes:
        tool: "brush", "fill" or None (points; Shift+click still asks for a fill).
        width_px: the brush width in photo pixels (for the stroke being painted).

    Signals:
        strokePainted(object): a brush drag (or click) ended: its brush centres, [(x, y), ...].
        strokeSelected(int): a click on stroke i (-1: none).
        strokeMoved(int, float, float, int): stroke i dragged by (dx, dy) photo pixels since the
            press; the int identifies the drag (its moves merge into one undo step).
        strokeDragFinished(int): the drag of stroke i ended.
        strokeRemoved(int): a right click on stroke i.
        fillAsked(float, float): show the object under (x, y) (Shift+click, or a click with the
            fill tool).
        fillConfirmed(): a click inside the outline shown: commit the fill.
        fillCancelled(): a click outside it.
    """

    strokePainted = Signal(object)
    strokeSelected = Signal(int)
    strokeMoved = Signal(int, float, float, int)
    strokeDragFinished = Signal(int)
    strokeRemoved = Signal(int)
    fillAsked = Signal(float, float)
    fillConfirmed = Signal()
    fillCancelled = Signal()

    def __init__(self, view: pg.ViewBox, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view = view
        self.tool: str | None = None
        self.width_px = 4.0
        self._items: list[tuple[QGraphicsPathItem, QGraphicsPathItem]] = []
        self._strokes: list[tuple[list[tuple[float, float]], float]] = []
        self._selected: int | None = None
        self._live_points: list[tuple[float, float]] = []
        self._drag: tuple[int, float, float] | None = None  # stroke, press x, press y
        self._drag_ids = itertools.count(1)
        self._drag_id = 0
        self._outline: list[np.ndarray] | None = None
        self.live = QGraphicsPathItem()
        self.live.setZValue(_Z_LIVE)
        view.addItem(self.live)
        self.outline = QGraphicsPathItem()
        self.outline.setZValue(_Z_OUTLINE)
        pen = QPen(_SELECTED, 2.0, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self.outline.setPen(pen)
        self.outline.hide()
        view.addItem(self.outline)

    # -- what is shown ----------------------------------------------------------------------

    def set_strokes(
        self, strokes: list[tuple[list[tuple[float, float]], float]], colours_u8: np.ndarray, selected: int | None
    ) -> None:
        """Draw the strokes: (brush centres, width in photo pixels) each, (N,3) uint8 colours."""
        self._strokes = [(list(points), float(width)) for points, width in strokes]
        self._selected = selected
        while len(self._items) < len(self._strokes):
            halo, body = QGraphicsPathItem(), QGraphicsPathItem()
            halo.setZValue(_Z_STROKES)
            body.setZValue(_Z_STROKES)
            self._view.addItem(halo)
            self._view.addItem(body)
            self._items.append((halo, body))
        for i, (halo, body) in enumerate(self._items):
            if i >= len(self._strokes):
                halo.hide()
                body.hide()
                continue
            points, width = self._strokes[i]
            path = _path(points)
            r, g, b = (int(v) for v in colours_u8[i])
            body.setPath(path)
            body.setPen(_round_pen(QColor(r, g, b), width))
            halo.setPath(path)
            # The outline: a cosmetic rim a little wider than the stroke, yellow when selected.
            rim = _round_pen(_SELECTED if i == selected else QColor(255, 255, 255, 200), width)
            rim.setWidthF(width + 3 * self._view.viewPixelSize()[0] if width else 3.0)
            halo.setPen(rim)
            halo.show()
            body.show()

    def set_outline(self, outlines: list[np.ndarray] | None) -> None:
        """Show an object fill's outline ((N,2) photo (x, y) polygons) before it is committed, or hide it."""
        self._outline = outlines
        if not outlines:
            self.outline.hide()
            return
        path = QPainterPath()
        for polygon in outlines:
            path.moveTo(QPointF(*polygon[0]))
            for x, y in polygon[1:]:
                path.lineTo(x, y)
            path.closeSubpath()
        self.outline.setPath(path)
        self.outline.show()

    @property
    def outline_shown(self) -> bool:
        return self._outline is not None and self.outline.isVisible()

    # -- hit tests ------------------------------------------------------------------------------

    def stroke_at(self, x: float, y: float) -> int | None:
        """Index of the stroke drawn at (x, y) within the grab radius (the last one drawn wins)."""
        px = max(self._view.viewPixelSize()[0], 1e-9)
        best = None
        for i, (points, width) in enumerate(self._strokes):
            if path_distance(points, x, y) - width / 2 <= GRAB_RADIUS_PX * px:
                best = i
        return best

    def _inside_outline(self, x: float, y: float) -> bool:
        return self.outline_shown and self.outline.path().contains(QPointF(x, y))

    # -- mouse (called by the canvas's view box first; True: handled) ---------------------------

    def click(self, x: float, y: float, button, modifiers) -> bool:
        if button == Qt.MouseButton.LeftButton and self.outline_shown:
            (self.fillConfirmed if self._inside_outline(x, y) else self.fillCancelled).emit()
            return True
        shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        if button == Qt.MouseButton.LeftButton and (self.tool == "fill" or (shift and self.tool is None)):
            self.fillAsked.emit(x, y)
            return True
        if self.tool == "brush" and button == Qt.MouseButton.LeftButton:
            self.strokePainted.emit([(x, y)])
            return True
        index = self.stroke_at(x, y)
        if index is None or self.tool is not None:
            return False
        if button == Qt.MouseButton.LeftButton:
            self.strokeSelected.emit(index)
            return True
        if button == Qt.MouseButton.RightButton:
            self.strokeRemoved.emit(index)
            return True
        return False

    def drag(
        self, start: tuple[float, float], pos: tuple[float, float], is_start: bool, is_finish: bool, grab_stroke: bool
    ) -> bool:
        """A left drag: paints with the brush, or moves the stroke it started on (when no point
        was under the press: `grab_stroke`)."""
        if self.tool == "brush":
            if is_start:
                self._start_live(*start)
            self._live_points.append(pos)
            self.live.setPath(_path(self._live_points))
            if is_finish:
                points, self._live_points = self._live_points, []
                self.live.setPath(QPainterPath())
                self.strokePainted.emit(points)
            return True
        if is_start:
            index = self.stroke_at(*start) if grab_stroke and self.tool is None else None
            self._drag = None if index is None else (index, start[0], start[1])
            self._drag_id = next(self._drag_ids)
            if self._drag is not None:
                self.strokeSelected.emit(index)
        if self._drag is None:
            return False
        index, x0, y0 = self._drag
        self.strokeMoved.emit(index, pos[0] - x0, pos[1] - y0, self._drag_id)
        if is_finish:
            self._drag = None
            self.strokeDragFinished.emit(index)
        return True

    def set_live_colour(self, rgb_u8) -> None:
        """The colour the stroke being painted is drawn in (the colour it will take)."""
        r, g, b = (int(v) for v in rgb_u8)
        self._live_colour = QColor(r, g, b, 200)

    def _start_live(self, x: float, y: float) -> None:
        self._live_points = [(x, y)]
        self.live.setPen(_round_pen(getattr(self, "_live_colour", QColor(255, 255, 255, 200)), self.width_px))


def _round_pen(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, max(width, 0.5))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _path(points: list[tuple[float, float]]) -> QPainterPath:
    path = QPainterPath(QPointF(*points[0]))
    for x, y in points[1:] or points:  # one point: a zero-length line is a dot
        path.lineTo(x, y)
    return path
