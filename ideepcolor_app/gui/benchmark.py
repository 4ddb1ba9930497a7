"""GUI latency for `ideepcolor bench`: from a point-move event to the updated view.

A scripted drag on a real main window (offscreen, 1400 x 900): each step moves the point
through the same path as a mouse drag (`QtMainWindow.move_point`, a merged MoveHint), then
waits until the render of that edit is on the result view and the view has repainted. Results
during a drag are drafts composed at a share of the size the view shows (`draft_side` in the
result), as when a person drags; the release refines the last one. No `processEvents`
spinning: the wait is a QEventLoop woken by `resultShown`, so the worker thread gets the CPU.
With `busy`, CPU-bound processes run beside it, as a user's other programs would.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

#: The targets for the p50 latency on a 2-core CPU: idle, and with busy processes beside it.
TARGET_MS = 50.0
TARGET_BUSY_MS = 100.0
def _application():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed (and none may exist)
    from ideepcolor_app.gui.app import application

    return application()


def bench_gui_drag(moves: int = 30, backend: str | None = None, working_size: int = 256,
                   photo_hw: tuple[int, int] = (768, 1024), device: str | None = None, busy: int = 0) -> dict:
    """Time `moves` drag steps; returns p50/p95 milliseconds and the setting measured.

    With `busy` > 0, that many CPU-bound processes run beside the drag (a loaded machine).

    `render_ms_p50` is the part spent in the worker (predict + preview composition); the rest
    is the hand-over between threads, applying the image and repainting.
    """
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from ideepcolor_app.engine.backends import DEFAULT_BACKEND, create_backend
    from ideepcolor_app.engine.benchmark import busy_processes, synthetic_l
    from ideepcolor_app.engine.colorizer import Colorizer
    from ideepcolor_app.gui.main_window import QtMainWindow

    backend = backend or DEFAULT_BACKEND
    app = _application()
    with busy_processes(busy), tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
        colorizer = Colorizer(lambda name: create_backend(name, device=device))
        window = QtMainWindow(settings=settings, colorizer=colorizer, working_size=working_size,
                              l_full=synthetic_l(*photo_hw, seed=1).numpy(), recovery_folder=Path(folder))
        try:
            window.resize(1400, 900)
            window.show()
            window.doc.set_backend_name(backend)

            def wait_for(generation: int) -> None:
                loop = QEventLoop()
                timer = QTimer()
                timer.setSingleShot(True)
                timer.timeout.connect(loop.quit)
                failed = []
                window.renderFailed.connect(lambda _g, message: (failed.append(message), loop.quit()))
                window.resultShown.connect(lambda g: loop.quit() if g >= generation else None)
                if window.gate.shown_generation < generation:
                    timer.start(120_000)
                    loop.exec()
                window.resultShown.disconnect()
                window.renderFailed.disconnect()
                if failed:
                    raise RuntimeError(failed[0])
                if window.gate.shown_generation < generation:
                    raise TimeoutError("no render within 120 s")
                window.canvas.viewport.repaint()  # the updated view, painted

            wait_for(window.doc.generation)  # L-only work, once per photo
            height, width = photo_hw
            window.doc.set_current_ab((20.0, 40.0))
            window.add_point(width * 0.2, height * 0.4)
            wait_for(window.doc.generation)
            samples, render_s = [], []
            for i in range(moves + 3):
                x = width * (0.2 + 0.6 * i / max(1, moves + 2))
                start = time.perf_counter()
                window.move_point(0, x, height * 0.4 + (i % 7), drag_id=1)
                wait_for(window.doc.generation)
                if i >= 3:  # the first steps are warm-up
                    samples.append(time.perf_counter() - start)
                    render_s.append(window.last_result.seconds)
                    draft_side = window.last_result.preview_side
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
        "move_to_view_ms_p50": round(float(np.percentile(ms, 50)), 2),
        "move_to_view_ms_p95": round(float(np.percentile(ms, 95)), 2),
        "render_ms_p50": round(float(np.percentile(np.array(render_s) * 1000.0, 50)), 2),
        "draft_side": draft_side,
        "busy_processes": busy,
        "target_ms_p50": TARGET_BUSY_MS if busy else TARGET_MS,
        "device": device_text,
    }
