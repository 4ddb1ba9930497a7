"""The ab plane at one lightness as a pyqtgraph picker image, with a marker on the current colour."""

from __future__ import annotations

import functools
import math

import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ideepcolor_app.color.gamut import ab_to_pixel, gamut_image, pixel_to_ab
from ideepcolor_app.engine.swatches import gamut_bounds

PICKER_SIZE = 221  # 221 pixels over [-110, 110]: one pixel per CIELAB unit
AB_MAX = 110.0


@functools.lru_cache(maxsize=64)
def _picture(l_value: float, size: int) -> tuple:
    """The gamut image and its bounds at a lightness (cached: selecting points repeats them)."""
    image = gamut_image(l_value, size=size, ab_max=AB_MAX)
    image.flags.writeable = False
    return image, gamut_bounds(l_value, ab_max=AB_MAX)


class QtGamutPanel(QWidget):
    """Shows `color.gamut.gamut_image` at a lightness; a click reports that pixel's ab.

    Image coordinates are those of `color.gamut` (row 0 is b = +110, column 0 is a = -110); the
    image item sits in a y-down view box so pixel (row, col) covers [col, col+1) x [row, row+1).
    The view shows the box around the gamut at the lightness (`engine.swatches.gamut_bounds`), so
    the small gamut of a very bright or dark pixel is drawn large.

    Signals:
        abClicked(float, float): the ab of the clicked pixel's centre (`pixel_to_ab`), not yet
            clamped into the gamut (the owner does that), on a click or where a drag ends.
            Clicks outside the image are ignored.
        abDragged(float, float): the ab under a drag in progress (a preview; `abClicked` follows
            where it ends).
    """

    abClicked = Signal(float, float)
    abDragged = Signal(float, float)

    def __init__(self, parent: QWidget | None = None, size: int = PICKER_SIZE):
        super().__init__(parent)
        self.side = size
        self.lightness = -1.0
        self.view = pg.GraphicsView()
        self.view.setMinimumSize(180, 180)
        self.view.setBackground(None)
        self.box = _DragBox(self, lockAspect=True, enableMouse=False, invertY=True, enableMenu=False)
        self.view.setCentralItem(self.box)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.box.addItem(self.image)
        self.marker = pg.ScatterPlotItem(size=12, symbol="o", pen=pg.mkPen("w", width=2), brush=None, pxMode=True)
        self.marker_outline = pg.ScatterPlotItem(
            size=16, symbol="o", pen=pg.mkPen("k", width=1), brush=None, pxMode=True
        )
        self.box.addItem(self.marker_outline)
        self.box.addItem(self.marker)
        self.view.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.setToolTip("Colours you can display at this lightness: click to choose (a → right, b → up)")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.set_lightness(50.0)

    def set_lightness(self, l_value: float) -> None:
        """Redraw the gamut at CIELAB lightness `l_value` (in [0, 100])."""
        l_value = round(float(l_value), 1)  # finer steps change nothing visible
        if l_value == self.lightness and self.image.image is not None:
            return
        self.lightness = l_value
        image, (a0, a1, b0, b1) = _picture(l_value, self.side)
        self.image.setImage(image, autoLevels=False)
        top, left = ab_to_pixel(a0, b1, size=self.side, ab_max=AB_MAX)
        bottom, right = ab_to_pixel(a1, b0, size=self.side, ab_max=AB_MAX)
        self.box.setRange(xRange=(left, right + 1), yRange=(top, bottom + 1), padding=0.0)

    def visible_ab(self) -> tuple[float, float, float, float]:
        """(a_min, a_max, b_min, b_max) of the ab region the view shows now."""
        (x0, x1), (y0, y1) = self.box.viewRange()
        a0, b1 = pixel_to_ab(y0 - 0.5, x0 - 0.5, size=self.side, ab_max=AB_MAX)
        a1, b0 = pixel_to_ab(y1 - 0.5, x1 - 0.5, size=self.side, ab_max=AB_MAX)
        return float(a0), float(a1), float(b0), float(b1)

    def set_marker(self, ab: tuple[float, float] | None) -> None:
        """Put the marker on `ab`, or hide it for None."""
        if ab is None:
            self.marker.setData([], [])
            self.marker_outline.setData([], [])
            return
        row, col = ab_to_pixel(float(ab[0]), float(ab[1]), size=self.side, ab_max=AB_MAX)
        self.marker.setData([col + 0.5], [row + 0.5])
        self.marker_outline.setData([col + 0.5], [row + 0.5])

    def marker_pixel(self) -> tuple[float, float] | None:
        """The marker's (row, col) in image pixels (sub-pixel), or None when hidden."""
        x, y = self.marker.getData()
        if len(x) == 0:
            return None
        return float(y[0]) - 0.5, float(x[0]) - 0.5

    def pixel_to_widget(self, row: int, col: int) -> QPoint:
        """Viewport coordinates of the centre of image pixel (row, col) (for tests and tools)."""
        scene = self.image.mapToScene(QPointF(col + 0.5, row + 0.5))
        return self.view.mapFromScene(scene)

    def _ab_under(self, scene_pos, clamp: bool = False) -> tuple[float, float] | None:
        """The ab of the image pixel under a scene position (kept on the image when `clamp`)."""
        pos = self.image.mapFromScene(scene_pos)
        col, row = math.floor(pos.x()), math.floor(pos.y())
        if clamp:
            col, row = min(self.side - 1, max(0, col)), min(self.side - 1, max(0, row))
        if not (0 <= row < self.side and 0 <= col < self.side):
            return None
        a, b = pixel_to_ab(float(row), float(col), size=self.side, ab_max=AB_MAX)
        return float(a), float(b)

    def _on_scene_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        ab = self._ab_under(event.scenePos())
        if ab is None:
            return
        event.accept()
        self.abClicked.emit(*ab)

    def _on_drag(self, event) -> None:
        """A left drag previews the colour under it and chooses the one where it ends."""
        if event.button() != Qt.MouseButton.LeftButton:
            return
        event.accept()
        ab = self._ab_under(event.scenePos(), clamp=True)
        if ab is not None:  # always, when clamped to the image
            (self.abClicked if event.isFinish() else self.abDragged).emit(*ab)


class _DragBox(pg.ViewBox):
    """The gamut's view box: hands left drags to the panel instead of panning."""

    def __init__(self, panel: QtGamutPanel, **options) -> None:
        super().__init__(**options)
        self._panel = panel

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 - pyqtgraph override
        self._panel._on_drag(ev)
