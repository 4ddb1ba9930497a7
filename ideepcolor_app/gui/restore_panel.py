"""The Restore switch: restore the open photo (grain, dust, scratches, fading) before colouring it,
with the same options as ``ideepcolor restore``, and a button held to compare with the original.

The panel only says what the user wants; the main window runs the restoration off the GUI
thread (`ideepcolor_app.restore.RestoreCache`) and shows its outcome with `set_status`.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QPushButton, QWidget

from ideepcolor_app.restore import DEFAULT_STRENGTH, DEFAULT_TONE, STRENGTHS, TONES, RestoreOptions

TONE_TITLES = {"auto": "Auto (stretch a faded print)", "off": "Off (keep the tones)"}
STRENGTH_TITLES = {"low": "Low", "medium": "Medium", "high": "High"}


def restore_combos() -> tuple[QComboBox, QComboBox]:
    """The tone and strength combo boxes, on their defaults (the batch dialog uses them too)."""
    tone, strength = QComboBox(), QComboBox()
    for name in TONES:
        tone.addItem(TONE_TITLES[name], name)
    for name in STRENGTHS:
        strength.addItem(STRENGTH_TITLES[name], name)
    tone.setCurrentIndex(TONES.index(DEFAULT_TONE))
    strength.setCurrentIndex(STRENGTHS.index(DEFAULT_STRENGTH))
    strength.setToolTip("How small a contrast counts as dust or a scratch, and how much grain goes")
    return tone, strength


class QtRestorePanel(QWidget):
    """Restore switch, tone and strength, a hold-to-compare button and a status line.

    Signals:
        restoreChosen(object): a `RestoreOptions`, or None when the switch is turned off.
        compareHeld(bool): True while the compare button is held down (show the original).
    """

    restoreChosen = Signal(object)
    compareHeld = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.switch = QCheckBox("Restore old photo")
        self.switch.setToolTip("Reduce grain, fill dust and scratches, and fix fading before colourizing")
        self.tone, self.strength = restore_combos()
        self.compare = QPushButton("Hold to see the original")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addRow(self.switch)
        layout.addRow("Tone", self.tone)
        layout.addRow("Strength", self.strength)
        layout.addRow(self.compare)
        layout.addRow(self.status)
        self.switch.toggled.connect(self._chosen)
        self.tone.currentIndexChanged.connect(lambda _i: self._chosen() if self.switch.isChecked() else None)
        self.strength.currentIndexChanged.connect(lambda _i: self._chosen() if self.switch.isChecked() else None)
        self.compare.pressed.connect(lambda: self.compareHeld.emit(True))
        self.compare.released.connect(lambda: self.compareHeld.emit(False))
        self._sync_enabled()

    @property
    def options(self) -> RestoreOptions | None:
        """What the panel asks for: options when the switch is on, else None."""
        if not self.switch.isChecked():
            return None
        return RestoreOptions(tone=self.tone.currentData(), strength=self.strength.currentData())

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def _chosen(self, *_args) -> None:
        self._sync_enabled()
        self.restoreChosen.emit(self.options)

    def _sync_enabled(self) -> None:
        on = self.switch.isChecked()
        for widget in (self.tone, self.strength, self.compare):
            widget.setEnabled(on)
        if not on:
            self.status.setText("")
