"""Run one short job (decode a reference photo, ...) off the GUI thread; the newest job wins.

Results come back on the GUI thread through a no-argument signal and an outbox, as in
`workers.py` (Python objects are not sent through queued PySide6 signals).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

logger = logging.getLogger(__name__)


class QtBackgroundTask(QObject):
    """Runs `submit`ted functions in a Python thread; calls back on the GUI thread.

    Only the latest submission's callback runs: a job submitted while an earlier one is still
    running makes the earlier result stale (it is dropped).

    Signals:
        finished(): a job ended and its callback ran (tests wait on it).
    """

    finished = Signal()
    _ready = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._serial = 0
        self._outbox: list[tuple[int, Callable, Any]] = []
        self._threads: list[threading.Thread] = []
        self._ready.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def submit(
        self, job: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[Exception], None]
    ) -> None:
        """Run `job()` in a thread, then `on_done(result)` or `on_error(exception)` here."""
        with self._lock:
            self._serial += 1
            serial = self._serial

        def run() -> None:
            try:
                outcome = (on_done, job())
            except Exception as err:  # noqa: BLE001 - handed to on_error, never lost in the thread
                logger.debug("background job failed:\n%s", traceback.format_exc())
                outcome = (on_error, err)
            with self._lock:
                self._outbox.append((serial, *outcome))
            self._ready.emit()

        thread = threading.Thread(target=run, name="ideepcolor-background", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    @property
    def busy(self) -> bool:
        """True while a job runs or its result waits for the event loop."""
        with self._lock:
            return any(t.is_alive() for t in self._threads) or bool(self._outbox)

    def stop(self) -> None:
        """Wait for running jobs; their callbacks are dropped."""
        for thread in self._threads:
            thread.join()
        with self._lock:
            self._outbox.clear()
            self._serial += 1

    def _deliver(self) -> None:
        with self._lock:
            outbox, self._outbox = self._outbox, []
            latest = self._serial
        for serial, callback, value in outbox:
            if serial == latest:
                callback(value)
                self.finished.emit()
