"""How the main window is laid out: its widgets and docks, its first size, the docks' widths.

Functions on the main window (they use its `doc` and `app_settings`), kept apart from the
window's wiring; they set the attributes the window and its tests use (`canvas`, `docks`, ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QSizePolicy, QSlider, QVBoxLayout, QWidget

from ideepcolor_app.gui.backend_panel import QtBackendPanel
from ideepcolor_app.gui.canvas import QtCanvas
from ideepcolor_app.gui.colour_panel import QtColourPanel
from ideepcolor_app.gui.global_hints_panel import QtGlobalHintsPanel
from ideepcolor_app.gui.points_panel import QtPointsPanel
from ideepcolor_app.gui.restore_panel import QtRestorePanel

if TYPE_CHECKING:
    from ideepcolor_app.gui.window_base import QtWindowBase

#: Share of the screen a first window takes (later runs restore the user's size).
SCREEN_SHARE = 0.85
#: Least widths and shares of the window of the left and right docks on first launch: the
#: photos get the rest (about 60 % of a 1360-pixel window).
DOCK_WIDTHS = (240, 300)
DOCK_SHARES = (0.17, 0.22)


def restore_layout(window: QtWindowBase) -> bool:
    """The user's last geometry and layout, else about 85 % of the screen, centred.

    Returns:
        True when no dock layout was restored (then `size_docks` runs once the window shows).
    """
    geometry, state = window.app_settings.geometry()
    if geometry is None or not window.restoreGeometry(geometry):
        screen = window.screen().availableGeometry() if window.screen() is not None else QRect(0, 0, 1280, 800)
        width, height = round(screen.width() * SCREEN_SHARE), round(screen.height() * SCREEN_SHARE)
        window.setGeometry(
            screen.x() + (screen.width() - width) // 2, screen.y() + (screen.height() - height) // 2, width, height
        )
    return state is None or not window.restoreState(state)


def build_widgets(window: QtWindowBase) -> None:
    """The central photo views, the docks and the status bar's labels."""
    window.canvas = QtCanvas()
    window.canvas.set_working_size(window.doc.working_size)
    window.setCentralWidget(window.canvas)
    window.colour_panel = QtColourPanel()
    window.backend_panel = QtBackendPanel(window.doc)
    window.global_panel = QtGlobalHintsPanel(window.doc)
    window.points_panel = QtPointsPanel()
    window.size_slider = QSlider(Qt.Orientation.Horizontal)
    window.size_slider.setRange(1, 9)
    window.size_slider.setValue(window.doc.patch_size)
    window.size_label = QLabel()
    window.size_label.setMinimumWidth(window.size_label.fontMetrics().horizontalAdvance("99"))
    points_box = QWidget()
    row = QHBoxLayout()
    row.addWidget(QLabel("Patch size"))
    row.addWidget(window.size_slider)
    row.addWidget(window.size_label)
    column = QVBoxLayout(points_box)
    column.addLayout(row)
    column.addWidget(window.backend_panel)
    column.addStretch(1)
    window.restore_panel = QtRestorePanel()
    window.docks = {}
    for key, title, widget, area in (
        ("colour", "Colour", window.colour_panel, Qt.DockWidgetArea.RightDockWidgetArea),
        ("restore", "Restore", window.restore_panel, Qt.DockWidgetArea.RightDockWidgetArea),
        ("render", "Points and backend", points_box, Qt.DockWidgetArea.LeftDockWidgetArea),
        ("global", "Global hints", window.global_panel, Qt.DockWidgetArea.LeftDockWidgetArea),
        ("points", "Points list", window.points_panel, Qt.DockWidgetArea.LeftDockWidgetArea),
    ):
        dock = QDockWidget(title, window)
        dock.setObjectName(f"dock_{key}")
        widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # text never widens a dock
        dock.setWidget(widget)
        window.addDockWidget(area, dock)
        window.docks[key] = dock
    # The points list and the global hints share the lower left as tabs, the list in front:
    # three docks stacked there left the list a few rows high.
    window.tabifyDockWidget(window.docks["global"], window.docks["points"])
    window.docks["points"].raise_()
    # Its controls are never squeezed below their height (the panel grows with its status).
    window.restore_panel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    window.render_label = QLabel("loading…")
    window.render_label.setMinimumWidth(window.render_label.fontMetrics().horizontalAdvance("render 9999 ms …  "))
    window.device_label = QLabel("loading the network…")
    window.statusBar().addPermanentWidget(window.render_label)
    window.statusBar().addPermanentWidget(window.device_label)


def size_docks(window: QtWindowBase) -> None:
    """Give the docks their first-launch widths for the window's present width."""
    widths = [max(w, round(window.width() * share)) for w, share in zip(DOCK_WIDTHS, DOCK_SHARES, strict=True)]
    window.resizeDocks([window.docks["render"], window.docks["colour"]], widths, Qt.Orientation.Horizontal)
