"""The damage brush: strokes paint the restoration's mask in and out, one undo step each, are saved
with the session, and show on the overlay while restoration is on."""

import contextlib
import json

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from ideepcolor_app.engine.damage_mask import ADDED, DETECTED, REMOVED
from ideepcolor_app.gui.damage_brush import stroke_points
from tests.gui.conftest import click, drag, show
from tests.null_detector import null_detector  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("null_detector")

ROW = 30  # the strokes run along this row


def stained_photo(path):
    """96 x 64 smooth gradient with a pale blot (rows 26-33, cols 40-51) the detector leaves alone."""
    gray = np.repeat(np.linspace(60, 120, 96)[None, :], 64, 0)
    gray[26:34, 40:52] = 235
    Image.fromarray(gray.round().astype(np.uint8), mode="L").save(path)
    return path


def restoration_settled(window) -> bool:
    """The restoration on screen is the one of the document's current strokes."""
    doc, restorer = window.doc, window.restorer
    options = window.restore_panel.options
    kept = restorer.cache.get(doc.original_l, options, doc.hints.damage_strokes)
    return kept is not None and restorer.result is kept and doc.restore == options


def wait_restored(qtbot, window) -> np.ndarray:
    """Wait for the restoration of the current strokes and its overlay; return the mask filled."""
    qtbot.waitUntil(lambda: restoration_settled(window), timeout=20000)
    brush = window.damage_brush
    if brush.wanted:
        qtbot.waitUntil(lambda: brush.shown == (window.restorer.result, window.doc.hints.damage_strokes), timeout=10000)
    return window.restorer.result.defects


def restore_on(qtbot, window):
    panel = window.restore_panel
    panel.tone.setCurrentIndex(panel.tone.findData("off"))
    panel.switch.setChecked(True)
    return wait_restored(qtbot, window)


def overlay_labels(window) -> np.ndarray:
    return np.asarray(window.canvas.brush.overlay.image)


@pytest.fixture
def painted(qtbot, make_window, tmp_path):
    window = make_window(stained_photo(tmp_path / "old.png"))
    show(qtbot, window)
    restore_on(qtbot, window)
    return window


def test_strokes_paint_the_mask_in_and_out_and_undo_redo(qtbot, painted):
    window, doc, panel = painted, painted.doc, painted.restore_panel
    before = window.restorer.result.defects.copy()
    assert not before[ROW, 30:71].any()  # the detector finds no damage here
    panel.set_tool("add")
    assert window.canvas.brush.active and panel.mask_action.isChecked()  # painting shows the mask
    drag(window, [(30.0, ROW), (50.0, ROW), (70.0, ROW)])
    assert len(doc.hints.damage_strokes) == 1 and doc.hints.points == ()  # a stroke, not points
    assert len(window.stack) == 1 and window.stack.undo_text() == "paint damage"  # one drag, one step
    added = wait_restored(qtbot, window).copy()
    assert added[ROW, 30:71].all() and added[ROW - 4 : ROW + 5, 50].all()  # 12 px brush: radius 6
    assert np.array_equal(added[:15], before[:15]) and np.array_equal(added[48:], before[48:])  # far away: as before
    labels = overlay_labels(window)
    assert labels[ROW, 50] == ADDED and labels[5, 5] == 0
    assert window.restorer.result.l[ROW, 45] < 80  # the blot under the stroke is filled

    panel.set_tool("remove")
    drag(window, [(50.0, ROW), (50.5, ROW)])
    erased = wait_restored(qtbot, window).copy()
    assert not erased[ROW, 47:54].any() and erased[ROW, 30:40].all() and erased[ROW, 61:71].all()
    assert window.stack.undo_text() == "erase damage"
    assert overlay_labels(window)[ROW, 50] == 0  # painted in, then out: not damage

    window.stack.undo()
    assert np.array_equal(wait_restored(qtbot, window), added)
    window.stack.undo()
    assert np.array_equal(wait_restored(qtbot, window), before) and doc.hints.damage_strokes == ()
    window.stack.redo()
    assert np.array_equal(wait_restored(qtbot, window), added)
    assert "painted in" in panel.status.text() and "Filled 0%" not in panel.status.text()


def test_erasing_found_damage_labels_it_painted_out(qtbot, make_window, tmp_path, monkeypatch):
    from dataclasses import replace

    import ideepcolor_app.restore.cache as cache_module

    found = np.zeros((64, 96), bool)
    found[ROW - 1 : ROW + 2, 20:80] = True  # as if the detector had found a scratch there
    restore = cache_module.restore_lightness
    monkeypatch.setattr(
        cache_module, "restore_lightness", lambda *args, **kwargs: replace(restore(*args, **kwargs), detected=found)
    )
    window = make_window(stained_photo(tmp_path / "old.png"))
    show(qtbot, window)
    restore_on(qtbot, window)
    window.restore_panel.set_tool("remove")
    drag(window, [(50.0, ROW)])
    wait_restored(qtbot, window)
    labels = overlay_labels(window)
    assert labels[ROW, 50] == REMOVED and labels[ROW, 25] == DETECTED  # kept where not erased
    assert "painted out 0%" not in window.restore_panel.status.text()


def test_escape_and_the_tool_button_return_to_points(qtbot, painted):
    window, panel = painted, painted.restore_panel
    panel.paint_button.click()
    assert panel.tool == "add" and window.named_actions["points_tool"].isEnabled()
    panel.paint_button.click()  # the tool's button again: back to points
    assert panel.tool is None and not window.canvas.brush.active
    panel.erase_button.click()
    assert panel.tool == "remove"
    window.activateWindow()
    QTest.keyClick(window.canvas.viewport, Qt.Key.Key_Escape)
    assert panel.tool is None and not window.canvas.brush.active
    click(window, 20.0, 10.0)
    assert len(window.doc.hints.points) == 1 and window.doc.hints.damage_strokes == ()


def test_session_saves_and_reopens_the_strokes(qtbot, painted, tmp_path):
    window, doc = painted, painted.doc
    assert not window.isWindowModified()
    window.restore_panel.set_tool("add")
    drag(window, [(30.0, ROW), (70.0, ROW)])
    assert window.isWindowModified() and doc.modified  # the unsaved-changes star counts strokes
    strokes = doc.hints.damage_strokes
    assert window.files.save_session()
    assert not window.isWindowModified()
    saved = json.loads((tmp_path / "old.hints.json").read_text())
    assert saved["version"] == 2 and saved["damage_strokes"][0]["mode"] == "add"
    assert window.files.open_photo(tmp_path / "old.png")
    assert doc.hints.damage_strokes == strokes and not window.isWindowModified()
    assert wait_restored(qtbot, window)[ROW, 30:71].all()  # restored with them again


def test_mask_and_brushes_only_while_restoration_is_on(qtbot, make_window, tmp_path):
    window = make_window(stained_photo(tmp_path / "old.png"))
    panel, overlay = window.restore_panel, window.canvas.brush.overlay
    for widget in (panel.tone, panel.strength, panel.tone_label, panel.mask_check, panel.brush_slider):
        assert not widget.isEnabled()
    for key in ("damage_mask", "paint_damage", "erase_damage"):
        assert not window.named_actions[key].isEnabled()
    restore_on(qtbot, window)
    assert panel.tone.isEnabled() and window.named_actions["damage_mask"].isEnabled()
    assert not overlay.isVisible()
    window.named_actions["damage_mask"].trigger()  # View › Show damage mask
    assert panel.mask_check.isChecked()
    wait_restored(qtbot, window)
    assert overlay.isVisible() and overlay_labels(window).shape == (64, 96)
    panel.set_tool("add")
    panel.switch.setChecked(False)
    assert not overlay.isVisible() and panel.tool is None and not window.canvas.brush.active
    assert not panel.strength.isEnabled() and not window.named_actions["paint_damage"].isEnabled()
    panel.mask_check.setChecked(False)
    assert not window.named_actions["damage_mask"].isChecked()


def test_stroke_points_stay_on_the_photo_rounded_and_thinned():
    points = [(-3.0, 5.0), (0.2, 5.0), (0.9, 5.0), (4.123456, 5.0), (120.0, 70.0)]
    assert stroke_points(points, 4.0, 96, 64) == ((0.0, 5.0), (4.12, 5.0), (96.0, 64.0))
    assert stroke_points([(10.0, 10.0)], 4.0, 96, 64) == ((10.0, 10.0),)


@pytest.mark.parametrize("height", [900, 560])
def test_no_label_of_the_restore_panel_is_cut_off(qtbot, painted, height):
    from PySide6.QtWidgets import QAbstractButton, QLabel

    painted.resize(1500, height)  # 560: the left dock is shorter than its content, which scrolls
    panel = painted.restore_panel
    panel.set_status(
        "Filled 1.86% of the photo (edges included): detected 0.68%, painted in 0.35%, "
        "painted out 0%.\nGrain 1.2%, tone levels."
    )
    widgets = [w for w in panel.findChildren(QLabel) + panel.findChildren(QAbstractButton) if w.isVisible()]
    assert len(widgets) >= 11

    def cut_off() -> list[str]:
        cut = []
        for widget in widgets:
            wraps = isinstance(widget, QLabel) and widget.wordWrap()
            height = widget.heightForWidth(widget.width()) if wraps else widget.sizeHint().height()
            if widget.height() < height or (not wraps and widget.width() < widget.sizeHint().width()):
                cut.append(widget.text())
        return cut

    with contextlib.suppress(qtbot.TimeoutError):
        qtbot.waitUntil(lambda: not cut_off(), timeout=3000)  # the layouts settle
    assert cut_off() == []
