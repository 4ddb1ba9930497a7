"""Save a screenshot of the main window: by default the sample photo and its hints, into
docs/screenshot_main_window.png.

Run under a virtual display with a window manager (the real xcb platform, so window
decorations and fonts are real), e.g.:

    Xvfb :99 -screen 0 1600x1000x24 & DISPLAY=:99 openbox &
    DISPLAY=:99 python docs/make_screenshot.py [--backend B] [--photo P] [--select N] [--out O]

The window gets its first-launch size (about 85 % of the screen). The photo's sidecar
`<stem>.hints.json` is opened with it. The backend defaults to `hints`, the app's default, with
its shipped weights. Settings go to a temporary file, so the user's own settings are neither
used nor changed.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer

from ideepcolor_app.gui.app import SAMPLE_PHOTO, application
from ideepcolor_app.gui.main_window import QtMainWindow

OUT = Path(__file__).resolve().parent / "screenshot_main_window.png"


def main(backend: str = "hints", photo: Path = SAMPLE_PHOTO, select: int = 4, out: Path = OUT) -> int:
    _app = application()  # kept alive while the window runs
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "screenshot.ini"), QSettings.Format.IniFormat)
        window = QtMainWindow(settings=settings, recovery_folder=Path(folder))
        window.doc.set_backend_name(backend)
        window.show()
        window.files.open_photo(photo)
        window.doc.set_selected(select)  # show a selected point, its colour and suggestions
        loop = QEventLoop()
        window.resultShown.connect(lambda g: loop.quit() if g == window.doc.generation else None)
        window.renderFailed.connect(lambda g, message: (print(message, file=sys.stderr), loop.quit()))
        QTimer.singleShot(120_000, loop.quit)
        loop.exec()
        QTimer.singleShot(500, loop.quit)  # let the panels repaint
        loop.exec()
        window.grab().save(str(out), "PNG", 0)  # 0: the strongest PNG compression
        print(f"wrote {out}")
        window.doc.mark_saved()  # nothing to keep: close without asking
        window.close()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="hints")
    parser.add_argument("--photo", type=Path, default=SAMPLE_PHOTO)
    parser.add_argument("--select", type=int, default=4, help="index of the point shown selected")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    sys.exit(main(args.backend, args.photo, args.select, args.out))
