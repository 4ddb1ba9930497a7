"""Suggestions come from the network's distribution without the selected point's own colour;
one reference photo serves the histogram hint and the eyedropper; the saturation scale is named."""

from typing import Any

import numpy as np
import pytest
from PIL import Image

from ideepcolor_app.color import BinSet
from ideepcolor_app.engine.backends import Distribution
from ideepcolor_app.engine.colorizer import Colorizer
from tests.gui.conftest import FakeHintsBackend, click, fake_backend_factory, show, wait_rendered

#: What the fake network "sees" everywhere when no hint is near: a green bin.
NETWORK_AB = (-30.0, 30.0)


class EchoingBackend(FakeHintsBackend):
    """A distribution that echoes any hint under a pixel (as a real network's does), and is
    peaked on `NETWORK_AB` elsewhere: suggestions show whether the point was left out."""

    def distribution(self, cache: Any, hints, temperature: float) -> Distribution:
        bins = BinSet.default()
        centres = bins.centres.numpy()
        h, w = cache.shape
        probs = np.full((bins.num_bins, h, w), 0.1 / bins.num_bins, dtype=np.float32)
        network = int(np.argmin(((centres - NETWORK_AB) ** 2).sum(1)))
        probs[network] += 0.9
        mask = hints.mask[0, 0].numpy() > 0.5
        for row, col in zip(*np.nonzero(mask), strict=True):
            echoed = int(np.argmin(((centres - hints.ab[0, :, row, col].numpy()) ** 2).sum(1)))
            probs[:, row, col] = 0.1 / bins.num_bins
            probs[echoed, row, col] += 0.9
        return Distribution(probs / probs.sum(0, keepdims=True), centres)


@pytest.fixture
def echoing_window(qtbot, qsettings, messages, tmp_path, small_photo):
    from ideepcolor_app.gui.app import configure_pyqtgraph
    from ideepcolor_app.gui.main_window import QtMainWindow

    configure_pyqtgraph()
    factory = lambda name: EchoingBackend() if name == "hints" else fake_backend_factory(name)  # noqa: E731
    window = QtMainWindow(
        settings=qsettings, colorizer=Colorizer(factory), working_size=32, recovery_folder=tmp_path / "recovery"
    )
    qtbot.addWidget(window)
    window.doc.set_backend_name("hints")
    assert window.files.open_photo(small_photo)
    wait_rendered(qtbot, window)
    show(qtbot, window)
    return window


def test_suggestions_leave_the_selected_points_own_colour_out(qtbot, echoing_window):
    window = echoing_window
    window.colour_panel.colourPicked.emit(60.0, 40.0)  # the point's own colour: a red
    click(window, 30.5, 30.5)
    assert window.doc.selected == 0
    qtbot.waitUntil(
        lambda: window.last_distribution_left_out == 0 and bool(window.colour_panel.suggested()), timeout=10000
    )
    top = window.colour_panel.suggested()[0]
    assert top.ab == pytest.approx(NETWORK_AB)  # what the network says there, not the point echoed
    assert all(s.ab != pytest.approx((60.0, 40.0)) for s in window.colour_panel.suggested())
    scatter = window.colour_panel.distribution.positions()
    assert len(scatter) and not np.any(np.all(np.isclose(scatter, (60.0, 40.0)), axis=1))
    predicted = window.points.predicted[0]  # computed with the point left out, beside the distribution
    assert predicted[1] == pytest.approx(0.0)  # the fake predicts b = 0 where no hint is


def test_a_newly_selected_point_gets_its_own_suggestions(qtbot, echoing_window):
    window = echoing_window
    window.colour_panel.colourPicked.emit(60.0, 40.0)
    click(window, 30.5, 30.5)
    window.doc.set_selected(None)
    window.colour_panel.colourPicked.emit(-60.0, -30.0)
    click(window, 80.5, 10.5)
    qtbot.waitUntil(
        lambda: window.last_distribution_left_out == 1 and bool(window.colour_panel.suggested()), timeout=10000
    )
    click(window, 30.5, 30.5)  # select the first point: no render, a distribution without it
    qtbot.waitUntil(
        lambda: window.last_distribution_left_out == 0 and bool(window.colour_panel.suggested()), timeout=10000
    )
    assert window.colour_panel.suggested()[0].ab == pytest.approx(NETWORK_AB)


def red_reference(path):
    rgb = np.zeros((40, 60, 3), dtype=np.uint8)
    rgb[..., 0] = 200
    rgb[..., 1] = 40
    rgb[..., 2] = 30
    Image.fromarray(rgb).save(path)
    return path


def test_one_reference_photo_for_the_histogram_and_the_eyedropper(
    qtbot, make_window, small_photo, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog

    window = make_window(small_photo)
    reference = red_reference(tmp_path / "red.png")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(reference), ""))
    picker, panel = window.colour_panel.reference, window.global_panel
    with qtbot.waitSignal(window.files.reference_task.finished, timeout=10000):
        picker.load_button.click()  # the Colour panel's Reference tab
    assert picker.path == reference and picker.reference is not None  # shown for the eyedropper
    assert not panel.reference_thumb.isHidden() and not panel.reference_thumb.pixmap().isNull()
    assert "red.png" in panel.reference_name.text()
    assert window.doc.global_store.histogram is not None  # ready for "Use histogram" ...
    assert window.doc.hints.global_hints.histogram is None  # ... but not switched on from there
    assert panel.histogram_on.isEnabled() and not panel.histogram_on.isChecked()
    panel.histogram_on.setChecked(True)
    assert window.doc.hints.global_hints.histogram == window.doc.global_store.histogram
    other = red_reference(tmp_path / "other.png")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    with qtbot.waitSignal(window.files.reference_task.finished, timeout=10000):
        panel.load_button.click()  # the Global hints button: the same one reference
    assert picker.path == other and "other.png" in panel.reference_name.text()
    assert window.doc.hints.global_hints.histogram is not None


def test_saturation_scale_says_zero_is_muted_not_grey(qtbot, window):
    note = window.global_panel.saturation_note.text()
    assert "mean saturation" in note and "does not make the photo grey" in note
