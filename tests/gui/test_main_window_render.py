"""Live rendering on the real main window: results, backends, temperature, global hints."""

import numpy as np
import pytest

from ideepcolor_app.engine.colorizer import Colorizer, RenderRequest
from tests.gui.conftest import fake_backend_factory, wait_rendered, write_photo

BLUE = (10.0, -70.0)
ORANGE = (30.0, 60.0)


def shown_rgb(window) -> np.ndarray:
    return np.asarray(window.canvas.result_image.image).astype(int)


def test_levin_blue_hint_makes_its_surroundings_blue(qtbot, make_window, small_photo):
    window = make_window(small_photo, backend="levin")
    grey = shown_rgb(window)
    assert np.abs(grey[..., 0] - grey[..., 2]).max() <= 2  # no hints: grey
    window.colour_panel.colourPicked.emit(*BLUE)
    window.add_point(15.5, 32.5)
    wait_rendered(qtbot, window)
    rgb = shown_rgb(window)
    around = rgb[24:40, 8:24]
    assert (around[..., 2] > around[..., 0] + 30).all()  # blue beats red around the hint
    assert (around[..., 2] > around[..., 1]).all()
    window.doc.set_selected(None)  # else picking a colour recolours the selected point
    window.colour_panel.colourPicked.emit(*ORANGE)
    window.add_point(50.5, 5.5)  # an orange hint in the bright top right, outside the dark square
    wait_rendered(qtbot, window)
    rgb = shown_rgb(window)
    left, right = rgb[28:36, 10:20], rgb[2:10, 46:56]
    assert (left[..., 2] > left[..., 0] + 30).all()
    assert (right[..., 0] > right[..., 2] + 30).all()  # orange: red beats blue
    assert "render" in window.render_label.text() and "ms" in window.render_label.text()
    assert window.device_label.text() == "levin on cpu"
    window.stack.undo()  # the orange hint goes, the right side turns blue again
    wait_rendered(qtbot, window)
    right = shown_rgb(window)[2:10, 46:56]
    assert (right[..., 2] > right[..., 0]).all()


def test_moving_a_hint_moves_the_colour(qtbot, make_window, small_photo):
    window = make_window(small_photo, backend="hints")  # fake hints: colour only inside the patch
    window.colour_panel.colourPicked.emit(*BLUE)
    window.add_point(20.5, 20.5)
    wait_rendered(qtbot, window)
    assert shown_rgb(window)[20, 20, 2] > shown_rgb(window)[20, 20, 0] + 60
    window.move_point(0, 70.5, 50.5)
    wait_rendered(qtbot, window)
    rgb = shown_rgb(window)
    assert rgb[50, 70, 2] > rgb[50, 70, 0] + 30
    assert abs(rgb[20, 20, 2] - rgb[20, 20, 0]) < 40  # the old place lost the blue


def test_a_drag_shows_drafts_and_ends_on_a_full_size_result(qtbot, window, monkeypatch):
    from ideepcolor_app.engine import colorizer

    monkeypatch.setattr(colorizer, "DRAFT_MAX_SIDE", 48)
    window.colour_panel.colourPicked.emit(*BLUE)
    window.add_point(20.5, 20.5)
    wait_rendered(qtbot, window)
    full_shape = window.canvas.result_image.image.shape
    window.move_point(0, 70.5, 50.5, drag_id=7)
    wait_rendered(qtbot, window)
    assert window.last_result.draft and window.canvas.result_image.image.shape[:2] == (32, 48)
    window.end_drag()
    qtbot.waitUntil(lambda: not window.last_result.draft, timeout=15000)
    assert window.canvas.result_image.image.shape == full_shape
    rgb = shown_rgb(window)
    assert rgb[50, 70, 2] > rgb[50, 70, 0] + 30  # the full-size result has the hint where it ended
    assert len(window.stack) == 2  # add + the drag's one move


def test_rapid_edits_end_with_the_result_of_the_last_edit(qtbot, window):
    window.colour_panel.colourPicked.emit(*BLUE)
    window.add_point(10.5, 10.5)
    shown = []
    window.resultShown.connect(shown.append)
    for i in range(300):
        window.move_point(0, 10.5 + (i % 80), 10.5 + (i % 50), drag_id=1)
    assert len(window.stack) == 2  # add + one merged drag
    wait_rendered(qtbot, window)
    final = window.doc.hints.points[0]
    assert (final.x, final.y) == (10.5 + 299 % 80, 10.5 + 299 % 50)
    expected = Colorizer(fake_backend_factory).run(RenderRequest.from_document(window.doc)).rgb_u8
    np.testing.assert_array_equal(window.canvas.result_image.image, expected)
    assert shown == sorted(shown) and shown[-1] == window.doc.generation
    assert len(shown) < 300  # pending requests were replaced, not queued


def test_switching_backend_and_temperature(qtbot, window):
    panel = window.backend_panel
    assert not panel.temperature.isEnabled()  # only zhang has a temperature
    window.add_point(40.5, 30.5)
    wait_rendered(qtbot, window)
    panel.combo.setCurrentIndex(panel.combo.findData("zhang"))
    assert window.doc.backend_name == "zhang"
    wait_rendered(qtbot, window)
    assert panel.temperature.isEnabled()
    assert "ignores local points (1)" in panel.ignored_label.text()
    assert "global hints" in panel.ignored_label.text()
    cool = shown_rgb(window)
    panel.temperature.setValue(90)
    assert window.doc.temperature == pytest.approx(0.9)
    assert panel.temperature_label.text() == "Temperature 0.90"
    wait_rendered(qtbot, window)
    warm = shown_rgb(window)
    assert (warm[..., 0] - warm[..., 1]).mean() > (cool[..., 0] - cool[..., 1]).mean() + 20  # more red
    panel.combo.setCurrentIndex(panel.combo.findData("levin"))
    wait_rendered(qtbot, window)
    assert panel.ignored_label.text() == "This backend ignores global hints."
    assert "No weights" in panel.weights_label.text()
    assert window.app_settings.backend("hints") == "levin"


def test_missing_weights_show_a_message_and_leave_the_app_usable(qtbot, window):
    with qtbot.waitSignal(window.renderFailed, timeout=10000) as failed:
        window.doc.set_backend_name("gan")  # the fake factory has no weights for gan
    assert "no weights" in failed.args[1]
    assert "Render failed (gan)" in window.statusBar().currentMessage()
    assert "Cannot render" in window.backend_panel.weights_label.text()
    assert "no weights for the &#x27;gan&#x27; backend" in window.backend_panel.weights_label.text()
    window.backend_panel.combo.setCurrentIndex(window.backend_panel.combo.findData("hints"))
    window.add_point(10.5, 10.5)
    wait_rendered(qtbot, window)
    assert window.last_result.backend_name == "hints"


def test_reference_photo_histogram_hint_on_off_clear_and_undo(qtbot, window, tmp_path):
    from PIL import Image

    reference = tmp_path / "reference.png"
    rgb = np.zeros((20, 30, 3), dtype=np.uint8)
    rgb[:, :15] = (200, 40, 40)
    rgb[:, 15:] = (40, 60, 200)
    Image.fromarray(rgb).save(reference)
    panel = window.global_panel
    assert (panel.histogram_plot_image() == 255).all()  # nothing loaded: a blank plot
    before = shown_rgb(window)
    with qtbot.waitSignal(window.files.reference_task.finished, timeout=10000):
        window.files.set_reference_photo(reference)  # decoded off the GUI thread
    histogram = window.doc.hints.global_hints.histogram
    assert len(histogram) == 529 and sum(histogram) == pytest.approx(1.0)
    assert panel.histogram_on.isChecked()
    assert (panel.histogram_plot_image() < 250).any()  # the plot shows the reference's bins
    wait_rendered(qtbot, window)
    after = shown_rgb(window)
    assert (after[..., 2] - before[..., 2]).mean() < -10  # fake backend: histogram -> b* + 30 (yellower)
    panel.histogram_on.setChecked(False)
    assert window.doc.hints.global_hints.histogram is None
    assert window.doc.global_store.histogram == histogram  # remembered for switching on again
    panel.histogram_on.setChecked(True)
    assert window.doc.hints.global_hints.histogram == histogram
    panel.histogram_clear.click()
    assert window.doc.hints.global_hints.histogram is None and window.doc.global_store.histogram is None
    assert not panel.histogram_on.isEnabled()
    window.stack.undo()
    assert window.doc.hints.global_hints.histogram == histogram
    window.stack.undo()
    window.stack.undo()
    window.stack.undo()
    assert window.doc.hints.global_hints.histogram is None and window.doc.global_store.histogram is None
    assert not window.stack.can_undo


def test_saturation_hint_slider_switch_and_clear(qtbot, window):
    panel = window.global_panel
    panel.saturation_on.setChecked(True)
    assert window.doc.hints.global_hints.saturation == pytest.approx(0.35)
    panel.saturation.setValue(80)
    panel.saturation.setValue(90)
    assert window.doc.hints.global_hints.saturation == pytest.approx(0.9)
    assert panel.saturation_label.text() == "0.90"
    assert len(window.stack) == 2  # switch on + one merged slider move
    wait_rendered(qtbot, window)
    panel.saturation_on.setChecked(False)
    assert window.doc.hints.global_hints.saturation is None
    assert panel.saturation.value() == 90 and panel.saturation_label.text() == "0.90 (off)"
    panel.saturation_clear.click()
    assert window.doc.global_store.saturation is None
    window.stack.undo()
    window.stack.undo()
    assert window.doc.hints.global_hints.saturation == pytest.approx(0.9)


def test_open_another_photo_drops_results_of_the_old_one(qtbot, window, tmp_path):
    window.add_point(10.5, 10.5)
    other = write_photo(tmp_path / "other.png", seed=3)
    window.files.open_photo(other)
    assert window.doc.hints.points == () and not window.stack.can_undo
    wait_rendered(qtbot, window)
    assert window.last_result.photo_token == window.doc.photo_token
