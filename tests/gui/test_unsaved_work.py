"""Unsaved hints are never lost: the modified mark, Save / Discard / Cancel, the recovery copy."""

import json

import pytest
from PySide6.QtWidgets import QMessageBox

from ideepcolor_app.hints import load_hints
from tests.gui.conftest import write_photo

BUTTON = QMessageBox.StandardButton


def test_title_carries_the_modified_mark(qtbot, window):
    assert "[*]" in window.windowTitle() and not window.isWindowModified()
    window.add_point(10.5, 10.5)
    assert window.isWindowModified() and window.doc.modified
    window.stack.undo()  # back to the saved hints: not modified any more
    assert not window.isWindowModified()
    window.stack.redo()
    assert window.files.save_session()
    assert not window.isWindowModified()


@pytest.mark.parametrize("answer", [BUTTON.Save, BUTTON.Discard, BUTTON.Cancel])
def test_opening_another_photo_asks_first(qtbot, window, messages, tmp_path, small_photo, answer):
    window.add_point(10.5, 10.5)
    edited = window.doc.hints
    other = write_photo(tmp_path / "other.png", seed=2)
    messages.answers.append(answer)
    opened = window.files.open_photo(other)
    assert len(messages.questions) == 1 and "photo.png" in messages.questions[0][1]
    sidecar = small_photo.with_name("photo.hints.json")
    if answer == BUTTON.Cancel:
        assert not opened and window.doc.photo_path == small_photo and window.doc.hints == edited
        assert window.isWindowModified() and not sidecar.exists()
    else:
        assert opened and window.doc.photo_path == other and not window.isWindowModified()
        assert sidecar.exists() == (answer == BUTTON.Save)
        if answer == BUTTON.Save:
            assert load_hints(sidecar) == edited


def test_no_question_without_changes(qtbot, window, messages, tmp_path):
    assert window.files.open_photo(write_photo(tmp_path / "other.png", seed=2))
    assert messages.questions == []


@pytest.mark.parametrize("answer", [BUTTON.Save, BUTTON.Discard, BUTTON.Cancel])
def test_quitting_asks_first(qtbot, window, messages, small_photo, answer):
    window.show()
    window.add_point(10.5, 10.5)
    messages.answers.append(answer)
    window.named_actions["quit"].trigger()
    assert len(messages.questions) == 1
    assert window.isVisible() == (answer == BUTTON.Cancel)
    assert small_photo.with_name("photo.hints.json").exists() == (answer == BUTTON.Save)


def test_open_recent_asks_and_cancel_keeps_the_entry(qtbot, window, messages, tmp_path):
    other = write_photo(tmp_path / "other.png", seed=2)
    window.files.open_photo(other)
    window.files.open_photo(window.app_settings.recent_files()[1])
    window.add_point(10.5, 10.5)
    messages.answers.append(BUTTON.Cancel)
    action = [a for a in window.recent_menu.actions() if a.text() == str(other.resolve())][0]
    action.trigger()
    assert window.doc.photo_path != other and str(other.resolve()) in window.app_settings.recent_files()


def test_recovery_after_a_crash(qtbot, make_window, small_photo, messages, tmp_path):
    crashed = make_window(small_photo)
    crashed.add_point(10.5, 10.5)
    crashed.colour_panel.colourPicked.emit(20.0, 30.0)
    with qtbot.waitSignal(crashed.recovery.written, timeout=5000):
        crashed.add_point(50.5, 30.5)
    lost = crashed.doc.hints
    copy = tmp_path / "recovery" / "unsaved_session.json"
    assert json.loads(copy.read_text())["photo"] == str(small_photo.resolve())
    # the process dies here: no closeEvent, no save; the next start finds the copy
    messages.answers.append(BUTTON.Yes)
    again = make_window(None)
    assert again.files.offer_recovery()
    assert again.doc.photo_path == small_photo.resolve() and again.doc.hints == lost
    assert again.isWindowModified() and "Restore" in messages.questions[-1][0]
    again.stack.undo()  # the restore is one undoable step
    assert again.doc.hints.points == ()


def test_recovery_question_comes_before_the_window_shows(qtbot, make_window, small_photo, messages, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ideepcolor_app.gui.app import open_main_window

    crashed = make_window(small_photo)
    with qtbot.waitSignal(crashed.recovery.written, timeout=5000):
        crashed.add_point(10.5, 10.5)
    built, seen = [], []
    answer = QMessageBox.question  # the `messages` fixture's stand-in

    def question(parent, title, text, *args, **kwargs):
        window = built[0]
        seen.append((window.isVisible(), window.windowTitle()))
        return answer(parent, title, text, *args, **kwargs)

    monkeypatch.setattr(QMessageBox, "question", question)
    messages.answers.append(BUTTON.Yes)
    shown = []
    window = open_main_window(
        make_window=lambda: built.append(make_window(None)) or built[0],
        on_shown=lambda: shown.append(built[0].isVisible()),
    )
    assert seen == [(False, seen[0][1])] and "untitled" in seen[0][1]  # asked with nothing on screen
    assert shown == [True] and window.isVisible()
    assert window.doc.photo_path == small_photo.resolve() and len(window.doc.hints.points) == 1


def test_recovery_declined_is_removed_and_a_clean_quit_leaves_none(qtbot, make_window, small_photo, messages, tmp_path):
    window = make_window(small_photo)
    with qtbot.waitSignal(window.recovery.written, timeout=5000):
        window.add_point(10.5, 10.5)
    copy = tmp_path / "recovery" / "unsaved_session.json"
    assert copy.exists()
    again = make_window(None)
    messages.answers.append(BUTTON.No)
    assert not again.files.offer_recovery() and not copy.exists()
    with qtbot.waitSignal(window.recovery.written, timeout=5000):
        window.add_point(20.5, 10.5)
    assert copy.exists()
    messages.answers.append(BUTTON.Discard)
    window.close()
    assert not copy.exists()
