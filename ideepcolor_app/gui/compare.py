"""What the before/after divider compares the colour result with, kept up to date.

The left side ("before") is one of:

- ``grey``: the grey photo being colourized (the restored one while restoration is on);
- ``original``: the scan as opened, before restoration;
- a backend name: that backend's colour result for the same photo and hints, rendered off the
  GUI thread a moment after the edits pause (never during a drag, so a drag keeps its speed).

The divider itself is `compare_view.QtCompareDivider`; the pictures come from the engine
(`gray_u8`, `Colorizer.run`).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, QTimer, Signal

from ideepcolor_app.engine.backends import BACKENDS
from ideepcolor_app.engine.colorizer import RenderRequest, gray_u8
from ideepcolor_app.gui.background import QtBackgroundTask
from ideepcolor_app.gui.compare_view import QtCompareDivider

SOURCE_TITLES = {"grey": "Grey photo", "original": "Scan before restoration"}
#: Short backend names for the divider's label and the toolbar's list.
BACKEND_SHORT = {
    "hints": "Hints network",
    "zhang": "Zhang ECCV16",
    "gan": "pix2pix GAN",
    "fusion": "Semantic fusion",
    "levin": "Levin propagation",
}
#: How long the edits must pause before another backend's result is rendered.
DELAY_MS = 350


def source_title(source: str) -> str:
    return SOURCE_TITLES.get(source) or BACKEND_SHORT.get(source, source)


class QtCompare(QObject):
    """The before/after comparison of a main window (`doc`, `canvas`, `colorizer`).

    Signals:
        sourceChanged(str): the left side now shows another source.
        enabledChanged(bool): the divider was shown or hidden.
        failed(str): another backend's result could not be rendered (the message says why).
    """

    sourceChanged = Signal(str)
    enabledChanged = Signal(bool)
    failed = Signal(str)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.divider = QtCompareDivider(window.canvas.result_view, self)
        self.source = "grey"
        self.task = QtBackgroundTask(self)
        self._before_scan: tuple[bool, str] | None = None  # what compare_with_scan replaced
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._render_backend)
        doc = window.doc
        doc.events.photo.connect(lambda _path: self.refresh())
        doc.events.lightness.connect(lambda _restore: self.refresh())
        doc.events.changed.connect(lambda _generation: self._on_changed())

    @property
    def enabled(self) -> bool:
        return self.divider.enabled

    def sources(self) -> list[str]:
        """What the left side can show now: the grey photo, the scan when restored, other backends."""
        names = ["grey"] + (["original"] if self.window.doc.restore is not None else [])
        return names + [name for name in BACKENDS if name != self.window.doc.backend_name]

    def set_enabled(self, on: bool) -> None:
        """Show or hide the divider."""
        if bool(on) == self.divider.enabled:
            return
        self.divider.set_enabled(on)
        if on:
            self.refresh()
        self.enabledChanged.emit(bool(on))

    def compare_with_scan(self, on: bool) -> None:
        """Show the scan before restoration left of the divider (the Restore panel's button),
        or go back to what was shown before."""
        if on:
            if self._before_scan is None:
                self._before_scan = (self.enabled, self.source)
            self.set_source("original")
            self.set_enabled(True)
        elif self._before_scan is not None:
            enabled, source = self._before_scan
            self._before_scan = None
            self.set_source(source)
            self.set_enabled(enabled)

    @property
    def showing_scan(self) -> bool:
        return self.enabled and self.source == "original"

    def set_source(self, source: str) -> None:
        """Show `source` left of the divider ("grey", "original" or a backend name)."""
        if source not in SOURCE_TITLES and source not in BACKENDS:
            raise ValueError(f"unknown comparison {source!r}")
        if source != self.source:
            self.source = source
            self.refresh()
            self.sourceChanged.emit(source)

    def refresh(self) -> None:
        """Redraw the left side for the document as it is now."""
        self.divider.set_photo(*self.window.doc.image_size)
        if not self.divider.enabled:
            return
        doc = self.window.doc
        if self.source == "original" and doc.restore is None:
            self.source = "grey"
            self.sourceChanged.emit(self.source)
        if self.source in SOURCE_TITLES:
            l_full = doc.original_l if self.source == "original" else doc.l_full
            self.divider.set_before(gray_u8(l_full), source_title(self.source))
        elif self.source == doc.backend_name:
            self.set_source("grey")
        else:
            self._timer.start(0)

    def _on_changed(self) -> None:
        if self.divider.enabled and self.source in BACKENDS and not self.window._dragging:
            self._timer.start()

    def _render_backend(self) -> None:
        doc, source = self.window.doc, self.source
        if source not in BACKENDS or not self.divider.enabled:
            return
        request = replace(
            RenderRequest.from_document(doc, view_side=self.window.canvas.shown_side()), backend_name=source
        )
        self.task.submit(
            lambda: self.window.colorizer.run(request),
            lambda result: self._show(source, result),
            lambda err: self.failed.emit(f"{source_title(source)}: {err}"),
        )

    def _show(self, source: str, result) -> None:
        if source == self.source and result.photo_token == self.window.doc.photo_token:
            self.divider.set_before(result.rgb_u8, source_title(source))
