"""What the pointer shows and takes over the photo: the loupe, the cursor chip, the eyedropper.

- While a point is placed (the left button held on the photo) or dragged, the loupe shows the
  pixels under the cursor magnified, the centre pixel's L and the colour the point takes.
- Hovering the photo, the cursor chip shows the colour a click would give a new point: the
  chosen colour, or the one predicted under the cursor (labelled "predicted").
- With the eyedropper on, a click takes a colour: a point's own colour (a click on a point),
  else the result's colour under the cursor, on either view; the selected point (or the next
  new point) gets it, and the eyedropper turns itself off.

Colours for display come from the engine (`engine.swatches`, `color.swatch`); this module only
decides what to show where.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QMouseEvent

from ideepcolor_app.color.swatch import lab_to_rgb_u8
from ideepcolor_app.engine.swatches import loupe_patch
from ideepcolor_app.gui.cursor_chip import QtCursorChip
from ideepcolor_app.gui.loupe import QtLoupe

_MOUSE = (QEvent.Type.MouseMove, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease)


class QtProbe(QObject):
    """The loupe, cursor chip and eyedropper of a main window (`doc`, `canvas`, `last_result`).

    Signals:
        eyedropperChanged(bool): the eyedropper was switched on or off.
        colourTaken(float, float, str): the eyedropper took (a, b), from where (for the status bar).
    """

    eyedropperChanged = Signal(bool)
    colourTaken = Signal(float, float, str)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        canvas = window.canvas
        self.loupe = QtLoupe(canvas.viewport)
        self.chip = QtCursorChip(canvas.viewport)
        self._pressed_point: int | None = None  # the point a left press landed on (a drag moves it)
        self._viewport = canvas.viewport
        self._viewport.setMouseTracking(True)
        self._viewport.installEventFilter(self)
        canvas.colourProbed.connect(self._on_probed)

    @property
    def canvas(self):
        return self.window.canvas

    @property
    def doc(self):
        return self.window.doc

    # -- the eyedropper ------------------------------------------------------------------------

    def set_eyedropper(self, on: bool) -> None:
        """Switch the eyedropper on (the next click on a view takes a colour) or off."""
        if bool(on) == self.canvas.eyedropper:
            return
        self.canvas.set_eyedropper(on)
        self.chip.hide()
        self.eyedropperChanged.emit(bool(on))

    def colour_at(self, x: float, y: float, index: int = -1) -> tuple[tuple[float, float], str] | None:
        """What the eyedropper takes at photo position (x, y): point `index`'s colour, else the
        result's colour there; with where it came from. None off the photo or before a result."""
        if 0 <= index < len(self.doc.hints.points):
            return self.doc.hints.points[index].ab, self.window.point_title(index)
        result = self.window.last_result
        if result is None or not self.doc.contains(x, y):
            return None
        width, height = self.doc.image_size
        return result.ab_at(x / width, y / height), f"the result at ({int(x)}, {int(y)})"

    def _on_probed(self, x: float, y: float, index: int, _on_result: bool) -> None:
        taken = self.colour_at(x, y, index)
        self.set_eyedropper(False)
        if taken is None:
            return
        (a, b), source = taken
        self.colourTaken.emit(float(a), float(b), source)

    # -- the loupe and the chip ----------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if watched is self._viewport and (kind in _MOUSE or kind == QEvent.Type.Leave):
            if kind == QEvent.Type.Leave:
                self.hide()
            elif isinstance(event, QMouseEvent):
                if kind == QEvent.Type.MouseButtonPress:
                    self._pressed_point = self._point_under(event.position().toPoint())
                self.show_at(event.position().toPoint(), bool(event.buttons() & Qt.MouseButton.LeftButton))
        return False

    def _point_under(self, viewport_pos) -> int | None:
        hit = self.canvas.view_at(viewport_pos)
        return None if hit is None or hit[2] else self.canvas.point_at(hit[0], hit[1])

    def hide(self) -> None:
        self.loupe.hide()
        self.chip.hide()

    def show_at(self, viewport_pos, held: bool) -> None:
        """Update the loupe and the chip for the pointer at `viewport_pos` (left button `held`)."""
        canvas = self.canvas
        hit = canvas.view_at(viewport_pos)
        if hit is None or canvas.brush.active or canvas.pan_mode:
            self.hide()
            return
        x, y, on_result = hit
        dragging = self._pressed_point if held else None
        if (
            held
            and not on_result
            and not canvas.panning
            and not canvas.eyedropper
            and (dragging is not None or self.doc.contains(x, y))
        ):
            self.chip.hide()
            self._show_loupe(viewport_pos, x, y, dragging)
            return
        self.loupe.hide()
        if held or not self.doc.contains(x, y) or (on_result and not canvas.eyedropper):
            self.chip.hide()
            return
        self._show_chip(viewport_pos, x, y, on_result)

    def _show_loupe(self, viewport_pos, x: float, y: float, dragging: int | None) -> None:
        patch = loupe_patch(self.doc.l_full, x, y)
        if dragging is not None and dragging < len(self.doc.hints.points):
            ab, what = self.doc.hints.points[dragging].ab, self.window.point_title(dragging)
        else:
            ab, what = self._new_point_colour(x, y)
        swatch = None if ab is None else lab_to_rgb_u8(patch.l_value, *ab)
        self.loupe.show_patch(
            viewport_pos, patch.rgb_u8, f"L {patch.l_value:.1f}   pixel ({patch.col}, {patch.row})", swatch, what
        )

    def _show_chip(self, viewport_pos, x: float, y: float, on_result: bool) -> None:
        l_value = self.doc.lightness_at(x, y)
        if self.canvas.eyedropper:
            index = -1 if on_result else self.canvas.point_at(x, y)
            taken = self.colour_at(x, y, -1 if index is None else index)
            ab, text = (None if taken is None else taken[0]), "take this colour"
        else:
            ab, text = self._new_point_colour(x, y)
        rgb = None if ab is None else lab_to_rgb_u8(l_value, *ab)
        self.chip.show_colour(viewport_pos, rgb, text)

    def _new_point_colour(self, x: float, y: float) -> tuple[tuple[float, float] | None, str]:
        """The colour a click at (x, y) gives a new point, and how to call it."""
        if self.doc.current_ab is not None:
            return self.doc.current_ab, "new point"
        result = self.window.last_result
        if result is None:
            return None, "predicted"
        width, height = self.doc.image_size
        return result.ab_at(x / width, y / height), "predicted"
