"""Save docs/screenshot_main_window.png: the main window on the sample photo and its hints.

Run under a virtual display with a window manager (the real xcb platform, so window
decorations and fonts are real), e.g.:

    Xvfb :99 -screen 0 1600x1000x24 & DISPLAY=:99 openbox &
    DISPLAY=:99 python docs/make_screenshot.py [BACKEND]

The window gets its first-launch size (about 85 % of the screen).
BACKEND defaults to `hints`, the app's default backend with its shipped weights. Settings go to
a temporary file, so the user's own settings are neither used nor changed.
"""

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer

from ideepcolor_app.gui.app import SAMPLE_PHOTO, application
from ideepcolor_app.gui.main_window import QtMainWindow

OUT = Path(__file__).resolve().parent / "screenshot_main_window.png"


def main(backend: str = "hints") -> int:
    app = application()
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "screenshot.ini"), QSettings.Format.IniFormat)
        window = QtMainWindow(settings=settings, recovery_folder=Path(folder))
        window.doc.set_backend_name(backend)
        window.show()
        window.files.open_photo(SAMPLE_PHOTO)
        window.doc.set_selected(4)  # show a selected point, its colour and suggestions
        loop = QEventLoop()
        window.resultShown.connect(lambda g: loop.quit() if g == window.doc.generation else None)
        window.renderFailed.connect(lambda g, message: (print(message, file=sys.stderr), loop.quit()))
        QTimer.singleShot(120_000, loop.quit)
        loop.exec()
        QTimer.singleShot(500, loop.quit)  # let the panels repaint
        loop.exec()
        window.grab().save(str(OUT), "PNG", 0)  # 0: the strongest PNG compression
        print(f"wrote {OUT}")
        window.doc.mark_saved()  # nothing to keep: close without asking
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
