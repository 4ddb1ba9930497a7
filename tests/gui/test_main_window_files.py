"""Opening, saving, sessions, errors and settings on the real main window."""

import json

import numpy as np
import tifffile
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from ideepcolor_app.engine.history import SetGlobalHints
from ideepcolor_app.hints import GlobalHints, HintPoint, Hints, load_hints, save_hints
from tests.gui.conftest import PHOTO_H, PHOTO_W, wait_rendered, write_photo

HIST = tuple([0.5, 0.5] + [0.0] * 527)


def edit_session(window):
    window.colour_panel.colourPicked.emit(10.0, -60.0)
    window.add_point(12.25, 40.75)
    window.doc.set_selected(None)
    window.colour_panel.colourPicked.emit(35.5, 20.0)
    window.doc.set_patch_size(7)
    window.add_point(80.5, 3.5)
    window.global_panel.saturation_on.setChecked(True)
    window.global_panel.saturation.setValue(62)


def test_save_and_reopen_session_restores_every_hint(qtbot, make_window, small_photo, qsettings):
    window = make_window(small_photo)
    edit_session(window)
    window.stack.push(SetGlobalHints(window.doc, GlobalHints(0.62, HIST), GlobalHints(0.62, HIST)))
    saved = window.doc.hints
    assert window.files.save_session()
    sidecar = small_photo.with_name("photo.hints.json")
    assert load_hints(sidecar) == saved
    data = json.loads(sidecar.read_text())
    assert data["points"][0] == {"x": 12.25, "y": 40.75, "ab": [10.0, -60.0], "size": 3}
    window.close()
    again = make_window(small_photo)  # opening the photo loads its sidecar
    assert again.doc.hints == saved
    assert again.global_panel.saturation_on.isChecked() and again.global_panel.histogram_on.isChecked()
    assert "with its hints" in again.statusBar().currentMessage()


def test_save_session_as_and_open_hints_onto_the_photo(qtbot, window, tmp_path):
    edit_session(window)
    saved = window.doc.hints
    target = tmp_path / "elsewhere" / "mine.hints.json"
    target.parent.mkdir()
    assert window.files.save_session(target)
    window.named_actions["clear"].trigger()
    window.global_panel.saturation_clear.click()
    assert window.doc.hints != saved
    assert window.files.open_hints(target)
    assert window.doc.hints == saved
    window.stack.undo()  # opening hints is one undoable step
    assert window.doc.hints.points == ()


def test_open_hints_for_another_photo_size_is_refused(qtbot, window, tmp_path, messages):
    path = tmp_path / "big.hints.json"
    save_hints(Hints(300, 200, (HintPoint(1.0, 1.0, (0.0, 0.0)),)), path)
    assert not window.files.open_hints(path)
    assert messages[-1][0] == "Cannot open hints" and "300x200" in messages[-1][1]
    assert window.doc.hints.points == ()


def test_broken_hints_file_shows_a_message(qtbot, window, tmp_path, messages):
    path = tmp_path / "broken.hints.json"
    path.write_text('{"version": 1, "image": {"width": 96, "height": 64}, "points": [], "colour": 3}')
    assert not window.files.open_hints(path)
    assert messages[-1][0] == "Cannot open hints" and "broken.hints.json" in messages[-1][1]
    window.add_point(5.5, 5.5)  # still usable
    assert len(window.doc.hints.points) == 1


def test_photo_with_a_broken_sidecar_opens_without_hints(qtbot, make_window, small_photo, messages):
    small_photo.with_name("photo.hints.json").write_text("{not json")
    window = make_window(small_photo)
    assert window.doc.photo_path == small_photo and window.doc.hints.points == ()
    assert messages[-1][0] == "Hints file ignored"


def test_unreadable_photo_shows_a_message_and_keeps_the_open_photo(qtbot, window, tmp_path, messages):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"this is not a jpeg")
    window.add_point(5.5, 5.5)
    token = window.doc.photo_token
    assert not window.files.open_photo(bad)
    assert messages[-1][0] == "Cannot open photo" and "bad.jpg" in messages[-1][1]
    assert window.doc.photo_token == token and len(window.doc.hints.points) == 1
    assert not window.files.open_photo(tmp_path / "missing.png")
    assert len(messages) == 2


def test_save_result_full_resolution_png_jpeg_tiff(qtbot, window, tmp_path):
    window.colour_panel.colourPicked.emit(10.0, -60.0)
    window.add_point(20.5, 20.5)
    wait_rendered(qtbot, window)
    for name in ("out.png", "out.jpg", "out.tif"):
        assert window.files.save_result(tmp_path / name)
        with Image.open(tmp_path / name) as image:
            assert image.size == (PHOTO_W, PHOTO_H)
    png = np.asarray(Image.open(tmp_path / "out.png")).astype(int)
    assert png[20, 20, 2] > png[20, 20, 0] + 40  # the hint's blue is in the saved file
    np.testing.assert_array_equal(png, window.canvas.result_image.image)  # small photo: preview = full
    tif = tifffile.imread(tmp_path / "out.tif")
    assert tif.dtype == np.uint16 and abs(int(tif[20, 20, 2]) // 257 - png[20, 20, 2]) <= 1


def test_save_result_never_overwrites_the_input(qtbot, window, small_photo, messages):
    before = small_photo.read_bytes()
    assert not window.files.save_result(small_photo)
    assert small_photo.read_bytes() == before
    assert messages[-1][0] == "Cannot save the result"


def test_drop_a_photo_or_a_hints_file(qtbot, window, tmp_path):
    other = write_photo(tmp_path / "dropped.png", seed=5)

    def drop(path):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        event = QDropEvent(
            QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
        window.dropEvent(event)

    drop(other)
    assert window.doc.photo_path == other
    hints = Hints(PHOTO_W, PHOTO_H, (HintPoint(3.0, 4.0, (5.0, 6.0)),))
    save_hints(hints, tmp_path / "some.hints.json")
    drop(tmp_path / "some.hints.json")
    assert window.doc.hints == hints


def test_settings_remember_backend_recent_files_folders_and_layout(qtbot, make_window, small_photo, tmp_path):
    window = make_window(small_photo, backend="levin")
    window.files.open_photo(write_photo(tmp_path / "second.png", seed=1))
    assert [a.text() for a in window.recent_menu.actions()] == [str(tmp_path / "second.png"), str(small_photo)]
    window.docks["global"].hide()
    window.close()
    again = make_window(None, backend=None)
    assert again.doc.backend_name == "levin"
    assert again.app_settings.folder("photo") == str(tmp_path)
    assert len(again.recent_menu.actions()) == 2
    assert again.docks["global"].isHidden()
    again.recent_menu.actions()[1].trigger()
    assert again.doc.photo_path == small_photo


def test_recent_file_that_vanished_is_dropped(qtbot, window, tmp_path, messages):
    gone = write_photo(tmp_path / "gone.png")
    window.files.open_photo(gone)
    gone.unlink()
    window.recent_menu.actions()[0].trigger()
    assert messages[-1][0] == "Cannot open photo"
    assert str(gone) not in window.app_settings.recent_files()


def test_batch_export_opens_the_batch_dialog(qtbot, window):
    window.doc.set_backend_name("levin")
    window.named_actions["batch"].trigger()
    dialog = window.batch_dialog
    assert dialog.isVisible()
    dialog.close()
