"""The restoration's damage mask in the app: its overlay on the input view and the brushes that
correct it, wired for a main window.

The overlay (View › Show damage mask) shows, while restoration is on, the detector's mask of
the restoration in place corrected by the document's damage strokes; its labels are computed
off the GUI thread (`engine.damage_mask.damage_labels`). A brush (Paint damage / Erase damage)
turns each finished drag into one `AddDamageStroke` on the undo stack; the Restore switch then
restores again with the new strokes. Escape, or the tool's button, goes back to colour points.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject

from ideepcolor_app.engine.damage_mask import OVERLAY_RGBA, damage_labels
from ideepcolor_app.engine.history import AddDamageStroke
from ideepcolor_app.gui.background import QtBackgroundTask
from ideepcolor_app.hints import DamageStroke
from ideepcolor_app.restore import RestoreResult

#: Brush centres closer than this share of the radius to the last one kept are dropped: the
#: stroke covers the same pixels within a fraction of a pixel, and the hints file stays small.
THIN_SHARE = 0.25


def stroke_points(
    points: list[tuple[float, float]], radius: float, width: int, height: int
) -> tuple[tuple[float, float], ...]:
    """A drag's brush centres as a stroke keeps them: on the photo, to 1/100 pixel, thinned."""
    step = max(0.5, THIN_SHARE * radius)
    kept: list[tuple[float, float]] = []
    for i, (x, y) in enumerate(points):
        x = round(min(max(float(x), 0.0), float(width)), 2)
        y = round(min(max(float(y), 0.0), float(height)), 2)
        last = i == len(points) - 1
        if not kept or math.dist(kept[-1], (x, y)) >= step or (last and (x, y) != kept[-1]):
            kept.append((x, y))
    return tuple(kept)


class QtDamageBrush(QObject):
    """Overlay and brushes for a main window (`doc`, `stack`, `canvas`, `restore_panel`, `restorer`).

    Attributes:
        task: the background thread the overlay's labels are computed in (tests wait on its
            `finished`).
        shown: the (result, strokes) whose overlay is on screen, or None.
    """

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.task = QtBackgroundTask(self)
        self.shown: tuple[RestoreResult, tuple[DamageStroke, ...]] | None = None
        panel, canvas = window.restore_panel, window.canvas
        panel.mask_action.toggled.connect(lambda _on: self.refresh())
        panel.toolChosen.connect(self._on_tool)
        panel.brushSizeChanged.connect(lambda size: canvas.set_brush(panel.tool, size / 2))
        canvas.brush.strokePainted.connect(self.paint)
        window.restorer.restored.connect(self.refresh)
        window.doc.events.hints.connect(lambda _hints: self.refresh())

    @property
    def doc(self):
        return self.window.doc

    @property
    def wanted(self) -> bool:
        """The overlay is switched on and restoration is on."""
        panel = self.window.restore_panel
        return panel.mask_action.isChecked() and panel.options is not None

    def refresh(self) -> None:
        """Show the overlay of the restoration in place and the current strokes, or hide it."""
        result = self.window.restorer.result
        if not self.wanted or result is None or result.detected.shape != self.doc.original_l.shape:
            self.shown = None
            self.window.canvas.brush.set_overlay(None)
            return
        strokes = self.doc.hints.damage_strokes
        if self.shown is not None and self.shown[0] is result and self.shown[1] == strokes:
            return
        detected, size = result.detected, self.doc.image_size
        self.task.submit(
            lambda: damage_labels(detected, strokes)[0],
            lambda labels: self._show(result, strokes, size, labels),
            self._failed,
        )

    def _show(self, result, strokes, size, labels) -> None:
        if not self.wanted or self.window.restorer.result is not result or self.doc.hints.damage_strokes != strokes:
            return  # hidden, or another restoration or other strokes since: a newer refresh follows
        self.shown = (result, strokes)
        self.window.canvas.brush.set_overlay(labels, OVERLAY_RGBA, size)

    def _failed(self, err: Exception) -> None:
        self.window.statusBar().showMessage(f"Cannot show the damage mask: {type(err).__name__}: {err}", 10000)

    def paint(self, mode: str, radius: float, points: list) -> None:
        """A finished drag (or click) of the brush: one stroke, one undo step."""
        width, height = self.doc.image_size
        kept = stroke_points(points, radius, width, height)
        if kept:
            self.window.stack.push(AddDamageStroke(self.doc, DamageStroke(mode, radius, kept)))

    def _on_tool(self, tool: str | None) -> None:
        panel = self.window.restore_panel
        self.window.canvas.set_brush(tool, panel.brush_radius)
        if tool is not None and not panel.mask_action.isChecked():
            panel.mask_action.setChecked(True)  # painting blind helps no one

    def points_tool(self) -> None:
        """Escape: back to adding colour points."""
        self.window.restore_panel.set_tool(None)
