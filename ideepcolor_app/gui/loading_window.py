"""The window shown at once while torch and the networks load (a few seconds on a small CPU)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

#: Same share of the screen as the main window's first size, so the hand-over does not jump.
SCREEN_SHARE = 0.85


class QtLoadingWindow(QWidget):
    """A plain window that says what is loading, with a busy bar; imports nothing heavy.

    Args:
        geometry: where to appear (the main window's saved geometry), or None for about 85 %
            of the screen, centred.
    """

    def __init__(self, geometry: QRect | None = None) -> None:
        super().__init__()
        self.setWindowTitle("ideepcolor")
        self.label = QLabel("Loading torch and the colourization networks…")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setStyleSheet("font-size: 16px;")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy
        self.bar.setMaximumWidth(360)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addWidget(self.bar, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        if geometry is None or geometry.isEmpty():
            screen = self.screen().availableGeometry() if self.screen() is not None else QRect(0, 0, 1280, 800)
            width, height = round(screen.width() * SCREEN_SHARE), round(screen.height() * SCREEN_SHARE)
            geometry = QRect(
                screen.x() + (screen.width() - width) // 2, screen.y() + (screen.height() - height) // 2, width, height
            )
        self.setGeometry(geometry)

    def set_text(self, text: str) -> None:
        """Say what is loading now."""
        self.label.setText(text)
