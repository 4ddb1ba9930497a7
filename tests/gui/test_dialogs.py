"""Dialogs: one refusal on export over the input, where an export went, start folders, batch dialog."""

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ideepcolor_app.gui.backend_panel import BACKEND_TITLES


@pytest.fixture
def dialogs(monkeypatch):
    """File dialogs never open: each call is recorded and answered from `answers`."""
    calls, answers = [], []

    def record(kind):
        def dialog(parent, caption, folder="", filters="", *args, **kwargs):
            calls.append((kind, caption, str(folder), args, kwargs))
            return (answers.pop(0) if answers else "", "")

        return dialog

    monkeypatch.setattr(QFileDialog, "getSaveFileName", record("save"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", record("open"))
    monkeypatch.setattr(
        QFileDialog,
        "getExistingDirectory",
        lambda parent, caption, folder="", *a, **k: calls.append(("dir", caption, str(folder), a, k)) or "",
    )
    return calls, answers


def test_export_over_the_input_is_refused_once(qtbot, window, messages, dialogs, small_photo):
    calls, answers = dialogs
    answers.append(str(small_photo))
    before = small_photo.read_bytes()
    window.named_actions["save_result"].trigger()
    ((kind, _caption, _folder, args, _kwargs),) = calls
    assert QFileDialog.Option.DontConfirmOverwrite in QFileDialog.Option(args[-1])  # Qt's own "replace?" is off
    assert len(messages) == 1 and messages.questions == []  # our refusal, and nothing else
    assert messages[0][1].count("photo.png") == 1
    assert small_photo.read_bytes() == before


def test_export_says_where_the_file_went(qtbot, window, messages, dialogs, tmp_path):
    calls, answers = dialogs
    target = tmp_path / "out" / "result.png"
    target.parent.mkdir()
    answers.append(str(target))
    window.named_actions["save_result"].trigger()
    assert target.is_file()
    ((title, text),) = messages.infos
    assert "result.png" in text and str(target.parent) in text
    assert str(target) in window.statusBar().currentMessage()


def test_export_over_another_file_asks_once(qtbot, window, messages, dialogs, tmp_path):
    calls, answers = dialogs
    target = tmp_path / "old.png"
    target.write_bytes(b"old")
    answers.append(str(target))
    window.named_actions["save_result"].trigger()  # the question gets No (the default answer)
    assert len(messages.questions) == 1 and target.read_bytes() == b"old"
    answers.append(str(target))
    messages.answers.append(QMessageBox.StandardButton.Yes)
    window.named_actions["save_result"].trigger()
    assert target.read_bytes() != b"old"


def test_reference_dialogs_start_in_the_photos_folder(qtbot, window, dialogs, small_photo):
    calls, _ = dialogs
    window.named_actions["reference"].trigger()  # Edit › Load reference photo (histogram hint)
    window.colour_panel.reference.load_button.click()  # the eyedropper's Load reference…
    window.named_actions["open_hints"].trigger()
    folders = [Path(folder) for _kind, _caption, folder, _a, _k in calls]
    assert folders == [small_photo.parent] * 3


def test_reference_dialog_then_remembers_the_last_reference_folder(qtbot, window, dialogs, tmp_path):
    from PIL import Image

    calls, answers = dialogs
    folder = tmp_path / "refs"
    folder.mkdir()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(folder / "red.png")
    answers.append(str(folder / "red.png"))
    with qtbot.waitSignal(window.files.reference_task.finished, timeout=10000):
        window.named_actions["reference"].trigger()
    window.named_actions["reference"].trigger()
    assert Path(calls[-1][2]) == folder


def test_eyedropper_reference_loads_off_the_gui_thread(qtbot, window, tmp_path):
    from PIL import Image

    path = tmp_path / "blue.png"
    Image.new("RGB", (40, 30), (30, 60, 220)).save(path)
    picker = window.colour_panel.reference
    with qtbot.waitSignal(picker.loaded, timeout=10000) as loaded:
        picker.load_reference_async(path)
    assert loaded.args == [True] and picker.reference.rgb_u8.shape[:2] == (30, 40)
    a, b = picker.ab_at(10, 10)
    assert b < -40  # blue


def test_batch_dialog_starts_in_the_photos_folder_automatic_with_readable_backend_names(qtbot, window, small_photo):
    window.named_actions["batch"].trigger()
    dialog = window.batch_dialog
    qtbot.addWidget(dialog)
    assert Path(dialog.input_edit.text()) == small_photo.parent
    assert Path(dialog.output_edit.text()) == small_photo.parent / "colourized"
    names = [dialog.backend_combo.itemText(i) for i in range(dialog.backend_combo.count())]
    assert names[:2] == ["Automatic (per photo)", BACKEND_TITLES["hints"]] and "hints" not in names
    assert dialog.backend_name() == "auto"  # whatever the main window's backend


def test_batch_dialog_wraps_long_error_lines(qtbot):
    from ideepcolor_app.gui.batch_dialog import QtBatchDialog

    dialog = QtBatchDialog()
    qtbot.addWidget(dialog)
    dialog.resize(520, 460)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog._on_progress(1, 2, "/photos/broken.jpg", "failed", "cannot identify image file " * 12)
    qtbot.waitUntil(lambda: dialog.errors.count() == 1)
    assert dialog.errors.horizontalScrollBar().maximum() == 0
    item_height = dialog.errors.visualItemRect(dialog.errors.item(0)).height()
    assert item_height > 2 * dialog.errors.fontMetrics().height()  # wrapped over several lines


def test_an_export_uses_more_torch_threads_than_the_render_thread_and_restores_them():
    import numpy as np
    import torch

    from ideepcolor_app.engine.colorizer import Colorizer, RenderRequest
    from ideepcolor_app.engine.document import Document
    from tests.gui.conftest import FakeHintsBackend

    seen = []

    class Recording(FakeHintsBackend):
        def predict(self, cache, hints, temperature):
            seen.append(torch.get_num_threads())
            return super().predict(cache, hints, temperature)

    doc = Document(np.full((40, 60), 50.0, dtype=np.float32), working_size=16)
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # as the GUI's render thread leaves it
    try:
        rgb = Colorizer(lambda name: Recording()).render_full(RenderRequest.from_document(doc), threads=2)
        assert seen == [2] and rgb.shape == (40, 60, 3)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
