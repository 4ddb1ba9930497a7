"""Start the desktop app: QApplication, pyqtgraph options (set once, here) and the main window.

The start is split so that a window is on screen within about a second: Qt is checked
(`platform_check`) and a loading window shown first; torch, the engine and the main window are
imported in a background thread meanwhile, and the main window replaces the loading window
when they are ready. The networks themselves load in the render worker, behind the main
window's "loading the network…" state. This module imports neither torch nor pyqtgraph at
module level.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from ideepcolor_app.desktop import APP_ID, DATA
from ideepcolor_app.gui.loading_window import QtLoadingWindow
from ideepcolor_app.gui.platform_check import platform_problem
from ideepcolor_app.gui.settings import APPLICATION, ORGANIZATION

logger = logging.getLogger(__name__)

SAMPLE_PHOTO = Path(__file__).resolve().parent.parent / "data" / "sample_pont_du_gard.jpg"
#: What the background thread imports before the main window can be built.
HEAVY_MODULES = ("torch", "pyqtgraph", "ideepcolor_app.gui.main_window")


def configure_pyqtgraph() -> None:
    """Images are NumPy (H, W, C): row-major is pyqtgraph's fast path for them."""
    import pyqtgraph as pg

    pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)


def application(argv: list[str] | None = None, configure: bool = True) -> QApplication:
    """The running QApplication, created if there is none (and pyqtgraph configured, unless not `configure`)."""
    existing = QApplication.instance()
    if existing is not None:
        if not isinstance(existing, QApplication):
            raise RuntimeError("a QCoreApplication without widgets is running; the app needs a QApplication")
        app = existing
    else:
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setOrganizationName(ORGANIZATION)
        app.setApplicationName(APPLICATION)
        app.setDesktopFileName(APP_ID)  # the menu entry `ideepcolor install-desktop` writes
        app.setWindowIcon(QIcon(str(DATA / "ideepcolor.svg")))
    if configure:
        configure_pyqtgraph()
    return app


class _Importer(threading.Thread):
    """Imports the heavy modules off the GUI thread; `error` says what failed, if anything."""

    def __init__(self) -> None:
        super().__init__(name="ideepcolor-import", daemon=True)
        self.error: str | None = None

    def run(self) -> None:
        try:
            for name in HEAVY_MODULES:
                importlib.import_module(name)
        except Exception as err:  # noqa: BLE001 - reported in a message box, never as a traceback
            logger.debug("import failed:\n%s", traceback.format_exc())
            self.error = f"{type(err).__name__}: {err}"


def open_main_window(
    photo: Path | None = None, backend: str | None = None, on_shown=None, make_window=None, on_window=None
):
    """Build the main window, offer a crash's unsaved hints, else open `photo` (default: the
    sample), then show the window; `on_shown` is called once it is on screen.

    The question about unsaved hints comes before the window shows (over the loading window),
    so that nothing half-made (the empty window's placeholder) sits behind it. `make_window`
    builds the window (tests pass one with temporary settings); `on_window(window)` is called
    once it is built, before the photo opens (the benchmark watches for the first result).
    """
    from ideepcolor_app.gui.main_window import QtMainWindow

    configure_pyqtgraph()
    window: QtMainWindow = make_window() if make_window is not None else QtMainWindow()
    if on_window is not None:
        on_window(window)
    if backend is not None:
        try:
            window.doc.set_backend_name(backend)
        except ValueError as err:
            window.report_error("Unknown backend", str(err))
    if not window.files.offer_recovery():
        window.files.open_photo(Path(photo) if photo is not None else SAMPLE_PHOTO, confirm=False)
    window.show()
    if on_shown is not None:
        on_shown()
    return window


def main(photo: Path | None = None, backend: str | None = None, on_window=None) -> int:
    """Show a loading window at once, then the main window on `photo`, and run the event loop."""
    problem = platform_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    app = application(configure=False)
    loading = QtLoadingWindow()
    loading.show()
    app.processEvents()
    importer = _Importer()
    importer.start()
    started: list = []

    def finish() -> None:
        if importer.is_alive():
            return
        timer.stop()
        if importer.error is None:
            try:
                loading.set_text("Opening the photo…")
                started.append(open_main_window(photo, backend, on_shown=loading.close, on_window=on_window))
            except Exception as err:  # noqa: BLE001 - a message, not a traceback
                logger.debug("start failed:\n%s", traceback.format_exc())
                importer.error = f"{type(err).__name__}: {err}"
        if importer.error is not None:
            QMessageBox.critical(loading, "ideepcolor cannot start", importer.error)
            app.exit(1)
        loading.close()

    timer = QTimer()
    timer.timeout.connect(finish)
    timer.start(25)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
