"""The two image views: grayscale input with hint points, and the live colour result.

This module (with `brush_layer.py`, its damage brush) is the only one that converts between
pyqtgraph scene (x, y) and image positions.
Image positions are photo pixels (x to the right, y down, origin at the top-left corner), the
same convention as `HintPoint`. The canvas owns no document state: it draws what it is given
(`set_points`) and emits intents (`pointAdded`, `pointMoved`, ...) for the main window to turn
into commands. While a damage brush is chosen (`set_brush`), left clicks and drags on the input
view paint strokes instead (`brush.strokePainted`, see `brush_layer.py`). Colour strokes and
object fills (`strokes`, see `stroke_layer.py`) get each click and drag first.
"""

from __future__ import annotations

import itertools

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QVBoxLayout, QWidget

from ideepcolor_app.gui.brush_layer import QtBrushLayer
from ideepcolor_app.gui.stroke_layer import QtStrokeLayer

#: How close (screen pixels) the pointer must be to a point to grab it.
GRAB_RADIUS_PX = 10


class _HintViewBox(pg.ViewBox):
    """A ViewBox that gives clicks, drags and wheel turns over hint points to the canvas."""

    def __init__(self, canvas: QtCanvas, interactive: bool) -> None:
        super().__init__(lockAspect=True, invertY=True, enableMenu=False)
        self._canvas = canvas
        self._interactive = interactive

    def mouseClickEvent(self, ev) -> None:
        if self._canvas.eyedropper and ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()  # the eyedropper takes a colour from either view and adds nothing
            pos = self.mapSceneToView(ev.scenePos())
            self._canvas._probe_click(pos.x(), pos.y(), on_result=not self._interactive)
            return
        if not self._interactive or self._canvas.pan_mode:
            return super().mouseClickEvent(ev)
        pos = self.mapSceneToView(ev.scenePos())
        if not self._canvas.brush.active and self._canvas._stroke_click(pos.x(), pos.y(), ev.button(), ev.modifiers()):
            ev.accept()
            return
        if self._canvas.brush.active and ev.button() != Qt.MouseButton.MiddleButton:
            ev.accept()  # a brush paints with the left button; the right one does nothing
            if ev.button() == Qt.MouseButton.LeftButton:
                self._canvas.brush.dab(pos.x(), pos.y())
            return
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self._canvas._click(pos.x(), pos.y())
        elif ev.button() == Qt.MouseButton.RightButton:
            ev.accept()
            self._canvas._right_click(pos.x(), pos.y())
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None) -> None:
        """A left drag moves the point under it, or paints with the brush; on the background (or
        with Space held) it pans, except at fit zoom, where the whole photo is in view: there a
        left drag from the photo places a new point where it is released (the loupe shows where)."""
        if self._interactive and ev.button() == Qt.MouseButton.LeftButton and not self._canvas.pan_mode:
            brush = self._canvas.brush
            if not brush.active and self._canvas._stroke_drag(ev, self):
                ev.accept()
                return
            if brush.active:
                ev.accept()
                if ev.isStart():
                    start = self.mapSceneToView(ev.buttonDownScenePos())
                    brush.press(start.x(), start.y())
                pos = self.mapSceneToView(ev.scenePos())
                brush.move(pos.x(), pos.y())
                if ev.isFinish():
                    brush.release()
                return
            if ev.isStart():
                start = self.mapSceneToView(ev.buttonDownScenePos())
                self._canvas._drag_start(start.x(), start.y())
            if self._canvas._dragging is not None or self._canvas._placing:
                ev.accept()
                pos = self.mapSceneToView(ev.scenePos())
                if self._canvas._dragging is not None:
                    self._canvas._drag_to(pos.x(), pos.y())
                if ev.isFinish():
                    self._canvas._drag_end(pos.x(), pos.y())
                return
        if self._canvas.fitted and not self._canvas.eyedropper:
            ev.accept()  # the whole photo is in view: nothing to pan to
            return
        self._canvas.panning = not ev.isFinish()
        super().mouseDragEvent(ev, axis)

    def wheelEvent(self, ev, axis=None) -> None:
        if self._interactive:
            pos = self.mapSceneToView(ev.scenePos())
            delta = ev.delta() if hasattr(ev, "delta") else ev.angleDelta().y()
            if self._canvas._wheel(pos.x(), pos.y(), delta):
                ev.accept()
                return
        super().wheelEvent(ev, axis)


class QtCanvas(QWidget):
    """Input view (left) and result view (right), zoomed and panned together.

    Zoom and pan: the wheel over the background zooms; a left drag on the background, a middle
    drag, or any left drag while Space is held (`set_pan_mode`) pans. The photo is fitted to the
    view on open and refitted when the view resizes, until the user zooms or pans.

    Signals:
        pointAdded(float, float): a left click on empty photo at (x, y).
        pointSelected(int): a left click on point i (-1: clicked outside every point).
        pointMoved(int, float, float, int): point i dragged to (x, y); the last int identifies
            the drag, so that all moves of one drag can merge into one undo step.
        dragFinished(int): the drag of point i ended.
        pointRemoved(int): right click on point i.
        pointResized(int, int): the wheel over point i asks for patch side n (1-9).
        viewChanged(): the views were zoomed, panned or resized.
        colourProbed(float, float, int, bool): an eyedropper click at photo position (x, y): on
            point i (-1: none), on the result view (True) or the input view.

    Overlays in modules of their own: the before/after divider on the result view
    (`compare_view.py`), the loupe and the cursor chip (`probe.py` fills them).
    """

    pointAdded = Signal(float, float)
    pointSelected = Signal(int)
    pointMoved = Signal(int, float, float, int)
    dragFinished = Signal(int)
    pointRemoved = Signal(int)
    pointResized = Signal(int, int)
    viewChanged = Signal()
    colourProbed = Signal(float, float, int, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout_widget = pg.GraphicsLayoutWidget()
        self._layout_widget.setBackground(QColor(48, 48, 48))
        self.input_view = _HintViewBox(self, interactive=True)
        self.result_view = _HintViewBox(self, interactive=False)
        self._stacked: bool | None = None
        self._arrange(stacked=False)
        self.result_view.setXLink(self.input_view)
        self.result_view.setYLink(self.input_view)
        self.input_image = pg.ImageItem(axisOrder="row-major")
        self.result_image = pg.ImageItem(axisOrder="row-major")
        self.input_view.addItem(self.input_image)
        self.result_view.addItem(self.result_image)
        self.brush = QtBrushLayer(self.input_view, self)
        self.strokes = QtStrokeLayer(self.input_view, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._layout_widget)
        self._size = (1, 1)  # photo (width, height)
        self._working = 256
        self._points: list[tuple[float, float, int]] = []
        self._hidden: list[bool] = []
        self._rects: list[QGraphicsRectItem] = []
        self._selected: int | None = None
        self._dragging: int | None = None
        self._placing = False  # a left drag from empty photo at fit zoom: the point goes where it ends
        self.panning = False  # a drag pans the views (the loupe stays hidden)
        self.eyedropper = False
        self._drag_ids = itertools.count(1)
        self._drag_id = 0
        self._auto_fit = True  # keep fitting on resize until the user zooms or pans
        self.pan_mode = False
        self.input_view.sigRangeChangedManually.connect(self._on_manual_range)
        self.input_view.sigResized.connect(self._on_view_resized)
        self.input_view.sigRangeChanged.connect(lambda *_args: self.viewChanged.emit())

    # -- what is shown -----------------------------------------------------------------

    def set_photo(self, gray_u8: np.ndarray, width: int, height: int) -> None:
        """Show a new photo: its grayscale preview, scaled to cover (0, 0, width, height)."""
        self._size = (width, height)
        self._arrange(self._prefers_stacked())
        self.input_image.setImage(gray_u8, levels=(0, 255))
        self.input_image.setRect(QRectF(0, 0, width, height))
        self.result_image.setImage(gray_u8, levels=(0, 255))
        self.result_image.setRect(QRectF(0, 0, width, height))
        self.fit()

    def set_input(self, gray_u8: np.ndarray) -> None:
        """Show another grayscale of the same photo (restored, or the original) in the input
        view, keeping the zoom."""
        width, height = self._size
        self.input_image.setImage(gray_u8, levels=(0, 255))
        self.input_image.setRect(QRectF(0, 0, width, height))

    def set_result(self, rgb_u8: np.ndarray) -> None:
        width, height = self._size
        self.result_image.setImage(rgb_u8, levels=(0, 255))
        self.result_image.setRect(QRectF(0, 0, width, height))

    def set_working_size(self, size: int) -> None:
        """The long side of the working resolution (the short side keeps the photo's aspect)."""
        self._working = max(1, int(size))
        self._redraw_points()

    def _photo_per_working(self) -> float:
        """Photo pixels per working pixel: a patch of side n covers n times this, on both axes."""
        return max(self._size) / self._working

    def set_points(
        self,
        points: list[tuple[float, float, int]],
        colours_u8: np.ndarray,
        selected: int | None,
        hidden: list[bool] | None = None,
    ) -> None:
        """Draw hint patches: (x, y, size) per point, (N,3) uint8 colours, the selected index;
        points marked `hidden` are not drawn and cannot be grabbed (they still colour the photo)."""
        self._points = list(points)
        self._hidden = list(hidden) if hidden is not None else [False] * len(self._points)
        self._colours = np.asarray(colours_u8)
        self._selected = selected
        self._redraw_points()

    def _redraw_points(self) -> None:
        while len(self._rects) < len(self._points):
            rect = QGraphicsRectItem()
            rect.setZValue(10)
            self.input_view.addItem(rect)
            self._rects.append(rect)
        width, height = self._size
        for i, rect in enumerate(self._rects):
            if i >= len(self._points) or self._hidden[i]:
                rect.hide()
                continue
            x, y, size = self._points[i]
            w = h = size * self._photo_per_working()
            rect.setRect(QRectF(x - w / 2, y - h / 2, w, h))
            r, g, b = (int(v) for v in self._colours[i])
            rect.setBrush(QColor(r, g, b))
            selected = i == self._selected
            pen = QPen(QColor(255, 220, 0) if selected else QColor(255, 255, 255), 3 if selected else 1.5)
            pen.setCosmetic(True)
            rect.setPen(pen)
            rect.show()

    # -- zoom --------------------------------------------------------------------------

    def fit(self) -> None:
        width, height = self._size
        self._auto_fit = True
        self.input_view.setRange(QRectF(0, 0, width, height), padding=0.02)

    def _on_manual_range(self, *_args) -> None:
        """Zoomed or panned by hand; zoomed out past the whole photo, it snaps back to fit."""
        (x0, x1), (y0, y1) = self.input_view.viewRange()
        width, height = self._size
        if x0 <= 0 and y0 <= 0 and x1 >= width and y1 >= height:
            self.fit()
            return
        self._auto_fit = False

    def _on_view_resized(self, *_args) -> None:
        if self._auto_fit:
            self.fit()

    @property
    def fitted(self) -> bool:
        """True while the view follows the window size (no manual zoom or pan since the last fit)."""
        return self._auto_fit

    def set_pan_mode(self, on: bool) -> None:
        """While on (Space held), a left drag pans even over a point and clicks add nothing."""
        self.pan_mode = bool(on)
        self._set_cursor()

    def set_brush(self, mode: str | None, radius: float | None = None) -> None:
        """Paint the damage mask ("add" / "remove", `radius` in photo pixels) instead of adding
        points, or go back to points (None)."""
        self.brush.set_brush(mode, radius)
        self._set_cursor()

    def set_stroke_tool(self, tool: str | None, width_px: float | None = None) -> None:
        """Paint colour strokes ("brush", `width_px` photo pixels wide), fill objects ("fill")
        instead of adding points, or go back to points (None)."""
        self.strokes.tool = tool
        if width_px is not None:
            self.strokes.width_px = float(width_px)
        self._set_cursor()

    def set_eyedropper(self, on: bool) -> None:
        """While on, a left click on either view takes a colour (`colourProbed`) and adds nothing."""
        self.eyedropper = bool(on)
        self._set_cursor()

    def _set_cursor(self) -> None:
        shape = (
            Qt.CursorShape.OpenHandCursor
            if self.pan_mode
            else Qt.CursorShape.CrossCursor
            if self.brush.active or self.eyedropper or self.strokes.tool
            else Qt.CursorShape.ArrowCursor
        )
        self.viewport.setCursor(shape)

    def shown_side(self) -> int:
        """Screen pixels the photo's longest side covers in one view now (device pixels)."""
        px, py = self.input_view.viewPixelSize()
        width, height = self._size
        if px <= 0 or py <= 0:
            return 0
        ratio = self.devicePixelRatioF() or 1.0
        return int(round(max(width / px, height / py) * ratio))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange(self._prefers_stacked())
        if self._auto_fit:
            self.fit()

    def _prefers_stacked(self) -> bool:
        """Put the views one above the other when that shows the photo larger."""
        width, height = self._size
        area_w, area_h = max(1, self.width()), max(1, self.height())
        side_by_side = min(area_w / 2 / width, area_h / height)
        stacked = min(area_w / width, area_h / 2 / height)
        return stacked > side_by_side

    def _arrange(self, stacked: bool) -> None:
        if stacked == self._stacked:
            return
        layout = self._layout_widget.ci
        if self._stacked is not None:
            layout.removeItem(self.input_view)
            layout.removeItem(self.result_view)
        layout.addItem(self.input_view, row=0, col=0)
        layout.addItem(self.result_view, row=1 if stacked else 0, col=0 if stacked else 1)
        self._stacked = stacked

    def actual_size(self) -> None:
        """Zoom so that one photo pixel is one screen pixel, keeping the centre."""
        centre = self.input_view.viewRect().center()
        view_w = self.input_view.width() or 1
        view_h = self.input_view.height() or 1
        self._auto_fit = False
        self.input_view.setRange(QRectF(centre.x() - view_w / 2, centre.y() - view_h / 2, view_w, view_h), padding=0)

    def zoom(self, factor: float) -> None:
        self._auto_fit = False
        self.input_view.scaleBy((1 / factor, 1 / factor))

    def view_rect(self) -> QRectF:
        return self.input_view.viewRect()

    # -- positions -------------------------------------------------------------------------

    def scene_pos(self, x: float, y: float) -> QPointF:
        """Scene position of photo point (x, y) in the input view."""
        return self.input_view.mapViewToScene(QPointF(x, y))

    def widget_pos(self, x: float, y: float):
        """Position of photo point (x, y) in the graphics view's viewport (for tests, clicks)."""
        return self._layout_widget.mapFromScene(self.scene_pos(x, y))

    def result_widget_pos(self, x: float, y: float):
        """Position of photo point (x, y) of the result view in the viewport."""
        return self._layout_widget.mapFromScene(self.result_view.mapViewToScene(QPointF(x, y)))

    def view_at(self, viewport_pos) -> tuple[float, float, bool] | None:
        """The photo position under a viewport position: (x, y, on the result view), or None."""
        scene = self._layout_widget.mapToScene(viewport_pos)
        for view, on_result in ((self.input_view, False), (self.result_view, True)):
            if view.sceneBoundingRect().contains(scene):
                pos = view.mapSceneToView(scene)
                return pos.x(), pos.y(), on_result
        return None

    @property
    def viewport(self) -> QWidget:
        return self._layout_widget.viewport()

    def point_at(self, x: float, y: float) -> int | None:
        """Index of the point drawn nearest (x, y) within the grab radius, or None."""
        px, py = self.input_view.viewPixelSize()
        best, best_d = None, float(GRAB_RADIUS_PX) ** 2
        width, height = self._size
        for i, (hx, hy, size) in enumerate(self._points):
            if self._hidden[i]:
                continue
            half_w = half_h = size * self._photo_per_working() / 2
            dx = max(abs(x - hx) - half_w, 0.0) / px
            dy = max(abs(y - hy) - half_h, 0.0) / py
            if dx * dx + dy * dy <= best_d:  # later points win ties: they are drawn on top
                best, best_d = i, dx * dx + dy * dy
        return best

    def _inside(self, x: float, y: float) -> bool:
        return 0 <= x < self._size[0] and 0 <= y < self._size[1]

    # -- interaction (called by the view box) -----------------------------------------------

    def _click(self, x: float, y: float) -> None:
        index = self.point_at(x, y)
        if index is not None:
            self.pointSelected.emit(index)
        elif self._inside(x, y):
            self.pointAdded.emit(x, y)
        else:
            self.pointSelected.emit(-1)

    def _stroke_click(self, x: float, y: float, button, modifiers) -> bool:
        """Offer a click to the colour strokes first (their tools, Shift+click, a stroke under it)."""
        on_point = self.point_at(x, y) is not None
        shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        if on_point and self.strokes.tool is None and not shift and not self.strokes.outline_shown:
            return False
        return self.strokes.click(x, y, button, modifiers)

    def _stroke_drag(self, ev, view: pg.ViewBox) -> bool:
        """Offer a left drag to the colour strokes first (the brush, or a stroke under the press)."""
        start = view.mapSceneToView(ev.buttonDownScenePos())
        pos = view.mapSceneToView(ev.scenePos())
        grab = ev.isStart() and self.point_at(start.x(), start.y()) is None
        return self.strokes.drag((start.x(), start.y()), (pos.x(), pos.y()), ev.isStart(), ev.isFinish(), grab)

    def _right_click(self, x: float, y: float) -> None:
        index = self.point_at(x, y)
        if index is not None:
            self.pointRemoved.emit(index)

    def _probe_click(self, x: float, y: float, on_result: bool) -> None:
        index = None if on_result else self.point_at(x, y)
        self.colourProbed.emit(x, y, -1 if index is None else index, on_result)

    def _drag_start(self, x: float, y: float) -> None:
        self._dragging = self.point_at(x, y)
        self._placing = self._dragging is None and self._inside(x, y) and self.fitted
        self._drag_id = next(self._drag_ids)
        if self._dragging is not None:
            self.pointSelected.emit(self._dragging)

    def _drag_to(self, x: float, y: float) -> None:
        self.pointMoved.emit(self._dragging, x, y, self._drag_id)

    def _drag_end(self, x: float, y: float) -> None:
        if self._placing:
            self._placing = False
            if self._inside(x, y):
                self.pointAdded.emit(x, y)
            return
        index, self._dragging = self._dragging, None
        self.dragFinished.emit(index)

    def _wheel(self, x: float, y: float, delta: int) -> bool:
        index = None if self.brush.active else self.point_at(x, y)
        if index is None or delta == 0:
            return False
        size = self._points[index][2] + (1 if delta > 0 else -1)
        if 1 <= size <= 9:
            self.pointResized.emit(index, size)
        return True
