"""Backend choice, the Zhang temperature slider, and what the chosen backend ignores."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSizePolicy, QSlider, QWidget

from ideepcolor_app.engine.backends import BACKENDS
from ideepcolor_app.engine.document import Document

#: The temperature slider runs over TEMPERATURE_STEPS steps of 0.01: 0.01 ... 1.00.
TEMPERATURE_STEPS = 100

#: What the app calls each backend (the batch dialog uses the same names).
BACKEND_TITLES = {
    "hints": "Hints network (default)",
    "zhang": "Zhang ECCV16 (automatic)",
    "gan": "pix2pix GAN (automatic)",
    "fusion": "Semantic fusion (automatic)",
    "levin": "Classic propagation (Levin 2004)",
}


def fit_popup_to_items(combo: QComboBox) -> None:
    """Open the list wide enough for its longest name, however narrow the dock makes the box."""
    metrics = combo.view().fontMetrics()
    widest = max((metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
    scroll_bar = combo.view().verticalScrollBar().sizeHint().width()
    combo.view().setMinimumWidth(widest + 2 * metrics.averageCharWidth() + scroll_bar)


def ignored_hints_text(uses_local: bool, uses_global: bool, doc: Document) -> str:
    """Say which of the user's hints the backend does not use ("" when it uses them all)."""
    ignored = []
    if not uses_local:
        ignored.append(f"local points ({len(doc.hints.points)})" if doc.hints.points else "local points")
    if not uses_global:
        ignored.append("global hints")
    return "This backend ignores " + " and ".join(ignored) + "." if ignored else ""


class QtBackendPanel(QWidget):
    """Shows and edits the document's backend and temperature.

    Signals:
        backendChosen(str): the user picked a backend (the main window sets it on the document).
        temperatureChosen(float): the user moved the temperature slider.
    """

    backendChosen = Signal(str)
    temperatureChosen = Signal(float)

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.combo = QComboBox()
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(14)
        for name, cls in BACKENDS.items():
            self.combo.addItem(BACKEND_TITLES.get(name, name), name)
            self.combo.setItemData(self.combo.count() - 1, cls.description, Qt.ItemDataRole.ToolTipRole)
        fit_popup_to_items(self.combo)
        self.temperature = QSlider(Qt.Orientation.Horizontal)
        self.temperature.setRange(1, TEMPERATURE_STEPS)
        self.temperature_label = QLabel()
        self.weights_label = QLabel()
        self.weights_label.setWordWrap(True)
        self.ignored_label = QLabel()
        self.ignored_label.setWordWrap(True)
        self.ignored_label.setStyleSheet("color: #b35900;")
        self._form = layout = QFormLayout(self)
        layout.addRow(QLabel("Backend"))
        layout.addRow(self.combo)  # a row of its own: the full width of a narrow dock
        layout.addRow(self.temperature_label, self.temperature)
        layout.addRow(self.weights_label)
        layout.addRow(self.ignored_label)
        # Never squeezed below its height: the wrapped notes (weights, ignored hints) stay whole.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._facts: tuple[str, str, bool, bool] | None = None
        self._error: str | None = None
        self.combo.currentIndexChanged.connect(self._on_combo)
        self.temperature.valueChanged.connect(self._on_slider)
        doc.events.backend_name.connect(self._on_backend_name)
        doc.events.temperature.connect(self._on_temperature)
        doc.events.hints.connect(lambda _hints: self._update_labels())
        self._on_backend_name(doc.backend_name)
        self._on_temperature(doc.temperature)

    def set_backend_facts(self, name: str, weights_state: str, uses_local: bool, uses_global: bool) -> None:
        """What a render found out about the backend instance (weights, hints it uses)."""
        self._facts = (name, weights_state, uses_local, uses_global)
        self._error = None
        self._update_labels()

    def set_error(self, message: str | None) -> None:
        """Show why the chosen backend cannot render (e.g. missing weights), or clear it."""
        self._error = message
        self._update_labels()

    def _on_backend_name(self, name: str) -> None:
        self._error = None
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(self.combo.findData(name))
        self.combo.blockSignals(False)
        zhang = name == "zhang"
        self.temperature.setEnabled(zhang)
        self._form.setRowVisible(self.temperature, zhang)  # only the Zhang backend has a temperature
        self._update_labels()

    def _on_temperature(self, value: float) -> None:
        self.temperature.blockSignals(True)
        self.temperature.setValue(round(value * TEMPERATURE_STEPS))
        self.temperature.blockSignals(False)
        self.temperature_label.setText(f"Temperature {value:.2f}")

    def _on_combo(self, index: int) -> None:
        self.backendChosen.emit(self.combo.itemData(index))

    def _on_slider(self, value: int) -> None:
        self.temperatureChosen.emit(value / TEMPERATURE_STEPS)

    def _update_labels(self) -> None:
        name = self.doc.backend_name
        cls = BACKENDS[name]
        if self._facts is not None and self._facts[0] == name:
            _, weights, uses_local, uses_global = self._facts
        else:
            weights, uses_local, uses_global = "", cls.uses_local_hints, cls.uses_global_hints
        text = {
            "untrained": "<b>Untrained weights</b>: random initialisation, the colours are not a real colourization.",
            "none": "No weights: an optimisation, not a network.",
            "trained": "Trained weights.",
        }.get(weights, "")
        if self._error:
            text = f"<span style='color:#c00000'><b>Cannot render:</b> {html.escape(self._error)}</span>"
        self.weights_label.setText(text)
        self.ignored_label.setText(ignored_hints_text(uses_local, uses_global, self.doc))
