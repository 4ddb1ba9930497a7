"""Wires the Restore panel to the document: restores the open photo off the GUI thread, with the
user's damage strokes, keeps each photo's results (`RestoreCache`), and compares with the scan
(the before/after divider, `compare.QtCompare`) while the compare button is on.

One restoration runs at a time: what is asked for while one runs (more strokes, other options)
waits and only the newest of it runs next, so painting fast never piles up restorations.

No image maths here: the restoration is `ideepcolor_app.restore`, the display arrays come from
`engine.colorizer.gray_u8`, the damage counts from `engine.damage_mask`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from ideepcolor_app.engine.colorizer import gray_u8
from ideepcolor_app.engine.damage_mask import DamageCounts, damage_labels, describe_filled
from ideepcolor_app.gui.background import QtBackgroundTask
from ideepcolor_app.hints import DamageStroke
from ideepcolor_app.restore import RestoreCache, RestoreOptions, RestoreResult


@dataclass(frozen=True, eq=False)
class _Wanted:
    """A restoration asked for: the photo's original L (by identity), options and strokes."""

    original: np.ndarray
    options: RestoreOptions
    strokes: tuple[DamageStroke, ...]

    def same(self, other: _Wanted | None) -> bool:
        return (
            other is not None
            and other.original is self.original
            and other.options == self.options
            and other.strokes == self.strokes
        )


def describe(result: RestoreResult, counts: DamageCounts) -> str:
    """The panel's lines: how much was filled (detected, painted in, painted out), grain, tone."""
    tone = ", ".join(result.tone) or "unchanged"
    filled = int(np.count_nonzero(result.defects))
    return f"{describe_filled(counts, filled)}.\nGrain {100 * result.grain:.1f}%, tone {tone}."


class QtRestoreSwitch(QObject):
    """The Restore switch's behaviour for a main window (`doc`, `canvas`, `restore_panel`).

    Attributes:
        cache: the restorations kept (a few photos, options and strokes).
        task: the background thread restorations run in (tests wait on its `finished`).
        result: the restoration now colourized, or None when restoration is off or pending.

    Signals:
        restored(): `result` changed (a restoration was applied, or restoration was switched off).
    """

    restored = Signal()

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.cache = RestoreCache()
        self.task = QtBackgroundTask(self)
        self.result: RestoreResult | None = None
        self._last: _Wanted | None = None  # asked for last (shown, running or waiting)
        self._running: _Wanted | None = None
        self._next: _Wanted | None = None
        self._counts: dict[int, tuple[RestoreResult, DamageCounts]] = {}
        panel = window.restore_panel
        panel.restoreChosen.connect(self.choose)
        panel.compareHeld.connect(self.compare)
        window.doc.events.lightness.connect(lambda _restore: self._show_lightness())
        window.doc.events.hints.connect(lambda hints: self._on_strokes(hints.damage_strokes))

    @property
    def doc(self):
        return self.window.doc

    def choose(self, options: RestoreOptions | None) -> None:
        """Restore the open photo with `options` and the document's damage strokes (kept results
        come at once), or go back to the original (None)."""
        if options is None:
            self._last, self._next = None, None
            self._set_result(None)
            self.doc.set_lightness(self.doc.original_l, None)
            return
        wanted = self._last = _Wanted(self.doc.original_l, options, self.doc.hints.damage_strokes)
        kept = self.cache.get(wanted.original, wanted.options, wanted.strokes)
        if kept is not None:
            self._next = None
            self._apply(wanted, kept, self._counts_of(kept, wanted.strokes))
        elif self._running is not None:
            self._next = None if wanted.same(self._running) else wanted
            self.window.restore_panel.set_status("Restoring…")
        else:
            self._start(wanted)

    def photo_opened(self) -> None:
        """A new photo is open: restore it too if the switch is on."""
        self._last = None
        self._set_result(None)
        if self.window.restore_panel.options is not None:
            self.choose(self.window.restore_panel.options)

    def compare(self, on: bool) -> None:
        """Show the scan before restoration left of the before/after divider (or stop)."""
        self.window.compare.compare_with_scan(on)

    def _on_strokes(self, strokes: tuple[DamageStroke, ...]) -> None:
        """Strokes painted, undone or redone: restore again (the photo's own opening restores it)."""
        last = self._last
        if last is not None and last.original is self.doc.original_l and strokes != last.strokes:
            self.choose(last.options)

    def _start(self, wanted: _Wanted) -> None:
        self._running = wanted
        self.window.restore_panel.set_status("Restoring…")

        def job() -> tuple[RestoreResult, DamageCounts]:
            result = self.cache.restore(wanted.original, wanted.options, wanted.strokes)
            return result, damage_labels(result.detected, wanted.strokes)[1]

        self.task.submit(job, lambda done: self._finished(wanted, *done), self._failed)

    def _finished(self, wanted: _Wanted, result: RestoreResult, counts: DamageCounts) -> None:
        self._running = None
        self._remember_counts(result, counts)
        if self._next is not None:  # asked for meanwhile: run it, and skip this one's display
            wanted, self._next = self._next, None
            kept = self.cache.get(wanted.original, wanted.options, wanted.strokes)
            if kept is None:
                self._start(wanted)
                return
            result, counts = kept, self._counts_of(kept, wanted.strokes)
        self._apply(wanted, result, counts)

    def _apply(self, wanted: _Wanted, result: RestoreResult, counts: DamageCounts) -> None:
        panel = self.window.restore_panel
        if (
            wanted.original is not self.doc.original_l
            or panel.options != wanted.options
            or wanted.strokes != self.doc.hints.damage_strokes
        ):
            return  # another photo, options or strokes were chosen meanwhile
        self.doc.set_lightness(result.l, wanted.options)
        panel.set_status(describe(result, counts))
        self._set_result(result)

    def _set_result(self, result: RestoreResult | None) -> None:
        if result is not self.result:
            self.result = result
            self.restored.emit()

    def _counts_of(self, result: RestoreResult, strokes: tuple[DamageStroke, ...]) -> DamageCounts:
        kept = self._counts.get(id(result))
        if kept is not None and kept[0] is result:
            return kept[1]
        counts = damage_labels(result.detected, strokes)[1]
        self._remember_counts(result, counts)
        return counts

    def _remember_counts(self, result: RestoreResult, counts: DamageCounts) -> None:
        self._counts[id(result)] = (result, counts)
        while len(self._counts) > self.cache.entries + 1:
            del self._counts[next(iter(self._counts))]

    def _failed(self, err: Exception) -> None:
        self._running, self._next = None, None
        self.window.restore_panel.set_status("Restoration failed")
        self.window.report_error("Cannot restore the photo", f"{type(err).__name__}: {err}")

    def _show_lightness(self) -> None:
        self.window.canvas.set_input(gray_u8(self.doc.l_full))
        self.window._redraw_points()  # the points' swatches follow the lightness under them
