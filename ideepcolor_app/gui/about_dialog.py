"""Help › About: the version, each backend's model card (training data, figures, licence) and
the licences of the app and what it runs on. The facts come from `engine.about`."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ideepcolor_app.desktop import DATA
from ideepcolor_app.engine.about import (
    APP_LICENCE,
    SAMPLE_PHOTO_NOTE,
    BackendCard,
    backend_cards,
    component_versions,
    version_text,
)
from ideepcolor_app.gui.backend_panel import BACKEND_TITLES

WEIGHTS_TEXT = {
    "trained": "trained weights",
    "untrained": "UNTRAINED weights (random initialisation)",
    "none": "no weights",
    "missing": "weights not found",
}


def backend_html(card: BackendCard) -> str:
    """One backend's section: title, what it is, its weights, training data, figures, licence."""
    rows = [("Weights", WEIGHTS_TEXT.get(card.weights, card.weights))]
    if card.training_data:
        rows.append(("Training data", card.training_data))
    rows += card.figures
    if card.source:
        rows.append(("Made by", card.source))
    rows += [("Licence", line) for line in card.licence]
    cells = "".join(
        f"<tr><td valign='top'><b>{html.escape(k)}</b>&nbsp;</td><td>{html.escape(v)}</td></tr>" for k, v in rows
    )
    title = html.escape(BACKEND_TITLES.get(card.name, card.name))
    return (
        f"<h3>{title} <small>({html.escape(card.name)})</small></h3>"
        f"<p>{html.escape(card.description)}</p><table cellspacing='2'>{cells}</table>"
    )


def licences_html() -> str:
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{html.escape(version)}</td><td>{html.escape(what)}</td>"
        f"<td>{html.escape(licence)}</td></tr>"
        for name, version, what, licence in component_versions()
    )
    return (
        f"<p><b>ideepcolor</b> is free software under the {APP_LICENCE} licence.</p>"
        "<p>The shipped weights' licences and their training photos' are on the Backends tab.</p>"
        f"<p>{html.escape(SAMPLE_PHOTO_NOTE)}</p>"
        "<p>It runs on:</p><table cellspacing='4'><tr><th align='left'>Component</th>"
        "<th align='left'>Version</th><th align='left'>For</th><th align='left'>Licence</th></tr>"
        f"{rows}</table>"
    )


class QtAboutDialog(QDialog):
    """The About window: an icon and version line, then tabs for the backends and the licences."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About ideepcolor")
        icon = QLabel()
        icon.setPixmap(
            QPixmap(str(DATA / "ideepcolor.png")).scaled(
                64, 64, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )
        self.version = QLabel(
            f"<b>{html.escape(version_text())}</b><br>Colourize black-and-white photos, "
            "guided by colour points and a reference photo."
        )
        self.version.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(self.version, 1)
        self.cards = backend_cards()
        self.backends = self._browser("".join(backend_html(card) for card in self.cards))
        self.licences = self._browser(licences_html())
        self.tabs = QTabWidget()
        self.tabs.addTab(self.backends, "Backends")
        self.tabs.addTab(self.licences, "Licences")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(720, 560)

    @staticmethod
    def _browser(text: str) -> QTextBrowser:
        browser = QTextBrowser()
        browser.setOpenExternalLinks(False)
        browser.setHtml(text)
        return browser
