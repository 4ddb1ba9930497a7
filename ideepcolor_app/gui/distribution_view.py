"""The network's predicted colour distribution at one pixel, drawn in the ab plane."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ideepcolor_app.color.swatch import BinScatter

AB_MAX = 110.0


class QtDistributionView(QWidget):
    """A scatter of colour bins at their ab centres, sized by probability, in their own colours.

    Axes are CIELAB a (x, right = red) and b (y, up = yellow). The points come from
    `color.swatch.bin_scatter`; the widget only draws them.

    Signals:
        binClicked(float, float): the ab centre of a clicked bin.
    """

    binClicked = Signal(float, float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = pg.PlotWidget(background=None)
        self.plot.setMinimumSize(180, 180)
        self.plot.setMouseEnabled(x=False, y=False)  # no locked aspect: a tall panel keeps b within ±110
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setXRange(-AB_MAX, AB_MAX, padding=0.02)
        self.plot.setYRange(-AB_MAX, AB_MAX, padding=0.02)
        self.plot.disableAutoRange()
        self.plot.setLabel("bottom", "a*")
        self.plot.setLabel("left", "b*")
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.scatter = pg.ScatterPlotItem(pxMode=True, hoverable=True)
        self.scatter.sigClicked.connect(self._on_clicked)
        self.plot.addItem(self.scatter)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #808080;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        layout.addWidget(self.message)
        self.set_scatter(None, "No colour distribution yet: select a point and render.")

    def set_scatter(self, scatter: BinScatter | None, message: str = "") -> None:
        """Draw the bins of `scatter` (None clears the plot) and show `message` below it."""
        self.scatter.clear()
        if scatter is not None and len(scatter.ab):
            brushes = [QBrush(QColor(int(r), int(g), int(b), int(a))) for r, g, b, a in scatter.rgba]
            tips = [f"a {a:.0f}, b {b:.0f}: {p:.1%}" for (a, b), p in zip(scatter.ab, scatter.probability, strict=True)]
            self.scatter.addPoints(
                x=scatter.ab[:, 0],
                y=scatter.ab[:, 1],
                size=np.maximum(scatter.size, 3.0),
                brush=brushes,
                pen=pg.mkPen(0, 0, 0, 90),
                data=tips,
            )
            self.scatter.setToolTip("")
        self.message.setText(message)
        self.message.setVisible(bool(message))

    def positions(self) -> np.ndarray:
        """(N,2) ab of the drawn points, in drawing order."""
        x, y = self.scatter.getData()
        return np.stack([np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)], axis=1)

    def _on_clicked(self, _item, points, _event=None) -> None:
        if len(points):
            pos = points[0].pos()
            self.binClicked.emit(float(pos.x()), float(pos.y()))
