"""The main window's menus and shortcuts (File, Edit, View)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from ideepcolor_app.gui.main_window import QtMainWindow


def _action(window: "QtMainWindow", menu, key: str, text: str, slot: Callable, shortcut=None) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    window.actions[key] = action
    return action


def build_menus(window: "QtMainWindow") -> None:
    """Create the menu bar; every action is also in `window.actions` by key."""
    window.actions = {}
    files = window.files
    bar = window.menuBar()
    menu = bar.addMenu("&File")
    _action(window, menu, "open", "&Open photo…", files.ask_open_photo, QKeySequence.StandardKey.Open)
    _action(window, menu, "open_hints", "Open &hints…", files.ask_open_hints, "Ctrl+Shift+O")
    window.recent_menu = menu.addMenu("Open &recent")
    menu.addSeparator()
    _action(window, menu, "save_session", "&Save session (hints beside the photo)", files.save_session,
            QKeySequence.StandardKey.Save)
    _action(window, menu, "save_session_as", "Save session &as…", files.ask_save_session, "Ctrl+Shift+S")
    _action(window, menu, "save_result", "&Export colourized photo…", files.ask_save_result, "Ctrl+E")
    _action(window, menu, "batch", "&Batch export…", lambda: open_batch_dialog(window), "Ctrl+B")
    menu.addSeparator()
    _action(window, menu, "quit", "&Quit", window.close, QKeySequence.StandardKey.Quit)

    menu = bar.addMenu("&Edit")
    _action(window, menu, "undo", "&Undo", window.stack.undo, QKeySequence.StandardKey.Undo)
    _action(window, menu, "redo", "&Redo", window.stack.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
    menu.addSeparator()
    _action(window, menu, "delete", "&Delete point", window.delete_selected, [QKeySequence.StandardKey.Delete, "Backspace"])
    _action(window, menu, "clear", "&Clear all points", window.clear_points)
    _action(window, menu, "reference", "Load &reference photo…", window.ask_reference_photo)

    menu = bar.addMenu("&View")
    canvas = window.canvas
    _action(window, menu, "fit", "&Fit to window", canvas.fit, "Ctrl+0")
    _action(window, menu, "actual", "&100%", canvas.actual_size, "Ctrl+1")
    _action(window, menu, "zoom_in", "Zoom &in", lambda: canvas.zoom(1.25), QKeySequence.StandardKey.ZoomIn)
    _action(window, menu, "zoom_out", "Zoom &out", lambda: canvas.zoom(0.8), QKeySequence.StandardKey.ZoomOut)
    menu.addSeparator()
    for dock in window.docks.values():
        menu.addAction(dock.toggleViewAction())
    fill_recent_menu(window, window.app_settings.recent_files())
    window._update_undo_actions()


def fill_recent_menu(window: "QtMainWindow", files: list[str]) -> None:
    window.recent_menu.clear()
    for path in files:
        action = window.recent_menu.addAction(path)
        action.triggered.connect(lambda _checked=False, p=path: _open_recent(window, p))
    window.recent_menu.setEnabled(bool(files))


def _open_recent(window: "QtMainWindow", path: str) -> None:
    if not window.files.open_photo(Path(path)):
        window.app_settings.remove_recent_file(path)
        fill_recent_menu(window, window.app_settings.recent_files())


def open_batch_dialog(window: "QtMainWindow"):
    """File › Batch export…: the batch dialog, with the current backend preselected."""
    try:
        from ideepcolor_app.gui.batch_dialog import QtBatchDialog
    except ImportError as err:
        window.report_error("Batch export unavailable", str(err))
        return None
    dialog = QtBatchDialog(settings=window.app_settings.qsettings, backend_name=window.doc.backend_name, parent=window,
                           working_size=window.doc.working_size)
    window.batch_dialog = dialog
    dialog.show()
    return dialog
