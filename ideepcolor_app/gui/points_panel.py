"""The points list: every colour point with its swatch, name, position and size.

Selecting a row selects the point; the list renames a point (double-click its name), shows or
hides its marker (the check box; a hidden point still colours the photo), recolours it (with
the colour chosen in the Colour panel, the predicted colour, a colour dialog, or a colour
copied from another point) and deletes it. Names and hidden markers are the app's own notes
(`engine.point_labels`): the hints file does not store them.

The panel draws the rows it is given (`set_rows`) and emits intents; it keeps no document state.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

SHOWN, NAME, POSITION, SIZE = range(4)


@dataclass(frozen=True)
class PointRow:
    """One row: the point's name, its colour as drawn (sRGB), position (photo pixels) and size."""

    title: str
    rgb: tuple[int, int, int]
    x: float
    y: float
    size: int
    hidden: bool


class QtPointsPanel(QWidget):
    """A table of the document's points and the buttons that act on the selected one.

    Signals:
        pointSelected(int): a row was selected (-1: none).
        renamed(int, str): point i was given a name ("" goes back to "Point <n>").
        hiddenChosen(int, bool): point i's marker is to be hidden (True) or shown.
        recolourChosen(int, str): recolour point i: "current" (the Colour panel's colour),
            "predicted" (what the network predicts there without the point), "paste" (the
            copied colour).
        colourPicked(int, str): recolour point i with an sRGB "#rrggbb" from the colour dialog.
        copied(int): copy point i's colour (for "paste" on another point).
        deleted(int): delete point i.
    """

    pointSelected = Signal(int)
    renamed = Signal(int, str)
    hiddenChosen = Signal(int, bool)
    recolourChosen = Signal(int, str)
    colourPicked = Signal(int, str)
    copied = Signal(int)
    deleted = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PointRow] = []
        self._icons: dict[tuple[int, int, int], QIcon] = {}
        self._updating = False
        self.can_paste = False
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["", "Name", "x, y", "Size"])
        for column, tip in (
            (SHOWN, "Shown: untick to hide a point's marker"),
            (POSITION, "Position in photo pixels (from the top left)"),
            (SIZE, "Patch size, 1-9"),
        ):
            heading = self.table.horizontalHeaderItem(column)
            assert heading is not None  # made by setHorizontalHeaderLabels
            heading.setToolTip(tip)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)  # one line a point: long names are elided
        header = self.table.horizontalHeader()
        for column, mode in (
            (SHOWN, QHeaderView.ResizeMode.ResizeToContents),
            (NAME, QHeaderView.ResizeMode.Stretch),
            (POSITION, QHeaderView.ResizeMode.ResizeToContents),
            (SIZE, QHeaderView.ResizeMode.ResizeToContents),
        ):
            header.setSectionResizeMode(column, mode)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(
            lambda pos: self._menu().exec(self.table.viewport().mapToGlobal(pos))
        )
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.table.itemChanged.connect(self._on_item_changed)
        self.rename_button = QPushButton("Rename")
        self.recolour_button = QToolButton()
        self.recolour_button.setText("Recolour")
        self.recolour_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.delete_button = QPushButton("Delete")
        self.rename_button.clicked.connect(self._rename_selected)
        self.delete_button.clicked.connect(lambda: self._emit_for_selected(self.deleted))
        self.recolour_menu = QMenu(self)
        self.recolour_menu.aboutToShow.connect(lambda: self._fill(self.recolour_menu, recolour_only=True))
        self.recolour_button.setMenu(self.recolour_menu)
        buttons = QHBoxLayout()
        for widget in (self.rename_button, self.recolour_button, self.delete_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._sync_buttons()

    # -- the owner's side ---------------------------------------------------------------------

    def set_rows(self, rows: list[PointRow], selected: int | None) -> None:
        """Show `rows` (one per point, in point order) with row `selected` selected; only rows
        that changed are redrawn (a drag changes one row per step)."""
        self._updating = True
        try:
            drawn: list[PointRow | None] = list(self._rows)
            if self.table.rowCount() != len(rows):
                self.table.setRowCount(len(rows))
                drawn = [None] * len(rows)
            for index, row in enumerate(rows):
                if drawn[index] != row:
                    self._draw_row(index, row)
            self._rows = list(rows)
            self.set_selected(selected)
        finally:
            self._updating = False
        self._sync_buttons()

    def set_selected(self, index: int | None) -> None:
        """Select row `index` (None: no row) without emitting `pointSelected`."""
        self.table.blockSignals(True)
        if index is None or not 0 <= index < self.table.rowCount():
            self.table.clearSelection()
        elif self.selected_row() != index:
            # The name is the current cell: F2 renames, and typing never toggles the tick box.
            self.table.setCurrentCell(
                index, NAME, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
            name = self.table.item(index, NAME)
            if name is not None:
                self.table.scrollToItem(name)
        self.table.blockSignals(False)
        self._sync_buttons()

    def selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def rows(self) -> list[PointRow]:
        return list(self._rows)

    # -- internals -----------------------------------------------------------------------------

    def _icon(self, rgb: tuple[int, int, int]) -> QIcon:
        if rgb not in self._icons:
            pixmap = QPixmap(14, 14)
            pixmap.fill(QColor(*rgb))
            self._icons[rgb] = QIcon(pixmap)
        return self._icons[rgb]

    def _draw_row(self, index: int, row: PointRow) -> None:
        shown = QTableWidgetItem()
        shown.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        shown.setCheckState(Qt.CheckState.Unchecked if row.hidden else Qt.CheckState.Checked)
        shown.setToolTip("Show the point's marker (a hidden point still colours the photo)")
        name = QTableWidgetItem(self._icon(row.rgb), row.title)
        name.setToolTip("Double-click to rename")
        position = QTableWidgetItem(f"{int(row.x)}, {int(row.y)}")
        size = QTableWidgetItem(str(row.size))
        for item in (position, size):
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for column, item in ((SHOWN, shown), (NAME, name), (POSITION, position), (SIZE, size)):
            self.table.setItem(index, column, item)

    def _on_selection(self) -> None:
        self._sync_buttons()
        if not self._updating:
            row = self.selected_row()
            self.pointSelected.emit(-1 if row is None else row)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._updating or not 0 <= item.row() < len(self._rows):
            return
        row = self._rows[item.row()]
        if item.column() == NAME and item.text() != row.title:
            self.renamed.emit(item.row(), item.text().strip())
        elif item.column() == SHOWN:
            hidden = item.checkState() != Qt.CheckState.Checked
            if hidden != row.hidden:
                self.hiddenChosen.emit(item.row(), hidden)

    def _rename_selected(self) -> None:
        row = self.selected_row()
        name = None if row is None else self.table.item(row, NAME)
        if name is not None:
            self.table.editItem(name)

    def _emit_for_selected(self, signal, *args) -> None:
        row = self.selected_row()
        if row is not None:
            signal.emit(row, *args)

    def _choose_colour(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        colour = QColorDialog.getColor(QColor(*self._rows[row].rgb), self, "Recolour point")
        if colour.isValid():
            self.colourPicked.emit(row, colour.name())

    def _menu(self) -> QMenu:
        """The right-click menu, for the selected row as it is now."""
        return self._fill(QMenu(self))

    def _fill(self, menu: QMenu, recolour_only: bool = False) -> QMenu:
        menu.clear()
        row = self.selected_row()
        has = row is not None
        entries = [
            ("With the chosen colour", lambda: self._emit_for_selected(self.recolourChosen, "current"), has),
            ("With the predicted colour", lambda: self._emit_for_selected(self.recolourChosen, "predicted"), has),
            ("Pick a colour…", self._choose_colour, has),
            ("Copy colour", lambda: self._emit_for_selected(self.copied), has),
            ("Paste colour", lambda: self._emit_for_selected(self.recolourChosen, "paste"), has and self.can_paste),
        ]
        if not recolour_only:
            hidden = row is not None and self._rows[row].hidden
            entries = (
                [("Rename", self._rename_selected, has)]
                + entries
                + [
                    (
                        "Show marker" if hidden else "Hide marker",
                        lambda: self._emit_for_selected(self.hiddenChosen, not hidden),
                        has,
                    ),
                    ("Delete", lambda: self._emit_for_selected(self.deleted), has),
                ]
            )
        for text, slot, enabled in entries:
            action = menu.addAction(text)
            action.triggered.connect(lambda _checked=False, s=slot: s())
            action.setEnabled(enabled)
        return menu

    def _sync_buttons(self) -> None:
        has = self.selected_row() is not None
        for widget in (self.rename_button, self.recolour_button, self.delete_button):
            widget.setEnabled(has)
