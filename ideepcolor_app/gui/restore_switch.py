"""Wires the Restore panel to the document: restores the open photo off the GUI thread, keeps
each photo's results (`RestoreCache`), and shows the original while the compare button is held.

No image maths here: the restoration is `ideepcolor_app.restore`, the display arrays come from
`engine.colorizer.gray_u8`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from ideepcolor_app.engine.colorizer import gray_u8
from ideepcolor_app.gui.background import QtBackgroundTask
from ideepcolor_app.restore import RestoreCache, RestoreOptions, RestoreResult


def describe(result: RestoreResult) -> str:
    """One line for the panel: what the restoration did."""
    tone = ", ".join(result.tone) or "unchanged"
    return f"Grain {100 * result.grain:.1f}%, {100 * result.defect_fraction:.2f}% filled, tone {tone}"


class QtRestoreSwitch(QObject):
    """The Restore switch's behaviour for a main window (`doc`, `canvas`, `restore_panel`).

    Attributes:
        cache: the restorations kept (a few photos and options).
        task: the background thread restorations run in (tests wait on its `finished`).
    """

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.cache = RestoreCache()
        self.task = QtBackgroundTask(self)
        panel = window.restore_panel
        panel.restoreChosen.connect(self.choose)
        panel.compareHeld.connect(self.compare)
        window.doc.events.lightness.connect(lambda _restore: self._show_lightness())

    @property
    def doc(self):
        return self.window.doc

    def choose(self, options: RestoreOptions | None) -> None:
        """Restore the open photo with `options` (kept results come at once), or go back to it."""
        panel = self.window.restore_panel
        if options is None:
            self.doc.set_lightness(self.doc.original_l, None)
            return
        original = self.doc.original_l
        kept = self.cache.get(original, options)
        if kept is not None:
            self._apply(original, options, kept)
            return
        panel.set_status("Restoring…")
        self.task.submit(lambda: self.cache.restore(original, options),
                         lambda result: self._apply(original, options, result),
                         self._failed)

    def photo_opened(self) -> None:
        """A new photo is open: restore it too if the switch is on."""
        if self.window.restore_panel.options is not None:
            self.choose(self.window.restore_panel.options)

    def compare(self, held: bool) -> None:
        """Show the original photo while the compare button is held, the restored one after."""
        self.window.canvas.set_input(gray_u8(self.doc.original_l if held else self.doc.l_full))

    def _apply(self, original, options: RestoreOptions, result: RestoreResult) -> None:
        if original is not self.doc.original_l or self.window.restore_panel.options != options:
            return  # another photo, or other options, were chosen meanwhile
        self.doc.set_lightness(result.l, options)
        self.window.restore_panel.set_status(describe(result))

    def _failed(self, err: Exception) -> None:
        self.window.restore_panel.set_status("Restoration failed")
        self.window.report_error("Cannot restore the photo", f"{type(err).__name__}: {err}")

    def _show_lightness(self) -> None:
        self.window.canvas.set_input(gray_u8(self.doc.l_full))
        self.window._redraw_points()  # the points' swatches follow the lightness under them
