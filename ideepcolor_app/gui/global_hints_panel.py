"""Global hints: a reference photo's colour histogram and a saturation level, each switchable.

The reference photo is the window's one reference (also the Colour panel's eyedropper photo):
the panel shows its thumbnail and name. The saturation is the mean HSV saturation (0-1) of
the photos the network was trained on, which it takes as a nudge: on the shipped network 0
mutes the colours to about 70 % of its own choice, it does not make the photo grey
(tests/engine/test_saturation_hint.py), so the panel says so rather than promise grey.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from ideepcolor_app.engine.document import Document
from ideepcolor_app.engine.swatches import histogram_image
from ideepcolor_app.hints import GlobalHints, Hints

#: The saturation slider runs over 0 ... SATURATION_STEPS (saturation = value / SATURATION_STEPS).
SATURATION_STEPS = 100
DEFAULT_SATURATION = 0.35
#: What the saturation scale means (shown under the slider).
SATURATION_NOTE = (
    "The photo's mean saturation (HSV, 0–1) the network aims for. A nudge, not a "
    "setting: 0 mutes the colours, it does not make the photo grey."
)
THUMB_SIZE = (180, 96)


class QtGlobalHintsPanel(QWidget):
    """Shows the document's global hints; emits what the user wants changed.

    Signals:
        loadReferenceRequested(): "Load reference photo…" was pressed.
        globalHintsChosen(object, object, str, object): (active GlobalHints, remembered
            GlobalHints, undo text, merge key) for a SetGlobalHints command.
    """

    loadReferenceRequested = Signal()
    globalHintsChosen = Signal(object, object, str, object)

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self._slider_drag = 0
        self._shown: GlobalHints | None = None  # the active global hints the widgets show
        self.load_button = QPushButton("Load reference photo…")
        self.load_button.setToolTip(
            "One reference photo for both uses: its colours as the histogram hint, "
            "and the Colour panel's Reference tab to pick colours from"
        )
        self.reference_thumb = QLabel()
        self.reference_thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reference_thumb.hide()
        self.reference_name = QLabel("No reference photo.")
        self.reference_name.setWordWrap(True)
        self.reference_name.setStyleSheet("color: #808080;")
        self.histogram_on = QCheckBox("Use histogram")
        self.histogram_clear = QPushButton("Clear")
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setXRange(-115, 115, padding=0)
        self.plot.setYRange(-115, 115, padding=0)
        self.plot.setLabel("bottom", "a*")
        self.plot.setLabel("left", "b*")
        self.plot.setFixedHeight(190)
        self.plot_image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.plot_image)
        self.saturation_on = QCheckBox("Use saturation")
        self.saturation = QSlider(Qt.Orientation.Horizontal)
        self.saturation.setRange(0, SATURATION_STEPS)
        self.saturation_label = QLabel()
        self.saturation_label.setMinimumWidth(self.saturation_label.fontMetrics().horizontalAdvance("0.00 (off)") + 4)
        self.saturation_note = QLabel(SATURATION_NOTE)
        self.saturation_note.setWordWrap(True)
        self.saturation_note.setStyleSheet("color: #808080;")
        self.saturation_clear = QPushButton("Clear")

        hist_box = QGroupBox("Colour histogram (reference photo)")
        grid = QGridLayout(hist_box)
        grid.addWidget(self.load_button, 0, 0, 1, 2)
        grid.addWidget(self.reference_thumb, 1, 0, 1, 2)
        grid.addWidget(self.reference_name, 2, 0, 1, 2)
        grid.addWidget(self.histogram_on, 3, 0)
        grid.addWidget(self.histogram_clear, 3, 1)
        grid.addWidget(self.plot, 4, 0, 1, 2)
        sat_box = QGroupBox("Saturation")
        grid = QGridLayout(sat_box)
        grid.addWidget(self.saturation_on, 0, 0)
        grid.addWidget(self.saturation_clear, 0, 1)
        grid.addWidget(self.saturation, 1, 0)
        grid.addWidget(self.saturation_label, 1, 1)
        grid.addWidget(self.saturation_note, 2, 0, 1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(hist_box)
        layout.addWidget(sat_box)
        layout.addStretch(1)

        self.load_button.clicked.connect(self.loadReferenceRequested)
        self.histogram_on.toggled.connect(self._on_histogram_toggled)
        self.histogram_clear.clicked.connect(self._on_histogram_clear)
        self.saturation_on.toggled.connect(self._on_saturation_toggled)
        self.saturation_clear.clicked.connect(self._on_saturation_clear)
        self.saturation.valueChanged.connect(self._on_saturation_slider)
        self.saturation.sliderPressed.connect(self._next_slider_drag)
        doc.events.hints.connect(self._on_hints)
        doc.events.global_store.connect(lambda _store: self._refresh())
        self._refresh()

    # -- document -> widgets ---------------------------------------------------------------

    def set_reference(self, name: str | None, rgb_u8: np.ndarray | None = None) -> None:
        """Show the reference photo's thumbnail ((h,w,3) uint8) and file name (None: no reference)."""
        if name is None or rgb_u8 is None:
            self.reference_thumb.hide()
            self.reference_name.setText("No reference photo.")
            return
        rgb_u8 = np.ascontiguousarray(rgb_u8)
        height, width = rgb_u8.shape[:2]
        image = QImage(rgb_u8.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
        pixmap = QPixmap.fromImage(image).scaled(
            *THUMB_SIZE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self.reference_thumb.setPixmap(pixmap)
        self.reference_thumb.show()
        self.reference_name.setText(f"{name}: its colours here, and to pick from in Colour › Reference.")

    def _on_hints(self, hints: Hints) -> None:
        if hints.global_hints != self._shown:  # a point edit (every step of a drag) changes nothing here
            self._refresh()

    def _refresh(self) -> None:
        active, store = self.doc.hints.global_hints, self.doc.global_store
        self._shown = active
        histogram = active.histogram if active.histogram is not None else store.histogram
        widgets = (self.histogram_on, self.saturation_on, self.saturation)
        for widget in widgets:
            widget.blockSignals(True)
        self.histogram_on.setChecked(active.histogram is not None)
        self.histogram_on.setEnabled(histogram is not None)
        self.histogram_clear.setEnabled(histogram is not None)
        self.saturation_on.setChecked(active.saturation is not None)
        level = active.saturation if active.saturation is not None else store.saturation
        level = DEFAULT_SATURATION if level is None else level
        self.saturation.setValue(round(level * SATURATION_STEPS))
        self.saturation_clear.setEnabled(active.saturation is not None or store.saturation is not None)
        for widget in widgets:
            widget.blockSignals(False)
        self.saturation_label.setText(f"{level:.2f}" + ("" if active.saturation is not None else " (off)"))
        image = histogram_image(histogram)
        self.plot_image.setImage(image, levels=(0, 255))
        # The image's row 0 is b = +110 (`histogram_image`); the plot's b axis points up, so the
        # rect starts at the top (b = +115) and runs downwards.
        self.plot_image.setRect(QRectF(-115, 115, 230, -230))
        self.plot_image.setOpacity(1.0 if active.histogram is not None else 0.35)

    # -- widgets -> intents ---------------------------------------------------------------

    def _emit(self, active: GlobalHints, store: GlobalHints, text: str, merge_key: object = None) -> None:
        self.globalHintsChosen.emit(active, store, text, merge_key)

    def _on_histogram_toggled(self, on: bool) -> None:
        active, store = self.doc.hints.global_hints, self.doc.global_store
        histogram = (active.histogram or store.histogram) if on else None
        self._emit(
            GlobalHints(active.saturation, histogram),
            GlobalHints(store.saturation, active.histogram or store.histogram),
            "switch histogram hint " + ("on" if on else "off"),
        )

    def _on_histogram_clear(self) -> None:
        active, store = self.doc.hints.global_hints, self.doc.global_store
        self._emit(GlobalHints(active.saturation, None), GlobalHints(store.saturation, None), "clear histogram hint")

    def _on_saturation_toggled(self, on: bool) -> None:
        active, store = self.doc.hints.global_hints, self.doc.global_store
        level = self.saturation.value() / SATURATION_STEPS
        self._emit(
            GlobalHints(level if on else None, active.histogram),
            GlobalHints(level, store.histogram),
            "switch saturation hint " + ("on" if on else "off"),
        )

    def _on_saturation_clear(self) -> None:
        active, store = self.doc.hints.global_hints, self.doc.global_store
        self._emit(GlobalHints(None, active.histogram), GlobalHints(None, store.histogram), "clear saturation hint")

    def _next_slider_drag(self) -> None:
        self._slider_drag += 1

    def _on_saturation_slider(self, value: int) -> None:
        active, store = self.doc.hints.global_hints, self.doc.global_store
        level = value / SATURATION_STEPS
        self._emit(
            GlobalHints(level, active.histogram),
            GlobalHints(level, store.histogram),
            "set saturation",
            ("saturation", self._slider_drag),
        )

    def histogram_plot_image(self) -> np.ndarray | None:
        """The image the histogram plot shows (for tests)."""
        return self.plot_image.image
