"""Colour strokes and object fills in the app, wired for a main window.

Edit › Colour brush (P): a drag paints one stroke of the chosen colour (or the colour predicted
where it starts), as wide as the patch size slider says; one drag is one undo step. In points
mode, a click on a stroke selects it (the colour panel then recolours it, the size slider
resizes it, Delete or a right click removes it) and a drag moves it as one piece.
Edit › Fill object (F), or Shift+click in points mode: the object under the click is outlined
(off the GUI thread: `Colorizer.object_region`); a click inside the outline fills it with the
colour (one stroke covering it, `engine.fill`), a click outside or Escape cancels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

from ideepcolor_app.engine.fill import fill_stroke, region_outline
from ideepcolor_app.engine.history import AddStroke, MoveStroke, RecolorStroke, RemoveStroke, ResizeStroke
from ideepcolor_app.engine.swatches import hint_colours_u8
from ideepcolor_app.gui.background import QtBackgroundTask
from ideepcolor_app.gui.damage_brush import stroke_points
from ideepcolor_app.hints import ColourStroke, HintPoint, point_to_working


@dataclass(frozen=True)
class _PendingFill:
    """An object outlined and not yet filled: its (h,w) region at the working resolution, the
    click in working (row, col), and the photo it was found on."""

    region: np.ndarray
    start: tuple[float, float]
    photo_token: int


class QtStrokeTools(QObject):
    """Colour brush, object fill and stroke editing for a main window (`doc`, `stack`, `canvas`,
    `colour_panel`, `size_slider`, `actions`, `edit_menu`, `colorizer`).

    Attributes:
        task: the background thread object regions are found in (tests wait on its `finished`).
        pending: the fill shown as an outline, or None.
    """

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.task = QtBackgroundTask(self)
        self.pending: _PendingFill | None = None
        self._drag_origin: tuple[int, int, ColourStroke] | None = None  # drag id, index, stroke at the press
        self._resize_id = 0
        layer = window.canvas.strokes
        layer.strokePainted.connect(self.paint)
        layer.strokeSelected.connect(lambda i: self.doc.set_selected_stroke(None if i < 0 else i))
        layer.strokeMoved.connect(self.move)
        layer.strokeDragFinished.connect(lambda _i: self._end_drag())
        layer.strokeRemoved.connect(lambda i: window.stack.push(RemoveStroke(self.doc, i)))
        layer.fillAsked.connect(self.ask_fill)
        layer.fillConfirmed.connect(self.confirm_fill)
        layer.fillCancelled.connect(self.cancel_fill)
        events = self.doc.events
        events.hints.connect(lambda _hints: self.redraw())
        events.selected_stroke.connect(self._on_selected)
        events.photo.connect(lambda _path: self._on_photo())
        events.lightness.connect(lambda _restore: self.cancel_fill())
        events.patch_size.connect(lambda size: self._set_width(size))
        window.colour_panel.colourPicked.connect(self._on_colour)
        window.size_slider.sliderPressed.connect(self._next_resize)
        window.size_slider.valueChanged.connect(self._on_size)
        window.named_actions["delete"].triggered.connect(self.delete_selected)
        self._build_actions()
        self.redraw()

    @property
    def doc(self):
        return self.window.doc

    # -- tools ----------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        window = self.window
        self.brush_action = self._tool_action(
            "colour_brush",
            "Colour &brush",
            "P",
            "brush",
            "Paint a stroke of the chosen colour: drag on the photo (its width is the patch size)",
        )
        self.fill_action = self._tool_action(
            "fill_object",
            "&Fill object",
            "F",
            "fill",
            "Fill the object under a click with the chosen colour: click to see "
            "its outline, click inside it to fill (or Shift+click in points mode)",
        )
        self.cancel_action = QAction("Cancel colour tool", window)
        self.cancel_action.setShortcut(QKeySequence("Escape"))
        self.cancel_action.triggered.connect(self.points_mode)
        self.cancel_action.setEnabled(False)  # only while a tool or an outline is on: Escape stays free
        window.addAction(self.cancel_action)
        window.named_actions["cancel_colour_tool"] = self.cancel_action
        window.edit_menu.addSeparator()
        window.edit_menu.addAction(self.brush_action)
        window.edit_menu.addAction(self.fill_action)
        bar = QToolBar("Colour tools", window)
        bar.setObjectName("toolbar_colour_tools")
        bar.setMovable(False)
        bar.addAction(self.brush_action)
        bar.addAction(self.fill_action)
        window.addToolBar(bar)
        window.restore_panel.toolChosen.connect(lambda tool: self.set_tool(None) if tool is not None else None)

    def _tool_action(self, key: str, text: str, shortcut: str, tool: str, tip: str) -> QAction:
        action = QAction(text, self.window)
        action.setCheckable(True)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{tip} ({shortcut})")
        action.setStatusTip(tip)
        action.toggled.connect(lambda on: self.set_tool(tool if on else None) if on or self.tool == tool else None)
        self.window.named_actions[key] = action
        return action

    @property
    def tool(self) -> str | None:
        return self.window.canvas.strokes.tool

    def set_tool(self, tool: str | None) -> None:
        """Choose the colour brush ("brush"), the object fill ("fill"), or points (None)."""
        if tool is not None:
            self.window.restore_panel.set_tool(None)
        self.cancel_fill()
        self.window.canvas.set_stroke_tool(tool, self._width_px(self.doc.patch_size))
        for action, name in ((self.brush_action, "brush"), (self.fill_action, "fill")):
            action.blockSignals(True)
            action.setChecked(tool == name)
            action.blockSignals(False)
        self._sync_cancel()
        self.window.canvas.strokes.set_live_colour(self._colour_u8(self._current_ab(None)))

    def points_mode(self) -> None:
        """Escape: drop an outline, else go back to points."""
        if self.pending is not None or self.window.canvas.strokes.outline_shown:
            self.cancel_fill()
        else:
            self.set_tool(None)

    def _sync_cancel(self) -> None:
        self.cancel_action.setEnabled(self.tool is not None or self.pending is not None)

    def _width_px(self, size: int) -> float:
        """A brush `size` working pixels wide, in photo pixels."""
        return size * max(self.doc.image_size) / self.doc.working_size

    def _set_width(self, size: int) -> None:
        self.window.canvas.strokes.width_px = self._width_px(size)

    # -- strokes --------------------------------------------------------------------------------

    def _current_ab(self, at: tuple[float, float] | None) -> tuple[float, float]:
        """The chosen colour, or the one predicted at photo point `at` (as a new point takes it)."""
        ab = self.doc.current_ab
        if ab is not None:
            return ab
        result = self.window.last_result
        if result is None or at is None:
            return (0.0, 0.0)
        width, height = self.doc.image_size
        return tuple(max(-110.0, min(110.0, v)) for v in result.ab_at(at[0] / width, at[1] / height))

    def _colour_u8(self, ab: tuple[float, float], at: tuple[float, float] | None = None) -> np.ndarray:
        x, y = at if at is not None else (0.0, 0.0)
        return hint_colours_u8([HintPoint(x, y, ab, 1)], [self.doc.lightness_at(x, y) if at else 60.0])[0]

    def paint(self, points: list) -> None:
        """A finished brush drag (or click): one stroke, one undo step."""
        width, height = self.doc.image_size
        size = self.doc.patch_size
        kept = stroke_points(points, self._width_px(size) / 2, width, height)
        if kept:
            ab = self._current_ab(kept[0])
            self.window.stack.push(AddStroke(self.doc, ColourStroke(ab, size, kept)))

    def move(self, index: int, dx: float, dy: float, drag_id: int) -> None:
        if not 0 <= index < len(self.doc.hints.strokes):
            return
        if self._drag_origin is None or self._drag_origin[0] != drag_id:
            self._drag_origin = (drag_id, index, self.doc.hints.strokes[index])
        _, start_index, stroke = self._drag_origin
        if start_index != index:
            return
        width, height = self.doc.image_size
        self.window._dragging = True  # its renders are drafts, refined when the drag ends
        self.window.stack.push(MoveStroke(self.doc, index, stroke.moved(dx, dy, width, height), drag_id))

    def _end_drag(self) -> None:
        self._drag_origin = None
        self.window.end_drag()

    def delete_selected(self) -> None:
        if self.doc.selected_stroke is not None:
            self.window.stack.push(RemoveStroke(self.doc, self.doc.selected_stroke))

    def _on_colour(self, a: float, b: float) -> None:
        if self.doc.selected_stroke is not None:
            self.window.stack.push(RecolorStroke(self.doc, self.doc.selected_stroke, (float(a), float(b))))
        self.window.canvas.strokes.set_live_colour(self._colour_u8((float(a), float(b))))

    def _next_resize(self) -> None:
        self._resize_id += 1

    def _on_size(self, value: int) -> None:
        index = self.doc.selected_stroke
        if index is not None and self.doc.hints.strokes[index].size != value:
            self.window.stack.push(ResizeStroke(self.doc, index, value, ("slider", self._resize_id)))

    def _on_photo(self) -> None:
        self.cancel_fill()
        self.redraw()

    def _on_selected(self, index: int | None) -> None:
        self.redraw()
        stroke = self.doc.selected_colour_stroke
        if stroke is None:
            return
        slider = self.window.size_slider
        slider.blockSignals(True)
        slider.setValue(stroke.size)
        slider.blockSignals(False)
        self.window.size_label.setText(str(stroke.size))
        self.window.colour_panel.set_colour(stroke.ab)

    def redraw(self) -> None:
        strokes = self.doc.hints.strokes
        colours = np.array([self._colour_u8(s.ab, s.points[0]) for s in strokes], np.uint8).reshape(-1, 3)
        self.window.canvas.strokes.set_strokes(
            [(list(s.points), self._width_px(s.size)) for s in strokes], colours, self.doc.selected_stroke
        )

    # -- object fill ----------------------------------------------------------------------------

    def ask_fill(self, x: float, y: float) -> None:
        """Outline the object under photo point (x, y) (found off the GUI thread)."""
        if not self.doc.contains(x, y):
            return
        window = self.window
        request = window._request()
        window.statusBar().showMessage("Finding the object…")
        self.task.submit(
            lambda: window.colorizer.object_region(request, x, y),
            lambda region: self._show_region(region, (x, y), request.photo_token),
            self._failed,
        )

    def _show_region(self, region: np.ndarray, at: tuple[float, float], photo_token: int) -> None:
        if photo_token != self.doc.photo_token:
            return
        col, row = point_to_working(at, self.doc.image_size, region.shape)
        self.pending = _PendingFill(region, (row, col), photo_token)
        self.window.canvas.strokes.set_outline(region_outline(region, self.doc.image_size))
        self._sync_cancel()
        share = 100.0 * region.mean()
        self.window.statusBar().showMessage(
            f"Object outlined ({share:.0f}% of the photo): click inside it to fill it with the colour, "
            "outside it or Escape to cancel",
            15000,
        )

    def confirm_fill(self) -> None:
        pending, self.pending = self.pending, None
        self.window.canvas.strokes.set_outline(None)
        self._sync_cancel()
        if pending is None or pending.photo_token != self.doc.photo_token:
            return
        width, height = self.doc.image_size
        h, w = pending.region.shape
        at = ((pending.start[1] + 0.5) * width / w, (pending.start[0] + 0.5) * height / h)
        stroke = fill_stroke(pending.region, self._current_ab(at), self.doc.image_size, pending.start)
        if stroke is not None:
            self.window.stack.push(AddStroke(self.doc, stroke, text="fill object"))
        self.window.statusBar().clearMessage()

    def cancel_fill(self) -> None:
        self.pending = None
        self.window.canvas.strokes.set_outline(None)
        self._sync_cancel()

    def _failed(self, err: Exception) -> None:
        self.window.statusBar().showMessage(f"Cannot find the object: {type(err).__name__}: {err}", 10000)
