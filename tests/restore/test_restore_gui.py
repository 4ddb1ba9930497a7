"""The app's Restore switch, before/after comparison and the batch dialog's restore option."""

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("pytestqt")

from ideepcolor_app.engine.colorizer import gray_u8
from ideepcolor_app.restore import RestoreOptions
from tests.gui.conftest import make_window, messages, qsettings, unthrottled_mouse, wait_rendered  # noqa: F401
from tests.restore.test_restore_paths import specked_photo


def shown_input(window) -> np.ndarray:
    return np.asarray(window.canvas.input_image.image).astype(int)


def switch_on(qtbot, window, strength="medium"):
    panel = window.restore_panel
    panel.strength.setCurrentIndex(panel.strength.findData(strength))
    panel.tone.setCurrentIndex(panel.tone.findData("off"))
    with qtbot.waitSignal(window.restorer.task.finished, timeout=15000):
        panel.switch.setChecked(True)


def test_restore_switch_restores_caches_and_compares(qtbot, make_window, tmp_path):
    window = make_window(specked_photo(tmp_path / "old.png"))
    original = window.doc.original_l
    assert original[15, 11] > 90 and window.doc.restore is None
    switch_on(qtbot, window)
    doc = window.doc
    assert doc.restore == RestoreOptions(tone="off") and doc.original_l is original
    assert abs(float(doc.l_full[15, 11]) - float(doc.l_full[15, 4])) < 3  # the speck is filled
    wait_rendered(qtbot, window)
    restored_view = shown_input(window)
    assert np.array_equal(restored_view, gray_u8(doc.l_full))
    window.restore_panel.compare.click()  # compare: the scan left of the before/after divider
    compare = window.compare
    assert compare.enabled and compare.source == "original" and compare.divider.before_name == "Scan before restoration"
    assert np.array_equal(compare.divider._before, gray_u8(original))
    assert np.array_equal(shown_input(window), restored_view)  # the points stay on the restored photo
    window.restore_panel.compare.click()
    assert not compare.enabled and compare.source == "grey"
    window.named_actions["compare"].trigger()  # the divider's own switch; the button follows what it shows
    compare.set_source("original")
    assert window.restore_panel.compare.isChecked()
    compare.set_source("grey")
    assert not window.restore_panel.compare.isChecked()
    window.named_actions["compare"].trigger()
    window.restore_panel.switch.setChecked(False)  # off: the original again, at once
    assert doc.l_full is original and doc.restore is None
    window.restore_panel.switch.setChecked(True)  # on again: from the cache, no new run
    assert doc.restore is not None and window.restorer.cache.computed == 1
    wait_rendered(qtbot, window)


def test_a_photo_opened_with_the_switch_on_is_restored_too(qtbot, make_window, tmp_path):
    window = make_window(specked_photo(tmp_path / "first.png"))
    switch_on(qtbot, window)
    second = specked_photo(tmp_path / "second.png")
    with qtbot.waitSignal(window.restorer.task.finished, timeout=15000):
        assert window.files.open_photo(second)
    doc = window.doc
    assert doc.photo_path == second and doc.restore == RestoreOptions(tone="off")
    assert doc.original_l[15, 11] > 90 and abs(float(doc.l_full[15, 11]) - float(doc.l_full[15, 4])) < 3
    assert window.restorer.cache.computed == 2  # another photo: its own restoration
    wait_rendered(qtbot, window)


def test_batch_dialog_restores_and_remembers_the_option(qtbot, qsettings, tmp_path):
    from ideepcolor_app.gui.batch_dialog import QtBatchDialog

    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    specked_photo(source / "a.png")
    dialog = QtBatchDialog(qsettings, backend_name="levin", working_size=16)
    qtbot.addWidget(dialog)
    dialog.input_edit.setText(str(source))
    dialog.output_edit.setText(str(out))
    dialog.format_combo.setCurrentText("png")
    assert dialog.job().restore is None
    dialog.restore_check.setChecked(True)
    dialog.restore_tone.setCurrentIndex(dialog.restore_tone.findData("off"))
    assert dialog.job().restore == RestoreOptions(tone="off")
    with qtbot.waitSignal(dialog.batchFinished, timeout=20000) as blocker:
        assert dialog.start()
    assert blocker.args[0].done == [source / "a.png"]
    with Image.open(out / "a.png") as image:
        rgb = np.asarray(image.convert("RGB")).astype(int)
    assert abs(rgb[15, 11].mean() - rgb[15, 4].mean()) < 12  # restored before colourizing
    again = QtBatchDialog(qsettings, backend_name="levin", working_size=16)  # remembered
    qtbot.addWidget(again)
    assert again.job().restore == RestoreOptions(tone="off")
