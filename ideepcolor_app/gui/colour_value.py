"""The numeric value of the current colour: a swatch, L (read-only), a and b, and a hex code."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QDoubleSpinBox, QGridLayout, QLabel, QLineEdit, QWidget

from ideepcolor_app.color.swatch import hex_to_lab

AB_LIMIT = 110.0

HEX_TOOLTIP = (
    "sRGB hex code of the colour at this pixel's lightness. Typing a code keeps the photo's "
    "L (a hint only carries a and b): the code's a and b are used, so the colour you get may "
    "be lighter or darker than the code."
)


class QtColourValue(QWidget):
    """Shows the current colour as L, a, b and hex, and lets the user type a, b or hex.

    a and b are one pair: typing a, then Tab, then b emits once, when b is entered (Enter or
    focus leaving b), so that a is never snapped into the gamut alone before b is typed.

    Signals:
        abEdited(float, float): the user entered a and b (spin boxes: on Enter, on focus leaving
            the pair, or arrows) or a valid hex code (its a, b). Not clamped: the owner snaps
            the pair into the gamut. Never emitted by `show_colour`.
    """

    abEdited = Signal(float, float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.swatch = QLabel()
        self.swatch.setFixedSize(28, 28)
        self.l_label = QLabel("L –")
        self.l_label.setToolTip("CIELAB lightness of the selected point's pixel (from the photo)")
        self.a_spin = self._spin("a", "CIELAB a*: green (−) to red (+)")
        self.b_spin = self._spin("b", "CIELAB b*: blue (−) to yellow (+)")
        self.hex_edit = QLineEdit()
        self.hex_edit.setPlaceholderText("#rrggbb")
        self.hex_edit.setMaxLength(8)
        self.hex_edit.setFixedWidth(self.hex_edit.fontMetrics().horizontalAdvance("#predicted") + 14)
        self.typed_hex = ""  # the code of the last hex pick, until the next show_colour
        self._pair_pending = False  # one of a, b was entered and focus went to the other
        self.hex_edit.setToolTip(HEX_TOOLTIP)
        self.hex_edit.editingFinished.connect(self._on_hex_edited)
        layout = QGridLayout(self)  # two rows, so that nothing is clipped in a narrow dock
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.swatch, 0, 0, 2, 1)
        layout.addWidget(self.l_label, 0, 1, 1, 2)
        layout.addWidget(self.hex_edit, 0, 3, 1, 2)
        for column, widget in enumerate((QLabel("a"), self.a_spin, QLabel("b"), self.b_spin), start=1):
            layout.addWidget(widget, 1, column)
        layout.setColumnStretch(5, 1)
        self.show_colour(50.0, None, None)

    def _spin(self, name: str, tooltip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setObjectName(f"{name}_spin")
        spin.setRange(-AB_LIMIT, AB_LIMIT)
        spin.setDecimals(1)
        spin.setSingleStep(1.0)
        spin.setKeyboardTracking(False)  # emit on Enter / focus change, not on every keystroke
        spin.setToolTip(
            tooltip + "; a and b are checked together, once both are entered, and snapped into the displayable gamut"
        )
        spin.valueChanged.connect(lambda _value, s=spin: self._on_spin_changed(s))
        spin.editingFinished.connect(lambda s=spin: self._on_spin_finished(s))
        return spin

    def show_colour(self, l_value: float, ab: tuple[float, float] | None, hex_code: str | None) -> None:
        """Display a colour without emitting anything.

        Args:
            l_value: lightness shown (the pixel's L).
            ab: the colour, or None for no current colour.
            hex_code: ``#rrggbb`` of (l_value, ab), computed by the caller through color.swatch.
        """
        self.l_label.setText(f"L {l_value:.1f}")
        self._pair_pending = False
        for spin, value in ((self.a_spin, ab[0] if ab else 0.0), (self.b_spin, ab[1] if ab else 0.0)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self.hex_edit.blockSignals(True)
        self.hex_edit.setPlaceholderText("#rrggbb" if ab is not None else "predicted")
        self.swatch.setToolTip("" if ab is not None else "New points take the colour predicted at their pixel")
        self.hex_edit.setText(hex_code or "")
        self.hex_edit.setStyleSheet("")
        self.hex_edit.blockSignals(False)
        background = hex_code if hex_code else "transparent"
        self.swatch.setStyleSheet(f"background: {background}; border: 1px solid #808080;")

    def _other(self, spin: QDoubleSpinBox) -> QDoubleSpinBox:
        return self.b_spin if spin is self.a_spin else self.a_spin

    def _on_spin_changed(self, spin: QDoubleSpinBox) -> None:
        other = self._other(spin)
        focus = QApplication.focusWidget()
        if focus is not None and (focus is other or other.isAncestorOf(focus)):
            self._pair_pending = True  # the other half comes next: check the pair then
            return
        self._emit_pair()

    def _on_spin_finished(self, spin: QDoubleSpinBox) -> None:
        """Focus left a spin box (or Enter) without a new value: a half entered before counts now."""
        other = self._other(spin)
        focus = QApplication.focusWidget()
        if self._pair_pending and not (focus is not None and (focus is other or other.isAncestorOf(focus))):
            self._emit_pair()

    def _emit_pair(self) -> None:
        self._pair_pending = False
        self.typed_hex = ""
        self.abEdited.emit(float(self.a_spin.value()), float(self.b_spin.value()))

    def _on_hex_edited(self) -> None:
        text = self.hex_edit.text()
        if not self.hex_edit.isModified() or not text.strip():
            return  # focus left without an edit: the shown code is not a new pick
        self.hex_edit.setModified(False)
        try:
            _, a, b = hex_to_lab(text)
        except ValueError as err:
            self.hex_edit.setStyleSheet("border: 1px solid #d03030;")
            self.hex_edit.setToolTip(f"{err}\n\n{HEX_TOOLTIP}")
            return
        self.hex_edit.setToolTip(HEX_TOOLTIP)
        self.typed_hex = "#" + text.strip().lstrip("#").lower()
        self.abEdited.emit(a, b)
        self.typed_hex = ""
