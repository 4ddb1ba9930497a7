"""The Restore switch: restore the open photo (grain, dust, scratches, fading) before colouring it,
with the same options as ``ideepcolor restore``, a button that compares with the scan (the
before/after divider, the scan left of it),
and the damage mask's overlay switch and brushes (Paint damage / Erase damage, a size slider).

The panel only says what the user wants; the main window runs the restoration off the GUI
thread (`ideepcolor_app.restore.RestoreCache`) and shows its outcome with `set_status`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QToolButton,
    QWidget,
)

from ideepcolor_app.restore import DEFAULT_STRENGTH, DEFAULT_TONE, STRENGTHS, TONES, RestoreOptions

# Short enough for a narrow dock; the tooltip says more.
TONE_TITLES = {"auto": "Auto (fix fading)", "off": "Off (keep tones)"}
STRENGTH_TITLES = {"low": "Low", "medium": "Medium", "high": "High"}
#: Brush diameters in photo pixels: the slider's range and where it starts.
MAX_BRUSH_SIZE = 200
DEFAULT_BRUSH_SIZE = 12


class QtWrappedLabel(QLabel):
    """A word-wrapped label that never shows fewer lines than its text needs.

    Layouts ask a wrapped label for its height at a width (`heightForWidth`), but a longer text
    does not make the layouts above the panel ask again (only a change of minimum size does), so
    the status kept its old height and cut the text. This label keeps its minimum height at the
    height its text needs at its width.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        needed = max(0, self.heightForWidth(max(1, self.width())))
        if needed != self.minimumHeight():
            self.setMinimumHeight(needed)


def restore_combos() -> tuple[QComboBox, QComboBox]:
    """The tone and strength combo boxes, on their defaults (the batch dialog uses them too)."""
    tone, strength = QComboBox(), QComboBox()
    for name in TONES:
        tone.addItem(TONE_TITLES[name], name)
    for name in STRENGTHS:
        strength.addItem(STRENGTH_TITLES[name], name)
    tone.setToolTip("Auto stretches a faded print's range of tones; Off leaves the tones alone")
    tone.setCurrentIndex(TONES.index(DEFAULT_TONE))
    strength.setCurrentIndex(STRENGTHS.index(DEFAULT_STRENGTH))
    strength.setToolTip("How small a contrast counts as dust or a scratch, and how much grain goes")
    return tone, strength


class QtRestorePanel(QWidget):
    """Restore switch, tone and strength, a compare-with-the-scan button, the damage mask's overlay
    switch and brushes, and a status line.

    The overlay switch and the brushes are `QAction`s (`mask_action`, `paint_action`,
    `erase_action`) so that the View and Edit menus show the same ones with their shortcuts.
    Everything but the switch is disabled while restoration is off.

    Signals:
        restoreChosen(object): a `RestoreOptions`, or None when the switch is turned off.
        compareHeld(bool): the compare button was switched on (show the scan before restoration
            left of the before/after divider) or off.
        toolChosen(object): "add" (Paint damage), "remove" (Erase damage), or None (points).
        brushSizeChanged(int): the brush diameter, in photo pixels.
    """

    restoreChosen = Signal(object)
    compareHeld = Signal(bool)
    toolChosen = Signal(object)
    brushSizeChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.switch = QCheckBox("Restore old photo")
        self.switch.setToolTip("Reduce grain, fill dust and scratches, and fix fading before colourizing")
        self.tone, self.strength = restore_combos()
        for combo in (self.tone, self.strength):  # long item texts never widen the dock or clip
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.compare = QPushButton("Compare with the scan")
        self.compare.setCheckable(True)
        self.compare.setToolTip("Split the result view: the scan before restoration left of a line you drag")
        self._build_mask_controls()
        self.status = QtWrappedLabel()
        layout = QGridLayout(self)
        layout.setColumnStretch(1, 1)
        layout.setRowStretch(8, 1)  # the rows keep their heights at the top of a taller dock
        layout.addWidget(self.switch, 0, 0, 1, 3)
        self.tone_label, self.strength_label = QLabel("Tone"), QLabel("Strength")
        layout.addWidget(self.tone_label, 1, 0)
        layout.addWidget(self.tone, 1, 1, 1, 2)
        layout.addWidget(self.strength_label, 2, 0)
        layout.addWidget(self.strength, 2, 1, 1, 2)
        layout.addWidget(self.compare, 3, 0, 1, 3)
        layout.addWidget(self.mask_check, 4, 0, 1, 3)
        self.tools_title = QLabel("Brush")
        layout.addWidget(self.tools_title, 5, 0)
        tools = QHBoxLayout()
        tools.addWidget(self.paint_button, 1)
        tools.addWidget(self.erase_button, 1)
        layout.addLayout(tools, 5, 1, 1, 2)
        self.brush_title = QLabel("Size")
        layout.addWidget(self.brush_title, 6, 0)
        layout.addWidget(self.brush_slider, 6, 1)
        layout.addWidget(self.brush_label, 6, 2)
        layout.addWidget(self.status, 7, 0, 1, 3)
        self.switch.toggled.connect(self._chosen)
        self.tone.currentIndexChanged.connect(lambda _i: self._chosen() if self.switch.isChecked() else None)
        self.strength.currentIndexChanged.connect(lambda _i: self._chosen() if self.switch.isChecked() else None)
        self.compare.toggled.connect(self.compareHeld.emit)
        self._sync_enabled()

    def _build_mask_controls(self) -> None:
        self.mask_action = QAction("Show &damage mask", self)
        self.mask_action.setCheckable(True)
        self.mask_action.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.mask_action.setToolTip("Show what restoration fills: red found, blue painted in, yellow painted out")
        self.mask_check = QCheckBox("Show damage mask")
        self.mask_check.setToolTip(f"{self.mask_action.toolTip()} (Ctrl+Shift+D)")
        self.mask_action.toggled.connect(self.mask_check.setChecked)
        self.mask_check.toggled.connect(self.mask_action.setChecked)
        self.paint_action = QAction("&Paint damage", self)
        self.paint_action.setIconText("Paint")  # the panel's button, in its "Brush" row
        self.paint_action.setToolTip("Brush: mark pixels for restoration to fill (Esc: back to colour points)")
        self.erase_action = QAction("&Erase damage", self)
        self.erase_action.setIconText("Erase")
        self.erase_action.setToolTip(
            "Brush: keep pixels as they are where restoration would fill them (Esc: back to colour points)"
        )
        self.tool_group = QActionGroup(self)
        self.tool_group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        for action in (self.paint_action, self.erase_action):
            action.setCheckable(True)
            self.tool_group.addAction(action)
            action.toggled.connect(lambda _checked: self.toolChosen.emit(self.tool))
        self.paint_button, self.erase_button = QToolButton(), QToolButton()
        for button, action in ((self.paint_button, self.paint_action), (self.erase_button, self.erase_action)):
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.brush_slider = QSlider(Qt.Orientation.Horizontal)
        self.brush_slider.setRange(1, MAX_BRUSH_SIZE)
        self.brush_slider.setValue(DEFAULT_BRUSH_SIZE)
        self.brush_slider.setToolTip("Brush diameter in photo pixels")
        self.brush_label = QLabel()
        self.brush_label.setMinimumWidth(self.brush_label.fontMetrics().horizontalAdvance("999 px"))
        self.brush_slider.valueChanged.connect(self._on_brush_size)
        self._on_brush_size(self.brush_slider.value())

    @property
    def options(self) -> RestoreOptions | None:
        """What the panel asks for: options when the switch is on, else None."""
        if not self.switch.isChecked():
            return None
        return RestoreOptions(tone=self.tone.currentData(), strength=self.strength.currentData())

    @property
    def tool(self) -> str | None:
        """The brush chosen: "add", "remove", or None (clicks add colour points)."""
        return "add" if self.paint_action.isChecked() else "remove" if self.erase_action.isChecked() else None

    @property
    def brush_radius(self) -> float:
        """The brush radius in photo pixels."""
        return self.brush_slider.value() / 2

    def set_tool(self, tool: str | None) -> None:
        """Choose a brush ("add" / "remove") or go back to colour points (None)."""
        self.paint_action.setChecked(tool == "add")
        self.erase_action.setChecked(tool == "remove")

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def _on_brush_size(self, value: int) -> None:
        self.brush_label.setText(f"{value} px")
        self.brushSizeChanged.emit(value)

    def _chosen(self, *_args) -> None:
        self._sync_enabled()
        self.restoreChosen.emit(self.options)

    def _sync_enabled(self) -> None:
        on = self.switch.isChecked()
        if not on:
            self.set_tool(None)
        for widget in (
            self.tone_label,
            self.tone,
            self.strength_label,
            self.strength,
            self.compare,
            self.mask_check,
            self.tools_title,
            self.brush_title,
            self.brush_slider,
            self.brush_label,
        ):
            widget.setEnabled(on)
        for action in (self.mask_action, self.paint_action, self.erase_action):
            action.setEnabled(on)
        if not on:
            self.status.setText("")
