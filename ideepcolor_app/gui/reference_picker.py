"""An eyedropper on a reference photo: load a colour photo, click it to pick that pixel's ab."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ideepcolor_app.color.swatch import ReferenceImage, prepare_reference
from ideepcolor_app.gui.background import QtBackgroundTask
from ideepcolor_app.imageio import ImageReadError, read_photo

FILE_FILTER = "Images (*.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp *.gif);;All files (*)"


class QtReferencePicker(QWidget):
    """Shows a reference photo; a left click emits the CIELAB ab of the pixel under the cursor.

    The photo is read with `imageio.read_photo` and shrunk for display by
    `color.swatch.prepare_reference`, which also gives the Lab values picked.

    The Load button decodes the photo off the GUI thread (`load_reference_async`); its file
    dialog opens in the last reference's folder, else in `start_folder` (the open photo's).
    In the main window the reference photo is one for both its uses (this eyedropper and the
    histogram hint): there `share_loading()` makes the button ask the window instead
    (`loadRequested`), and the window shows the photo it loaded with `show_reference`.

    Signals:
        abPicked(float, float): ab of the clicked reference pixel (not clamped).
        loaded(bool): an asynchronous load ended (True: shown; False: the message says why).
        loadRequested(): the Load button was pressed while loading is shared.
    """

    abPicked = Signal(float, float)
    loaded = Signal(bool)
    loadRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.reference: ReferenceImage | None = None
        self.path: Path | None = None
        self.start_folder = ""
        self._shared = False
        self._task = QtBackgroundTask(self)
        self.load_button = QPushButton("Load reference…")
        self.load_button.setToolTip("Open a colour photo to pick colours from")
        self.load_button.clicked.connect(self._on_load_clicked)
        self.message = QLabel("Load a colour photo, then click it to pick a colour.")
        self.message.setWordWrap(True)
        self.view = pg.GraphicsView()
        self.view.setMinimumSize(180, 140)
        self.view.setBackground(None)
        self.box = pg.ViewBox(lockAspect=True, enableMouse=False, invertY=True, enableMenu=False)
        self.view.setCentralItem(self.box)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.box.addItem(self.image)
        self.view.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.view.setCursor(Qt.CursorShape.CrossCursor)
        top = QHBoxLayout()
        top.addWidget(self.load_button)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)

    def share_loading(self) -> None:
        """The Load button asks the owner (`loadRequested`) instead of opening its own dialog."""
        self._shared = True

    def _on_load_clicked(self) -> None:
        if self._shared:
            self.loadRequested.emit()
        else:
            self.choose_reference()

    def show_reference(self, path: str | os.PathLike, reference: ReferenceImage) -> bool:
        """Show a reference photo prepared elsewhere (`color.swatch.prepare_reference`)."""
        return self._show(Path(path), reference)

    def choose_reference(self) -> None:
        """Ask for a reference photo with a file dialog and load it."""
        start = str(self.path.parent) if self.path is not None else self.start_folder
        path, _ = QFileDialog.getOpenFileName(self, "Load a reference photo", start, FILE_FILTER)
        if path:
            self.load_reference_async(path)

    def load_reference_async(self, path: str | os.PathLike) -> None:
        """Decode the photo in a background thread, then show it (`loaded` tells when)."""
        path = Path(path)
        self.message.setText(f"Reading {path.name}…")
        self.message.setStyleSheet("")
        self._task.submit(
            lambda: prepare_reference(read_photo(path).rgb),
            lambda reference: self.loaded.emit(self._show(path, reference)),
            lambda err: self.loaded.emit(self._fail(path, err)),
        )

    def load_reference(self, path: str | os.PathLike) -> bool:
        """Load and show a reference photo.

        Returns:
            True on success. On failure the previous reference (if any) stays, the message
            line says why, and False is returned; nothing is raised.
        """
        path = Path(path)
        try:
            reference = prepare_reference(read_photo(path).rgb)
        except Exception as err:  # noqa: BLE001 - a bad reference must leave the panel usable
            return self._fail(path, err)
        return self._show(path, reference)

    def _fail(self, path: Path, err: Exception) -> bool:
        reason = str(err) if isinstance(err, (ImageReadError, OSError)) else f"{type(err).__name__}: {err}"
        self.message.setText(f"Could not load {path.name}: {reason}")
        self.message.setStyleSheet("color: #d03030;")
        return False

    def _show(self, path: Path, reference: ReferenceImage) -> bool:
        self.reference, self.path = reference, path
        self.image.setImage(reference.rgb_u8, autoLevels=False, levels=(0, 255))
        height, width = reference.rgb_u8.shape[:2]
        self.box.setRange(xRange=(0, width), yRange=(0, height), padding=0.02)
        self.message.setText(f"{path.name}: click the photo to pick a colour.")
        self.message.setStyleSheet("")
        return True

    def pixel_to_widget(self, row: int, col: int) -> QPoint:
        """Viewport coordinates of the centre of displayed pixel (row, col)."""
        return self.view.mapFromScene(self.image.mapToScene(QPointF(col + 0.5, row + 0.5)))

    def ab_at(self, row: int, col: int) -> tuple[float, float]:
        """The ab of displayed pixel (row, col) of the reference."""
        if self.reference is None:
            raise RuntimeError("no reference photo loaded")
        lab: np.ndarray = self.reference.lab
        return float(lab[row, col, 1]), float(lab[row, col, 2])

    def _on_scene_clicked(self, event) -> None:
        if self.reference is None or event.button() != Qt.MouseButton.LeftButton:
            return
        pos = self.image.mapFromScene(event.scenePos())
        col, row = math.floor(pos.x()), math.floor(pos.y())
        height, width = self.reference.lab.shape[:2]
        if 0 <= row < height and 0 <= col < width:
            event.accept()
            self.abPicked.emit(*self.ab_at(row, col))
