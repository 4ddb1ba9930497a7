"""What the main window's parts may use of it: the attributes and methods `file_actions`, `menus`,
`window_layout` and `view_toolbar` rely on, declared once.

`QtMainWindow` subclasses `QtWindowBase` and sets all of it (the layout, menus and toolbar
functions set their widgets on it). The parts are typed against this class, so they never import
the main window, and a type checker sees every attribute they use.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDockWidget, QLabel, QMainWindow, QMenu, QSlider

from ideepcolor_app.engine.colorizer import Colorizer
from ideepcolor_app.engine.document import Document
from ideepcolor_app.engine.history import UndoStack
from ideepcolor_app.gui.backend_panel import QtBackendPanel
from ideepcolor_app.gui.canvas import QtCanvas
from ideepcolor_app.gui.colour_panel import QtColourPanel
from ideepcolor_app.gui.compare import QtCompare
from ideepcolor_app.gui.global_hints_panel import QtGlobalHintsPanel
from ideepcolor_app.gui.points_panel import QtPointsPanel
from ideepcolor_app.gui.probe import QtProbe
from ideepcolor_app.gui.recovery import QtRecovery
from ideepcolor_app.gui.restore_panel import QtRestorePanel
from ideepcolor_app.gui.settings import QtAppSettings
from ideepcolor_app.hints import Hints

if TYPE_CHECKING:  # opened on demand (File › Batch export…, Help › About)
    from ideepcolor_app.gui.about_dialog import QtAboutDialog
    from ideepcolor_app.gui.batch_dialog import QtBatchDialog


class FileActions(Protocol):
    """The File menu's work (`file_actions.QtFileActions`), as the menus call it."""

    def confirm_discard(self, doing: str = ...) -> bool: ...
    def open_photo(self, path: Path, confirm: bool = ...) -> bool: ...
    def ask_open_photo(self) -> None: ...
    def ask_open_hints(self) -> None: ...
    def ask_reference_photo(self, use_histogram: bool = ...) -> None: ...
    def save_session(self, path: Path | None = ...) -> bool: ...
    def ask_save_session(self) -> bool: ...
    def ask_save_result(self) -> None: ...


class QtWindowBase(QMainWindow):
    """The main window as its parts see it; declarations only (`QtMainWindow` fills them in)."""

    # Set by the window itself.
    doc: Document
    stack: UndoStack
    colorizer: Colorizer
    app_settings: QtAppSettings
    recovery: QtRecovery
    files: FileActions
    compare: QtCompare
    probe: QtProbe
    # Set by `window_layout.build_widgets`.
    canvas: QtCanvas
    colour_panel: QtColourPanel
    backend_panel: QtBackendPanel
    global_panel: QtGlobalHintsPanel
    points_panel: QtPointsPanel
    restore_panel: QtRestorePanel
    size_slider: QSlider
    size_label: QLabel
    render_label: QLabel
    device_label: QLabel
    docks: dict[str, QDockWidget]
    # Set by `menus.build_menus` and `view_toolbar.build_view_toolbar`.
    named_actions: dict[str, QAction]
    recent_menu: QMenu
    edit_menu: QMenu
    view_menu: QMenu
    compare_combo: QComboBox
    batch_dialog: QtBatchDialog
    about_dialog: QtAboutDialog
    # The window's methods its parts call.
    report_error: Callable[[str, str], None]
    load_document: Callable[[np.ndarray, Path | None, Hints | None], None]
    start_folder: Callable[[str], str]
    update_recent: Callable[[list[str]], None]
    clear_points: Callable[[], None]
    delete_selected: Callable[[], None]
    _update_undo_actions: Callable[[], None]
