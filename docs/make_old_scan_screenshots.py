"""Screenshots of colour points, a stroke and an object fill on a real old scan, for docs/app.md.

Runs the app's own window and clicks in it as a user does (mouse events on the input view),
under a virtual display with a window manager, e.g.:

    Xvfb :97 -screen 0 1600x1000x24 & DISPLAY=:97 openbox &
    DISPLAY=:97 python docs/make_old_scan_screenshots.py --photo ../shared/data/oldphotos/bicycles.jpg

1. `screenshot_old_scan_points.jpg`: a skin point on the left woman's face (a 18, b 22), a blue
   point on the middle skirt (a 44, b -65), a green point on the grass (a -30, b 35).
2. `screenshot_old_scan_fill.jpg`: the same, plus a navy stroke painted down the right skirt
   and the outline of an object fill (Shift+click) on the left skirt, not yet committed.

Positions are photo pixels of the 1024 x 691 scan. Settings go to a temporary file.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtTest import QTest

from ideepcolor_app.gui.app import application
from ideepcolor_app.gui.main_window import QtMainWindow

DOCS = Path(__file__).resolve().parent
POINTS = (((290.0, 255.0), (18.0, 22.0)), ((575.0, 430.0), (44.0, -65.0)), ((500.0, 620.0), (-30.0, 35.0)))
STROKE = ((860.0, 380.0), (862.0, 420.0), (866.0, 460.0), (870.0, 500.0))
NAVY = (10.0, -30.0)
FILL_AT = (300.0, 450.0)
GREEN_SKIRT = (-18.0, 12.0)


def wait(window, loop: QEventLoop, ms: int = 60_000) -> None:
    """Until the result of the document's current state is on screen (then a short repaint)."""
    if window.gate.shown_generation != window.doc.generation:
        window.resultShown.connect(lambda g: loop.quit() if g == window.doc.generation else None)
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
    QTimer.singleShot(400, loop.quit)
    loop.exec()


def click(window, xy, shift: bool = False) -> None:
    modifier = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    QTest.mouseClick(window.canvas.viewport, Qt.MouseButton.LeftButton, modifier, window.canvas.widget_pos(*xy))


def drag(window, path) -> None:
    viewport, canvas = window.canvas.viewport, window.canvas
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, canvas.widget_pos(*path[0]))
    for xy in path[1:]:
        QTest.mouseMove(viewport, canvas.widget_pos(*xy), 30)
    QTest.mouseRelease(
        viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, canvas.widget_pos(*path[-1])
    )


def save(window, name: str) -> None:
    out = DOCS / name
    window.grab().save(str(out), "JPG", 88)
    print(f"wrote {out} ({out.stat().st_size // 1024} KB)")


def main(photo: Path) -> int:
    _app = application()  # kept alive while the window runs
    loop = QEventLoop()
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "screenshot.ini"), QSettings.Format.IniFormat)
        window = QtMainWindow(settings=settings, recovery_folder=Path(folder))
        window.doc.set_backend_name("hints")
        window.show()
        window.files.open_photo(photo)
        wait(window, loop)
        for xy, ab in POINTS:
            window.doc.set_current_ab(ab)
            click(window, xy)
            wait(window, loop)
        window.doc.set_selected(None)
        wait(window, loop)
        save(window, "screenshot_old_scan_points.jpg")
        window.doc.set_current_ab(NAVY)
        window.named_actions["colour_brush"].trigger()
        drag(window, STROKE)
        window.named_actions["colour_brush"].trigger()  # back to points
        wait(window, loop)
        window.doc.set_current_ab(GREEN_SKIRT)
        window.doc.set_selected_stroke(None)
        click(window, FILL_AT, shift=True)
        QTimer.singleShot(20_000, loop.quit)
        window.stroke_tools.task.finished.connect(loop.quit)
        loop.exec()
        wait(window, loop)
        save(window, "screenshot_old_scan_fill.jpg")
        window.doc.mark_saved()
        window.close()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photo", type=Path, required=True)
    sys.exit(main(parser.parse_args().photo))
