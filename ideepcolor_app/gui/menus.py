"""The main window's menus and shortcuts (File, Edit, View, Help).

The functions take the main window and use only its documented parts (`files`, `stack`,
`canvas`, `docks`, `app_settings`, ...: `window_base.QtWindowBase`); this module never imports
the main window, so imports go one way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from ideepcolor_app.gui.window_base import QtWindowBase

#: Help › Mouse and keys (the README's "Using the app" says the same).
CONTROLS_HELP = """<b>Points</b><br>
Left click on the photo: add a point. The chip at the cursor shows the colour it takes: the
chosen colour, or the one predicted there ("predicted"; Colour › Predicted colour goes back to it).<br>
Press on the photo: a loupe shows the pixels under the cursor and their L; at fit zoom, drag
and release to place the point exactly.<br>
Left click on a point: select it. Drag a point: move it (with the loupe). Right click a point or
Delete: remove it. Wheel over a point (or the Patch size slider): its patch size, 1 to 9.<br>
Points list: select, rename (double-click), hide the marker, recolour, copy/paste a colour, delete.<br><br>
<b>Strokes and object fills</b><br>
P: colour brush, drag to paint a stroke of the chosen colour (as wide as the patch size). F, or
Shift+click: outline the object under the click; click inside the outline to fill it, outside or
Esc to cancel. Click a stroke: select it (recolour, resize, Delete); drag it: move it.<br><br>
<b>Colours</b><br>
I: eyedropper, then click a point (its colour) or anywhere on the result (the colour there); the
selected point, or the next new point, takes it. Colour › Reference: pick from the reference photo.<br><br>
<b>Before/after</b><br>
B: split the result view; drag the line. The toolbar's "left" list chooses what is left of it:
the grey photo, the scan before restoration, or another backend's result.<br><br>
<b>Zoom and pan</b><br>
Wheel over the background: zoom. Ctrl+0: fit. Ctrl+1: 100 %. Ctrl++ / Ctrl+−: zoom in / out.<br>
Zoomed in: drag the background with the left button, drag with the middle button, or hold
Space and drag: pan. At fit zoom the whole photo is in view and nothing pans.<br><br>
<b>Damage mask</b> (Restore old photo on)<br>
Ctrl+Shift+D: show what restoration fills (red: found, blue: painted in, yellow: painted out).
Paint damage / Erase damage: drag on the photo to mark pixels to fill or to keep; each drag is
one undo step. Esc: back to colour points.<br><br>
<b>Edit</b><br>
Ctrl+Z undo, Ctrl+Shift+Z or Ctrl+Y redo. Ctrl+S saves the hints beside the photo, Ctrl+E
exports the colourized photo."""


def _action(window: QtWindowBase, menu, key: str, text: str, slot: Callable, shortcut=None) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    window.named_actions[key] = action
    return action


def build_menus(window: QtWindowBase) -> None:
    """Create the menu bar; every action is also in `window.named_actions` by key."""
    window.named_actions = {}
    files = window.files
    bar = window.menuBar()
    menu = bar.addMenu("&File")
    _action(window, menu, "open", "&Open photo…", files.ask_open_photo, QKeySequence.StandardKey.Open)
    _action(window, menu, "open_hints", "Open &hints…", files.ask_open_hints, "Ctrl+Shift+O")
    window.recent_menu = menu.addMenu("Open &recent")
    menu.addSeparator()
    _action(
        window,
        menu,
        "save_session",
        "&Save session (hints beside the photo)",
        files.save_session,
        QKeySequence.StandardKey.Save,
    )
    _action(window, menu, "save_session_as", "Save session &as…", files.ask_save_session, "Ctrl+Shift+S")
    _action(window, menu, "save_result", "&Export colourized photo…", files.ask_save_result, "Ctrl+E")
    _action(window, menu, "batch", "&Batch export…", lambda: open_batch_dialog(window), "Ctrl+B")
    menu.addSeparator()
    _action(window, menu, "quit", "&Quit", window.close, QKeySequence.StandardKey.Quit)

    menu = window.edit_menu = bar.addMenu("&Edit")
    _action(window, menu, "undo", "&Undo", window.stack.undo, QKeySequence.StandardKey.Undo)
    _action(window, menu, "redo", "&Redo", window.stack.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
    menu.addSeparator()
    _action(
        window, menu, "delete", "&Delete point", window.delete_selected, [QKeySequence.StandardKey.Delete, "Backspace"]
    )
    _action(window, menu, "clear", "&Clear all points", window.clear_points)
    _action(window, menu, "reference", "Load &reference photo…", files.ask_reference_photo)
    menu.addSeparator()
    panel = window.restore_panel
    for key, action in (("paint_damage", panel.paint_action), ("erase_damage", panel.erase_action)):
        menu.addAction(action)
        window.named_actions[key] = action
    points = _action(window, menu, "points_tool", "Back to colour &points", lambda: panel.set_tool(None), "Escape")
    points.setEnabled(False)  # only while a brush is chosen, so Escape is free otherwise
    panel.toolChosen.connect(lambda tool: points.setEnabled(tool is not None))

    menu = window.view_menu = bar.addMenu("&View")
    canvas = window.canvas
    _action(window, menu, "fit", "&Fit to window", canvas.fit, "Ctrl+0")
    _action(window, menu, "actual", "&100%", canvas.actual_size, "Ctrl+1")
    _action(window, menu, "zoom_in", "Zoom &in", lambda: canvas.zoom(1.25), QKeySequence.StandardKey.ZoomIn)
    _action(window, menu, "zoom_out", "Zoom &out", lambda: canvas.zoom(0.8), QKeySequence.StandardKey.ZoomOut)
    menu.addSeparator()
    menu.addAction(window.restore_panel.mask_action)
    window.named_actions["damage_mask"] = window.restore_panel.mask_action
    menu.addSeparator()
    for dock in window.docks.values():
        menu.addAction(dock.toggleViewAction())

    menu = bar.addMenu("&Help")
    _action(
        window,
        menu,
        "controls",
        "&Mouse and keys",
        lambda: show_controls(window),
        QKeySequence.StandardKey.HelpContents,
    )
    _action(window, menu, "about", "&About ideepcolor", lambda: show_about(window))
    fill_recent_menu(window, window.app_settings.recent_files())
    window._update_undo_actions()


def fill_recent_menu(window: QtWindowBase, files: list[str]) -> None:
    window.recent_menu.clear()
    for path in files:
        action = window.recent_menu.addAction(path)
        action.triggered.connect(lambda _checked=False, p=path: _open_recent(window, p))
    window.recent_menu.setEnabled(bool(files))


def _open_recent(window: QtWindowBase, path: str) -> None:
    if not window.files.confirm_discard():
        return
    if not window.files.open_photo(Path(path), confirm=False):
        window.app_settings.remove_recent_file(path)
        fill_recent_menu(window, window.app_settings.recent_files())


def open_batch_dialog(window: QtWindowBase):
    """File › Batch export…: the batch dialog, automatic per photo unless a backend was chosen there before."""
    try:
        from ideepcolor_app.gui.batch_dialog import QtBatchDialog
    except ImportError as err:
        window.report_error("Batch export unavailable", str(err))
        return None
    photo = window.doc.photo_path
    dialog = QtBatchDialog(
        settings=window.app_settings.qsettings,
        parent=window,
        working_size=window.doc.working_size,
        input_dir=None if photo is None else photo.parent,
    )
    window.batch_dialog = dialog
    dialog.show()
    return dialog


def show_about(window: QtWindowBase):
    """Help › About: version, each backend's model card, the licences."""
    from ideepcolor_app.gui.about_dialog import QtAboutDialog

    dialog = QtAboutDialog(window)
    window.about_dialog = dialog
    dialog.show()
    return dialog


def show_controls(window: QtWindowBase) -> None:
    """Help › Mouse and keys."""
    QMessageBox.information(window, "Mouse and keys", CONTROLS_HELP)
