"""Where the shipped networks are: the repository's `models/`, installed as package data.

pyproject.toml maps the package `ideepcolor_app.models` onto the top-level `models/` folder,
so a wheel carries the safetensors and their model cards inside the package, and an editable
install reads the checkout's folder itself (weights that training writes there are seen at
once). Everything that looks for a shipped network goes through `models_dir`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

MODELS_PACKAGE = "ideepcolor_app.models"
#: A checkout used without installing it (no `ideepcolor_app.models` to import) has its own.
_CHECKOUT_MODELS = Path(__file__).resolve().parents[1] / "models"


def models_dir() -> Path:
    """The folder of the shipped `<name>.safetensors` files and their `<name>.json` cards.

    Found through importlib.resources. pip unpacks a wheel into folders, so the package's
    resources are files with real paths (safetensors and the cards are read from them).
    """
    try:
        root = resources.files(MODELS_PACKAGE)
    except ModuleNotFoundError:
        return _CHECKOUT_MODELS
    return Path(str(root))
