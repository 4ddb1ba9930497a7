"""GUI fixtures: a temporary QSettings, a small generated photo, fast fake backends."""

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image

from ideepcolor_app.color import BinSet
from ideepcolor_app.engine.backends import Backend, Distribution, LevinBackend
from ideepcolor_app.engine.colorizer import Colorizer
from ideepcolor_app.engine.weights import WeightsError
from ideepcolor_app.hints import HintTensors

PHOTO_H, PHOTO_W = 64, 96
WORKING_SIZE = 32


class FakeHintsBackend(Backend):
    """Network-free stand-in for the hints U-Net: hint ab inside patches, L-derived ab elsewhere.

    Global hints shift the result so tests can see them: a histogram adds +30 to b*, a
    saturation s scales a* by (1 + s).
    """

    name = "hints"
    description = "fake hints backend"
    uses_local_hints = True
    uses_global_hints = True
    has_distribution = True

    def prepare(self, l_small: torch.Tensor) -> Any:
        return (l_small[0, 0] - 50.0) * 0.4

    def predict(self, cache: Any, hints: HintTensors, temperature: float) -> torch.Tensor:
        a = cache.clone()
        b = torch.zeros_like(cache)
        if hints.histogram is not None:
            b += 30.0
        if hints.saturation is not None:
            a *= 1.0 + float(hints.saturation[0, 0])
        ab = torch.stack([a, b])
        return torch.where(hints.mask[0, 0] > 0.5, hints.ab[0], ab)

    def distribution(self, cache: Any, hints: HintTensors, temperature: float) -> Distribution:
        bins = BinSet.default()
        h, w = cache.shape
        probs = np.full((bins.num_bins, h // 4, w // 4), 1.0 / bins.num_bins, dtype=np.float32)
        return Distribution(probs, bins.centres.numpy())


class FakeZhangBackend(Backend):
    """Automatic: ab = (temperature * 100, 0) everywhere, so the temperature shows in the result."""

    name = "zhang"
    description = "fake zhang backend"
    has_distribution = False

    def prepare(self, l_small: torch.Tensor) -> Any:
        return l_small[0, 0]

    def predict(self, cache: Any, hints: HintTensors, temperature: float) -> torch.Tensor:
        return torch.stack([torch.full_like(cache, temperature * 100.0), torch.zeros_like(cache)])


def fake_backend_factory(name: str) -> Backend:
    if name == "hints":
        return FakeHintsBackend()
    if name == "zhang":
        return FakeZhangBackend()
    if name == "levin":
        return LevinBackend()
    raise WeightsError(f"no weights for the {name!r} backend (test)")


@pytest.fixture
def qsettings(tmp_path):
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def write_photo(path: Path, seed: int = 0) -> Path:
    """A 64 x 96 grayscale photo: a horizontal ramp with a dark square (fixed seed grain)."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(60, 200, PHOTO_W)[None, :].repeat(PHOTO_H, 0)
    ramp[20:44, 60:84] = 40
    gray = np.clip(ramp + rng.normal(0, 2, ramp.shape), 0, 255).astype(np.uint8)
    Image.fromarray(gray, mode="L").save(path)
    return path


@pytest.fixture
def small_photo(tmp_path) -> Path:
    return write_photo(tmp_path / "photo.png")


class Messages(list):
    """The (title, text) of every warning shown; questions and notes are recorded apart.

    `answers` is a queue of buttons the next questions get; when it is empty a question gets
    Discard (for Save / Discard / Cancel) or No.
    """

    def __init__(self) -> None:
        super().__init__()
        self.questions: list[tuple[str, str]] = []
        self.infos: list[tuple[str, str]] = []
        self.answers: list = []


@pytest.fixture
def messages(monkeypatch) -> Messages:
    """Message boxes never block in tests: each (title, text) is recorded here instead."""
    from PySide6.QtWidgets import QMessageBox

    shown = Messages()
    buttons = QMessageBox.StandardButton

    def warning(parent, title, text, *args, **kwargs):
        shown.append((title, text))
        return buttons.Ok

    def question(parent, title, text, choices=buttons.Yes | buttons.No, *args, **kwargs):
        shown.questions.append((title, text))
        if shown.answers:
            return shown.answers.pop(0)
        return buttons.Discard if choices & buttons.Discard else buttons.No

    def information(parent, title, text, *args, **kwargs):
        shown.infos.append((title, text))
        return buttons.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "information", information)
    return shown


def wait_rendered(qtbot, window, timeout: int = 15000) -> None:
    """Wait until the result on screen is the render of the document's current state."""
    qtbot.waitUntil(lambda: window.gate.shown_generation == window.doc.generation, timeout=timeout)


@pytest.fixture
def make_window(qtbot, qsettings, messages, tmp_path):
    """Build main windows on temporary settings with fake backends (plus the real levin)."""
    from ideepcolor_app.gui.app import configure_pyqtgraph
    from ideepcolor_app.gui.main_window import QtMainWindow

    configure_pyqtgraph()

    def make(photo: Path | None = None, backend: str | None = "hints", settings=None):
        settings = settings if settings is not None else qsettings
        window = QtMainWindow(
            settings=settings,
            colorizer=Colorizer(fake_backend_factory),
            working_size=WORKING_SIZE,
            recovery_folder=tmp_path / "recovery",
        )
        qtbot.addWidget(window)
        if backend is not None:  # None: the backend remembered in the settings
            window.doc.set_backend_name(backend)
        if photo is not None:
            assert window.files.open_photo(photo)
        wait_rendered(qtbot, window)
        return window

    return make


@pytest.fixture
def window(make_window, small_photo):
    return make_window(small_photo)


@pytest.fixture(autouse=True)
def unthrottled_mouse():
    """pyqtgraph drops mouse moves closer than 1/100 s apart; synthetic drags are faster."""
    import pyqtgraph as pg

    old = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", 0)
    yield
    pg.setConfigOption("mouseRateLimit", old)


def show(qtbot, window) -> None:
    """Show the window at a fixed size so that screen <-> photo positions are meaningful."""
    window.resize(1500, 900)
    window.show()
    qtbot.waitExposed(window)
    window.canvas.fit()


def _send_mouse(window, kind, xy, button, buttons) -> None:
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    viewport = window.canvas.viewport
    pos = window.canvas.widget_pos(*xy)
    event = QMouseEvent(
        kind, QPointF(pos), QPointF(viewport.mapToGlobal(pos)), button, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(viewport, event)


def click(window, x: float, y: float, right: bool = False) -> None:
    """A real mouse click on the input view at photo position (x, y)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    button = Qt.MouseButton.RightButton if right else Qt.MouseButton.LeftButton
    QTest.mouseClick(window.canvas.viewport, button, Qt.KeyboardModifier.NoModifier, window.canvas.widget_pos(x, y))


def drag(window, path: list[tuple[float, float]]) -> None:
    """Press the left button at path[0], move through the rest, release at the end."""
    from PySide6.QtCore import QEvent, Qt

    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    _send_mouse(window, QEvent.Type.MouseButtonPress, path[0], left, left)
    for xy in path[1:]:
        _send_mouse(window, QEvent.Type.MouseMove, xy, none, left)
    _send_mouse(window, QEvent.Type.MouseButtonRelease, path[-1], left, none)


def wheel(window, x: float, y: float, steps: int) -> None:
    """Turn the wheel over photo position (x, y): +1 = one notch away from the user."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    viewport = window.canvas.viewport
    pos = QPointF(window.canvas.widget_pos(x, y))
    event = QWheelEvent(
        pos,
        QPointF(viewport.mapToGlobal(pos.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)
