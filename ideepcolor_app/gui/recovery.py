"""A recovery copy of unsaved hints, written atomically a moment after each edit.

After a crash or a kill the next start finds the copy and offers to restore it
(`QtFileActions.offer_recovery`). A clean quit, a save, or undoing back to the saved hints
removes it. The copy is JSON: the photo's path and the hints in the hints-file layout.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from ideepcolor_app.atomic import atomic_write_bytes
from ideepcolor_app.engine.document import Document
from ideepcolor_app.hints import DEFAULT_NUM_BINS, Hints, hints_from_dict, hints_to_dict

logger = logging.getLogger(__name__)

FILE_NAME = "unsaved_session.json"
#: How long after an edit the copy is written (edits within it are written together).
DELAY_MS = 800


class QtRecovery(QObject):
    """Keeps `folder/unsaved_session.json` equal to the document's unsaved hints.

    Signals:
        written(): the copy was written or removed after an edit.
    """

    written = Signal()

    def __init__(self, doc: Document, folder: Path, parent: QObject | None = None, delay_ms: int = DELAY_MS) -> None:
        super().__init__(parent)
        self.doc = doc
        self.path = Path(folder) / FILE_NAME
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.write_now)
        doc.events.hints.connect(lambda _hints: self._timer.start())
        doc.events.modified.connect(lambda _modified: self._timer.start())

    def write_now(self) -> None:
        """Write the copy now (or remove it when nothing is unsaved)."""
        self._timer.stop()
        doc = self.doc
        try:
            if doc.modified and doc.photo_path is not None:
                data = {"photo": str(doc.photo_path.resolve()), "hints": hints_to_dict(doc.hints)}
                self.path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write_bytes(self.path, json.dumps(data, indent=1).encode("utf-8"))
            else:
                self.path.unlink(missing_ok=True)
        except OSError as err:  # a full disk must not stop editing
            logger.warning("cannot write the recovery copy %s: %s", self.path, err)
        self.written.emit()

    def pending(self) -> tuple[Path, Hints] | None:
        """The photo and hints a previous run left unsaved, or None (an unreadable copy is dropped)."""
        if not self.path.is_file():
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            photo, hints = Path(data["photo"]), hints_from_dict(data["hints"], num_bins=DEFAULT_NUM_BINS)
        except (OSError, ValueError, KeyError, TypeError) as err:
            logger.warning("ignoring an unreadable recovery copy %s: %s", self.path, err)
            self.clear()
            return None
        if not photo.is_file():
            self.clear()
            return None
        return photo, hints

    def clear(self) -> None:
        """Remove the copy (after a clean quit or a decision not to restore it)."""
        self._timer.stop()
        try:
            self.path.unlink(missing_ok=True)
        except OSError as err:
            logger.warning("cannot remove the recovery copy %s: %s", self.path, err)
