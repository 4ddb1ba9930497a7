"""GUI figures for `ideepcolor bench`: a drag step, with and without the loupe and divider, and
the time from launch to the first result.

Drag: a scripted drag on a real main window (offscreen, 1400 x 900): each step moves the point
through the same path as a mouse drag (`QtMainWindow.move_point`, a merged MoveHint), then waits
until the render of that edit is on the result view and the view has repainted. Results during
a drag are drafts composed at a share of the size the view shows (`draft_side` in the result),
as when a person drags; the release refines the last one. With `overlays`, the before/after
divider is on (the grey photo left of it) and the loupe follows the point as the pointer would,
both repainted with each step. No `processEvents` spinning: the wait is a QEventLoop woken by
`resultShown`, so the worker thread gets the CPU. With `busy`, CPU-bound processes run beside
it, as a user's other programs would.

First result: `ideepcolor gui PHOTO` started as a new process with empty settings (a first
start), timed from the launch to the moment the opened photo's first colour result is on
screen; the process then quits. The operating system's file cache is not emptied (that needs
root), so the libraries come from memory as on any start after the first since boot.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

#: Targets for the p50 drag step on a 2-core CPU, idle and with one busy process beside it;
#: with the loupe and the before/after divider shown; and for the first result of a first start.
TARGET_MS = 33.0
TARGET_BUSY_MS = 66.0
TARGET_OVERLAYS_MS = 40.0
TARGET_OVERLAYS_BUSY_MS = 80.0
TARGET_FIRST_RESULT_S = 5.0
#: What the child process prints when the first result is on screen (then its time.time()).
FIRST_RESULT_MARK = "first-result"


def _application():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed (and none may exist)
    from ideepcolor_app.gui.app import application

    return application()


def drag_target_ms(busy: int, overlays: bool) -> float:
    if overlays:
        return TARGET_OVERLAYS_BUSY_MS if busy else TARGET_OVERLAYS_MS
    return TARGET_BUSY_MS if busy else TARGET_MS


def bench_gui_drag(
    moves: int = 30,
    backend: str | None = None,
    working_size: int = 256,
    photo_hw: tuple[int, int] = (768, 1024),
    device: str | None = None,
    busy: int = 0,
    overlays: bool = False,
) -> dict:
    """Time `moves` drag steps; returns p50/p95 milliseconds and the setting measured.

    With `busy` > 0, that many CPU-bound processes run beside the drag (a loaded machine); with
    `overlays`, the loupe and the before/after divider are shown throughout.

    `render_ms_p50` is the part spent in the worker (predict + preview composition); the rest
    is the hand-over between threads, applying the image and repainting.

    Raises:
        RuntimeError: a render failed (its message); TimeoutError: no render within 120 s.
    """
    from PySide6.QtCore import QSettings

    from ideepcolor_app.engine.backends import DEFAULT_BACKEND, create_backend
    from ideepcolor_app.engine.benchmark import busy_processes, synthetic_l
    from ideepcolor_app.engine.colorizer import Colorizer
    from ideepcolor_app.gui.main_window import QtMainWindow

    backend = backend or DEFAULT_BACKEND
    app = _application()
    with busy_processes(busy), tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
        colorizer = Colorizer(lambda name: create_backend(name, device=device))
        window = QtMainWindow(
            settings=settings,
            colorizer=colorizer,
            working_size=working_size,
            l_full=synthetic_l(*photo_hw, seed=1).numpy(),
            recovery_folder=Path(folder),
        )
        try:
            window.resize(1400, 900)
            window.show()
            window.doc.set_backend_name(backend)
            _wait_for(window, window.doc.generation)  # L-only work, once per photo
            height, width = photo_hw
            window.doc.set_current_ab((20.0, 40.0))
            window.add_point(width * 0.2, height * 0.4)
            _wait_for(window, window.doc.generation)
            if overlays:
                window.compare.set_enabled(True)
            samples, render_s = [], []
            for i in range(moves + 3):
                x, y = width * (0.2 + 0.6 * i / max(1, moves + 2)), height * 0.4 + (i % 7)
                start = time.perf_counter()
                if overlays:
                    window.probe._pressed_point = 0  # the loupe follows the pointer dragging point 0
                    window.probe.show_at(window.canvas.widget_pos(x, y), held=True)
                window.move_point(0, x, y, drag_id=1)
                _wait_for(window, window.doc.generation)
                if i >= 3:  # the first steps are warm-up
                    samples.append(time.perf_counter() - start)
                    result = window.last_result
                    assert result is not None  # `_wait_for` waited until it was shown
                    render_s.append(result.seconds)
                    draft_side = result.preview_side
            shown = overlays and window.probe.loupe.isVisible() and window.compare.divider.line.isVisible()
            if overlays and not shown:
                raise RuntimeError("the loupe or the divider was not shown during the drag")
            device_text = window.device_label.text()
        finally:
            window.doc.mark_saved()  # nothing to keep: close without asking
            window.close()
            window.deleteLater()
            app.processEvents()
    ms = np.array(samples) * 1000.0
    return {
        "backend": backend,
        "moves": moves,
        "photo": f"{photo_hw[1]}x{photo_hw[0]}",
        "working_size": working_size,
        "overlays": overlays,
        "move_to_view_ms_p50": round(float(np.percentile(ms, 50)), 2),
        "move_to_view_ms_p95": round(float(np.percentile(ms, 95)), 2),
        "render_ms_p50": round(float(np.percentile(np.array(render_s) * 1000.0, 50)), 2),
        "draft_side": draft_side,
        "busy_processes": busy,
        "target_ms_p50": drag_target_ms(busy, overlays),
        "device": device_text,
    }


def _wait_for(window, generation: int) -> None:
    """Block (in an event loop) until the render of `generation` is on screen and painted."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    failed: list[str] = []

    def on_failed(_generation: int, message: str) -> None:
        failed.append(message)
        loop.quit()

    window.renderFailed.connect(on_failed)
    window.resultShown.connect(lambda g: loop.quit() if g >= generation else None)
    if window.gate.shown_generation < generation:
        timer.start(120_000)
        loop.exec()
    window.resultShown.disconnect()
    window.renderFailed.disconnect()
    if failed:
        raise RuntimeError(f"render failed: {failed[0]}")
    if window.gate.shown_generation < generation:
        raise TimeoutError("no render within 120 s")
    window.canvas.viewport.repaint()  # the updated view, painted


def bench_first_result(photo: Path, runs: int = 3, busy: int = 0, timeout_s: float = 120.0) -> dict:
    """Seconds from launching the app on `photo` to its first colour result on screen.

    Each run is a new process with empty settings (a first start: the default backend and
    layout), offscreen, timed from just before the launch.

    Raises:
        RuntimeError: the app did not show a result (its output says why).
    """
    from ideepcolor_app.engine.benchmark import busy_processes

    photo = Path(photo).resolve()
    seconds = []
    with busy_processes(busy):
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as home:
                env = dict(
                    os.environ,
                    QT_QPA_PLATFORM="offscreen",
                    XDG_CONFIG_HOME=str(Path(home) / "config"),
                    XDG_DATA_HOME=str(Path(home) / "data"),
                    HOME=home,
                )
                start = time.time()
                done = subprocess.run(
                    [sys.executable, "-m", "ideepcolor_app.gui.benchmark", str(photo)],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=timeout_s,
                )
                marks = [line for line in done.stdout.splitlines() if line.startswith(FIRST_RESULT_MARK)]
                if done.returncode != 0 or not marks:
                    reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
                    raise RuntimeError(f"the app showed no result: {reason}")
                seconds.append(float(marks[-1].split()[1]) - start)
    return {
        "photo": photo.name,
        "runs": runs,
        "first_result_s": [round(s, 2) for s in seconds],
        "first_result_s_median": round(statistics.median(seconds), 2),
        "busy_processes": busy,
        "target_s": TARGET_FIRST_RESULT_S,
    }


def _first_result_child(photo: Path) -> int:
    """Run the app on `photo`; print the time its first colour result is on screen, and quit."""
    from ideepcolor_app.gui import app as app_module

    def watch(window) -> None:
        def shown(generation: int) -> None:
            current = generation == window.doc.generation
            if window.doc.photo_path == photo and window.last_result is not None and current:
                window.canvas.viewport.repaint()
                print(FIRST_RESULT_MARK, repr(time.time()), json.dumps(window.windowTitle()), flush=True)
                window.doc.mark_saved()
                window.close()
                instance = app_module.QApplication.instance()
                if instance is not None:
                    instance.quit()

        window.resultShown.connect(shown)

    return app_module.main(photo, on_window=watch)


if __name__ == "__main__":
    sys.exit(_first_result_child(Path(sys.argv[1]).resolve()))
