"""The view toolbar over the photos: before/after divider, what it compares, the eyedropper.

Functions on the main window (which has `compare`, `probe`, `named_actions` and a View menu), kept
apart from the window's wiring like `menus.py`; the actions are also in the View menu.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar

from ideepcolor_app.gui.compare import source_title

if TYPE_CHECKING:
    from ideepcolor_app.gui.window_base import QtWindowBase


def build_view_toolbar(window: QtWindowBase, view_menu) -> QToolBar:
    """Add the toolbar and its View menu entries; returns the toolbar."""
    bar = QToolBar("View", window)
    bar.setObjectName("toolbar_view")
    bar.setMovable(False)
    window.addToolBar(bar)
    compare = _checkable(
        window,
        "compare",
        "&Before/after",
        "B",
        "Split the result view: the photo before colouring left of a line you drag, the colour result right of it",
    )
    compare.toggled.connect(window.compare.set_enabled)
    window.compare.enabledChanged.connect(lambda on: _set_checked(compare, on))
    eyedropper = _checkable(
        window,
        "eyedropper",
        "&Eyedropper",
        "I",
        "Take a colour for the selected point (or new points): click a point, or anywhere on the result",
    )
    eyedropper.toggled.connect(window.probe.set_eyedropper)
    window.probe.eyedropperChanged.connect(lambda on: _set_checked(eyedropper, on))
    window.compare_combo = combo = QComboBox()
    combo.setToolTip("What the left side of the before/after view shows")
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.activated.connect(lambda index: window.compare.set_source(combo.itemData(index)))
    window.compare.sourceChanged.connect(lambda _source: fill_sources(window))
    window.doc.events.backend_name.connect(lambda _name: fill_sources(window))
    window.doc.events.lightness.connect(lambda _restore: fill_sources(window))
    bar.addAction(compare)
    bar.addWidget(QLabel(" left: "))
    bar.addWidget(combo)
    bar.addSeparator()
    bar.addAction(eyedropper)
    view_menu.addSeparator()
    view_menu.addAction(compare)
    view_menu.addAction(eyedropper)
    window.colour_panel.set_eyedropper_action(eyedropper)
    fill_sources(window)
    return bar


def fill_sources(window: QtWindowBase) -> None:
    """List what the left side can show now, the current one selected."""
    combo = window.compare_combo
    combo.blockSignals(True)
    combo.clear()
    for source in window.compare.sources():
        combo.addItem(source_title(source), source)
    combo.setCurrentIndex(max(0, combo.findData(window.compare.source)))
    combo.blockSignals(False)


def _checkable(window: QtWindowBase, key: str, text: str, shortcut: str, tip: str) -> QAction:
    action = QAction(text, window)
    action.setCheckable(True)
    action.setShortcut(QKeySequence(shortcut))
    action.setToolTip(f"{tip} ({shortcut})")
    action.setStatusTip(tip)
    window.named_actions[key] = action
    return action


def _set_checked(action: QAction, on: bool) -> None:
    action.blockSignals(True)
    action.setChecked(on)
    action.blockSignals(False)
