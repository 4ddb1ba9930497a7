"""Start the desktop app: QApplication, pyqtgraph options (set once, here) and the main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

from ideepcolor_app.gui.settings import APPLICATION, ORGANIZATION

logger = logging.getLogger(__name__)

SAMPLE_PHOTO = Path(__file__).resolve().parent.parent / "data" / "sample_pont_du_gard.jpg"


def configure_pyqtgraph() -> None:
    """Images are NumPy (H, W, C): row-major is pyqtgraph's fast path for them."""
    pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)


def application(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, created (and configured) if there is none."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setOrganizationName(ORGANIZATION)
        app.setApplicationName(APPLICATION)
        configure_pyqtgraph()
    return app


def main(photo: Path | None = None, backend: str | None = None) -> int:
    """Open the main window on `photo` (default: the bundled sample) and run the event loop."""
    from ideepcolor_app.gui.main_window import QtMainWindow

    app = application()
    window = QtMainWindow()
    if backend is not None:
        window.doc.set_backend_name(backend)
    window.files.open_photo(Path(photo) if photo is not None else SAMPLE_PHOTO)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
