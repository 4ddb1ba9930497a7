"""The main window: owns the Document, the UndoStack and the render worker, and wires the panels.

Widgets emit intents; this window turns each into a `Command` on the stack (or a setting on the
document), and redraws the widgets from the document's events. It does no colour maths: colours
for display come from `ideepcolor_app.engine`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMessageBox

from ideepcolor_app.engine.backends import DEFAULT_BACKEND, Distribution
from ideepcolor_app.engine.colorizer import Colorizer, RenderRequest, RenderResult, ResultGate, gray_u8
from ideepcolor_app.engine.document import Document
from ideepcolor_app.engine.history import (
    AddHint,
    ClearHints,
    MoveHint,
    RecolorHint,
    RemoveHint,
    ResizeHint,
    SetGlobalHints,
    UndoStack,
)
from ideepcolor_app.engine.session import DEFAULT_WORKING_SIZE
from ideepcolor_app.engine.swatches import hint_colours_u8
from ideepcolor_app.gui import menus, restore_switch, view_toolbar, window_layout
from ideepcolor_app.gui.compare import QtCompare
from ideepcolor_app.gui.damage_brush import QtDamageBrush
from ideepcolor_app.gui.file_actions import QtFileActions
from ideepcolor_app.gui.point_actions import QtPointActions
from ideepcolor_app.gui.probe import QtProbe
from ideepcolor_app.gui.recovery import QtRecovery
from ideepcolor_app.gui.settings import QtAppSettings, default_recovery_folder, default_settings
from ideepcolor_app.gui.stroke_tools import QtStrokeTools
from ideepcolor_app.gui.window_base import QtWindowBase
from ideepcolor_app.gui.workers import DistributionUpdate, QtRenderWorker, RenderFailure, one_torch_thread_here
from ideepcolor_app.hints import HintPoint, Hints


class QtMainWindow(QtWindowBase):
    """The colourization window.

    Args:
        settings: where to remember folders, backend and layout (tests pass a temporary one).
        colorizer: what renders (tests pass one with fake backends).
        working_size: the backends' working resolution.
        l_full: (H,W) L of the first photo when none is opened from a file (tests, benchmark).
        recovery_folder: where the recovery copy of unsaved hints goes (tests pass a temporary one).

    Signals:
        resultShown(int): a render of that document generation is now on screen.
        renderFailed(int, str): a render failed (generation, message).
    """

    resultShown = Signal(int)
    renderFailed = Signal(int, str)
    files: QtFileActions  # all of them, beside what the menus use (`window_base.FileActions`)

    def __init__(
        self,
        settings=None,
        colorizer: Colorizer | None = None,
        working_size: int = DEFAULT_WORKING_SIZE,
        l_full: np.ndarray | None = None,
        recovery_folder: Path | None = None,
    ) -> None:
        super().__init__()
        one_torch_thread_here()
        self.setWindowTitle("ideepcolor[*]")
        self.setAcceptDrops(True)
        self.app_settings = QtAppSettings(settings if settings is not None else default_settings())
        self.colorizer = colorizer or Colorizer()
        backend = self.app_settings.backend(DEFAULT_BACKEND)
        l_full = l_full if l_full is not None else np.full((64, 96), 50.0, dtype=np.float32)
        try:
            self.doc = Document(l_full, backend_name=backend, working_size=working_size)
        except ValueError:  # an unknown backend name in old settings
            self.doc = Document(l_full, working_size=working_size)
        self.stack = UndoStack(self.doc)
        self.files = QtFileActions(self)
        self.gate = ResultGate()
        self._dragging = False  # a point drag is in progress: renders are drafts
        self.last_result: RenderResult | None = None
        self.last_distribution: Distribution | None = None
        self.last_distribution_left_out: int | None = None  # the point the distribution leaves out
        self._resize_slider_id = 0
        self.recovery = QtRecovery(self.doc, recovery_folder or default_recovery_folder(), self)
        self._build_widgets()
        menus.build_menus(self)
        self._connect()
        self.restorer = restore_switch.QtRestoreSwitch(self)
        self.damage_brush = QtDamageBrush(self)
        self.stroke_tools = QtStrokeTools(self)
        self.points = QtPointActions(self)
        self.compare = QtCompare(self)
        self.probe = QtProbe(self)
        view_toolbar.build_view_toolbar(self, self.view_menu)
        self._connect_tools()
        self.worker = QtRenderWorker(self.colorizer, self)
        self.worker.ready.connect(self._on_worker_ready)
        self._restore_layout()
        self._show_photo()
        self.request_render()

    def _restore_layout(self) -> None:
        self._size_docks_on_show = window_layout.restore_layout(self)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._size_docks_on_show:  # a first launch: size the docks for the window as shown
            self._size_docks_on_show = False
            window_layout.size_docks(self)

    def _build_widgets(self) -> None:
        window_layout.build_widgets(self)

    def _connect(self) -> None:
        events = self.doc.events
        events.changed.connect(lambda _generation: self.request_render())
        events.hints.connect(lambda _hints: self._redraw_points())
        events.selected.connect(self._on_selected)
        events.current_ab.connect(lambda ab: self.colour_panel.set_colour(ab) if self.doc.selected is None else None)
        events.patch_size.connect(self._on_patch_size)
        events.working_size.connect(self.canvas.set_working_size)
        events.backend_name.connect(self.app_settings.set_backend)
        events.photo.connect(lambda _path: self._show_photo())
        events.modified.connect(self.setWindowModified)
        events.hints.connect(lambda _hints: self._sync_size_controls())
        self.stack.index_event.connect(lambda _index: self._update_undo_actions())
        self.canvas.viewChanged.connect(self._on_view_changed)
        self.canvas.pointAdded.connect(self.add_point)
        self.canvas.pointSelected.connect(lambda i: self.doc.set_selected(None if i < 0 else i))
        self.canvas.pointMoved.connect(self.move_point)
        self.canvas.dragFinished.connect(lambda _index: self.end_drag())
        self.canvas.pointRemoved.connect(lambda i: self.stack.push(RemoveHint(self.doc, i)))
        self.canvas.pointResized.connect(lambda i, n: self.stack.push(ResizeHint(self.doc, i, n)))
        self.colour_panel.colourPicked.connect(self.pick_colour)
        self.backend_panel.backendChosen.connect(self.doc.set_backend_name)
        self.backend_panel.temperatureChosen.connect(self.doc.set_temperature)
        self.global_panel.loadReferenceRequested.connect(self.files.ask_reference_photo)
        self.global_panel.globalHintsChosen.connect(
            lambda active, store, text, key: self.stack.push(SetGlobalHints(self.doc, active, store, text, key))
        )
        self.size_slider.sliderPressed.connect(self._next_resize_slider)
        self.size_slider.valueChanged.connect(self._on_size_slider)
        self._on_patch_size(self.doc.patch_size)

    def _connect_tools(self) -> None:
        """The points list, the colour shortcuts, the recent colours kept between runs."""
        self.colour_panel.predictedChosen.connect(self.points.use_predicted)
        self.colour_panel.set_recent(self.app_settings.recent_colours())
        self.colour_panel.recentChanged.connect(
            lambda: self.app_settings.set_recent_colours(self.colour_panel.recent_colours())
        )
        self.colour_panel.reference.share_loading()
        self.colour_panel.reference.loadRequested.connect(lambda: self.files.ask_reference_photo(use_histogram=False))
        self.probe.colourTaken.connect(self.points.take_colour)
        self.compare.failed.connect(lambda message: self.statusBar().showMessage(f"Cannot compare: {message}", 8000))
        for event in (self.compare.enabledChanged, self.compare.sourceChanged):
            event.connect(lambda _value: self._sync_scan_button())

    def _sync_scan_button(self) -> None:
        """The Restore panel's compare button is on while the divider shows the scan."""
        button = self.restore_panel.compare
        button.blockSignals(True)
        button.setChecked(self.compare.showing_scan)
        button.blockSignals(False)
        self._redraw_points()

    def point_title(self, index: int) -> str:
        """What the window calls point `index` (its name, else "Point <n>")."""
        return self.points.labels.title(index) if hasattr(self, "points") else f"Point {index + 1}"

    # -- edits (intents -> commands) ---------------------------------------------------------

    def add_point(self, x: float, y: float) -> None:
        """Add a point with the chosen colour, or the colour predicted at that pixel."""
        if not self.doc.contains(x, y):
            return
        ab = self.doc.current_ab
        if ab is None:
            width, height = self.doc.image_size
            a, b = self.last_result.ab_at(x / width, y / height) if self.last_result is not None else (0.0, 0.0)
            ab = (max(-110.0, min(110.0, a)), max(-110.0, min(110.0, b)))
        self.stack.push(AddHint(self.doc, HintPoint(x, y, ab, self.doc.patch_size)))

    def move_point(self, index: int, x: float, y: float, drag_id: int = 0) -> None:
        if not 0 <= index < len(self.doc.hints.points):  # e.g. undone in the middle of a drag
            return
        x, y = self.doc.clamp_point(x, y)
        self._dragging = bool(drag_id)  # before the push: its render is a draft during a drag
        self.stack.push(MoveHint(self.doc, index, x, y, drag_id or None))

    def end_drag(self) -> None:
        """Close the drag's undo step and refine its last draft render to full preview size."""
        self.stack.close_merge()
        if self._dragging:
            self._dragging = False
            self.request_render()

    def pick_colour(self, a: float, b: float) -> None:
        ab = (float(a), float(b))
        if self.doc.selected is not None:
            self.stack.push(RecolorHint(self.doc, self.doc.selected, ab))
        self.doc.set_current_ab(ab)
        self.colour_panel.add_recent(ab)

    def delete_selected(self) -> None:
        if self.doc.selected is not None:
            self.stack.push(RemoveHint(self.doc, self.doc.selected))

    def clear_points(self) -> None:
        self.stack.push(ClearHints(self.doc))

    def start_folder(self, kind: str) -> str:
        """Where a file dialog of `kind` opens: the last folder used for it, else the photo's folder."""
        folder = self.app_settings.folder(kind)
        if not folder and self.doc.photo_path is not None:
            folder = str(self.doc.photo_path.parent)
        return folder

    def _next_resize_slider(self) -> None:
        self._resize_slider_id += 1

    def _on_size_slider(self, value: int) -> None:
        self.doc.set_patch_size(value)
        if self.doc.selected is not None:
            self.stack.push(ResizeHint(self.doc, self.doc.selected, value, ("slider", self._resize_slider_id)))

    # -- document -> view ------------------------------------------------------------------

    def load_document(self, l_full: np.ndarray, path: Path | None, hints: Hints | None) -> None:
        self.doc.set_photo(l_full, path, hints)
        self.stack.clear()
        self.restorer.photo_opened()
        self.colour_panel.reference.start_folder = self.start_folder("reference")

    def _show_photo(self) -> None:
        width, height = self.doc.image_size
        self.gate.reset()
        self.last_result = None
        self.last_distribution = None
        self.last_distribution_left_out = None
        self.canvas.set_photo(gray_u8(self.doc.l_full), width, height)
        self._redraw_points()
        self._on_selected(self.doc.selected)
        name = self.doc.photo_path.name if self.doc.photo_path else "untitled"
        self.setWindowTitle(f"{name}[*] ({width}×{height}) – ideepcolor")
        self.setWindowModified(self.doc.modified)

    def _redraw_points(self) -> None:
        points = self.doc.hints.points
        colours = self._point_colours(points)
        actions = getattr(self, "points", None)  # None while the window is being built
        hidden = actions.labels.hidden() if actions is not None and len(actions.labels.labels) == len(points) else None
        self.canvas.set_points([(p.x, p.y, p.size) for p in points], colours, self.doc.selected, hidden)
        if actions is not None and hidden is not None:
            self.points_panel.set_rows(actions.rows(colours), self.doc.selected)

    def _point_colours(self, points) -> np.ndarray:
        """(N,3) uint8: each point's colour at its pixel's L; kept, as a drag changes one point."""
        keys = [(self.doc.photo_token, self.doc.lightness_at(p.x, p.y), p.ab) for p in points]
        cache = self.__dict__.setdefault("_colour_cache", {})
        missing = [i for i, key in enumerate(keys) if key not in cache]
        if missing:
            if len(cache) > 4096:
                cache.clear()
            computed = hint_colours_u8([points[i] for i in missing], [keys[i][1] for i in missing])
            cache.update((keys[i], rgb) for i, rgb in zip(missing, computed, strict=True))
        return np.array([cache[key] for key in keys], dtype=np.uint8).reshape(len(points), 3)

    def _on_selected(self, index: int | None) -> None:
        self._redraw_points()
        point = self.doc.selected_point
        self._sync_size_controls()
        if point is None:
            self.colour_panel.set_lightness(None)
            self.colour_panel.set_colour(self.doc.current_ab)
            return
        self.colour_panel.set_lightness(self.doc.lightness_at(point.x, point.y))
        self.colour_panel.set_colour(point.ab)
        if self.last_distribution_left_out != index and self.last_result is not None:
            self.colour_panel.clear_distribution()  # the last one includes this point's colour
            self.worker.submit_followup(self._request(left_out=index))
            return
        self._show_distribution()

    def _on_patch_size(self, _size: int) -> None:
        self._sync_size_controls()

    def _sync_size_controls(self) -> None:
        """Slider and label show the selected point's size, else the size new points take."""
        point = self.doc.selected_point
        size = point.size if point is not None else self.doc.patch_size
        self.size_slider.blockSignals(True)
        self.size_slider.setValue(size)
        self.size_slider.blockSignals(False)
        self.size_label.setText(str(size))

    def _update_undo_actions(self) -> None:
        self.named_actions["undo"].setEnabled(self.stack.can_undo)
        self.named_actions["redo"].setEnabled(self.stack.can_redo)
        self.named_actions["undo"].setText(f"&Undo {self.stack.undo_text()}".rstrip())
        self.named_actions["redo"].setText(f"&Redo {self.stack.redo_text()}".rstrip())

    # -- rendering -------------------------------------------------------------------------

    def request_render(self) -> None:
        """Render the document at the size the view shows it (a draft while a point is dragged)."""
        if self.last_result is not None:
            self.render_label.setText("rendering…")
        self.worker.submit(self._request(draft=self._dragging))

    def _request(self, draft: bool = False, left_out: int | None = None) -> RenderRequest:
        """The document as a render request at the view's size; the distribution and the
        predicted colour leave out the selected point (or `left_out`)."""
        left_out = self.doc.selected if left_out is None else left_out
        return RenderRequest.from_document(self.doc, draft=draft, view_side=self.canvas.shown_side(), left_out=left_out)

    def _on_view_changed(self) -> None:
        """Zoomed in or grew: render a larger preview once it would be sharper than the one shown."""
        if self._dragging or self.last_result is None or self.last_result.draft:
            return
        wanted = RenderRequest.from_document(self.doc, view_side=self.canvas.shown_side()).preview_side
        if wanted > self.gate.shown_side and self.gate.shown_generation == self.doc.generation:
            self.request_render()

    def _on_worker_ready(self) -> None:
        for outcome in self.worker.take_outcomes():
            if isinstance(outcome, RenderFailure):
                self._on_failed(outcome.generation, outcome.message)
            elif isinstance(outcome, DistributionUpdate):
                self._on_distribution(outcome)
            else:
                self._on_rendered(outcome)

    def _on_rendered(self, result: RenderResult) -> None:
        if not self.gate.accept(result, self.doc):
            return
        self.last_result = result
        self.canvas.set_result(result.rgb_u8)
        current = result.generation == self.doc.generation
        self.render_label.setText(f"render {result.seconds * 1000:.0f} ms" + ("" if current else " …"))
        self.device_label.setText(f"{result.backend_name} on {result.device}")
        self.backend_panel.set_backend_facts(
            result.backend_name, result.weights_state, result.uses_local_hints, result.uses_global_hints
        )
        if not result.has_distribution:
            self.last_distribution = None
            self.last_distribution_left_out = self.doc.selected
            self._show_distribution()
        self.resultShown.emit(result.generation)

    def _on_distribution(self, update: DistributionUpdate) -> None:
        """Suggestions follow the state once the edits pause, not every frame of a drag."""
        if update.photo_token != self.doc.photo_token or update.generation != self.gate.shown_generation:
            return
        if update.left_out != self.doc.selected:
            return  # computed for a point no longer selected
        self.last_distribution = update.distribution
        self.last_distribution_left_out = update.left_out
        if update.left_out is not None and update.predicted_ab is not None:
            self.points.predicted[update.left_out] = update.predicted_ab
        self._show_distribution()

    def _show_distribution(self) -> None:
        point = self.doc.selected_point
        if point is None or self.last_result is None:
            return
        if self.last_result.has_distribution and (
            self.last_distribution is None or self.last_distribution_left_out != self.doc.selected
        ):
            return  # not computed yet (without this point): it comes once the edits pause
        width, height = self.doc.image_size
        self.colour_panel.set_distribution(self.last_distribution, point.x / width, point.y / height)

    def _on_failed(self, generation: int, message: str) -> None:
        self.render_label.setText("render failed")
        self.statusBar().showMessage(f"Render failed ({self.doc.backend_name}): {message}")
        self.backend_panel.set_error(message)
        self.renderFailed.emit(generation, message)

    def report_error(self, title: str, message: str) -> None:
        """Tell the user; the window stays usable. Tests replace QMessageBox.warning."""
        self.statusBar().showMessage(f"{title}: {message}", 10000)
        QMessageBox.warning(self, title, message)

    # -- files, settings, drag and drop --------------------------------------------------------

    def update_recent(self, files: list[str]) -> None:
        menus.fill_recent_menu(self, files)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            event.acceptProposedAction()
            self.files.open_dropped(Path(urls[0]))

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.canvas.set_pan_mode(True)
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.canvas.set_pan_mode(False)
        super().keyReleaseEvent(event)

    def closeEvent(self, event) -> None:
        if not self.files.confirm_discard("quitting"):
            event.ignore()
            return
        self.recovery.clear()
        self.app_settings.set_geometry(self.saveGeometry(), self.saveState())
        self.app_settings.sync()
        self.worker.stop()
        self.files.reference_task.stop()
        super().closeEvent(event)
