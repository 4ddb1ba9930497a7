"""Our checkpoint format: `<name>.safetensors` with a JSON model card `<name>.json` beside it.

The card says which network family and configuration the tensors belong to, which colour bins
they predict, whether they were trained (and on what), their measured metrics, and the sha256
of the tensor file. Loading checks the checksum (when the card has one), every tensor's name
and shape against the network the card describes, and that every value is finite: a damaged
or NaN-filled file is refused instead of colourizing black.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file

from ideepcolor_app.atomic import atomic_path, atomic_write_bytes
from ideepcolor_app.bundled import models_dir
from ideepcolor_app.nets import build_network
from ideepcolor_app.nets.base import ColorNet, compare_state_dicts

MODELS_ENV = "IDEEPCOLOR_MODELS"
BUNDLED_MODELS_DIR = models_dir()  # package data (see ideepcolor_app/bundled.py)
CARD_VERSION = 1
# The network families each backend runs (a backend's default weights carry its own name).
# `gan` names a training method (a generator against the PatchGAN critic), not a layout: its
# generator may be the U-Net head or the fusion head, adversarially fine-tuned
# (docs/models.md, "gan"). Where a family fits several backends, the first listed is the one advised.
BACKEND_FAMILIES = {
    "hints": ("hints", "propagated_hints"),
    "zhang": ("zhang", "zhang_lite"),
    "fusion": ("fusion", "fusion_lite"),
    "gan": ("gan", "gan_lite", "fusion_lite"),
}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$")


class WeightsError(ValueError):
    """A checkpoint or its model card is missing, unreadable or does not fit its network."""


@dataclass
class ModelCard:
    """What a checkpoint is. Serialised as `<name>.json` beside `<name>.safetensors`."""

    name: str
    family: str
    config: dict[str, Any]
    trained: bool
    description: str = ""
    bins: str = "grid-529: 23x23 grid, 10 ab units, index ia*23+ib, a-major"
    training_data: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    #: The weights' licence and the training data's: {"weights": "MIT", "training_photos":
    #: {licence: photo count}, ...}; None for weights that do not say.
    licence: dict[str, Any] | None = None
    init_seed: int | None = None
    sha256: str | None = None
    card_version: int = CARD_VERSION

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str, origin: str) -> ModelCard:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise WeightsError(f"{origin}: model card is not valid JSON ({err})") from None
        except (RecursionError, ValueError) as err:
            reason = "nested too deeply" if isinstance(err, RecursionError) else str(err)[:80]
            raise WeightsError(f"{origin}: model card is not valid JSON ({reason})") from None
        if not isinstance(data, dict):
            raise WeightsError(f"{origin}: model card must be a JSON object")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            shown = ", ".join(_short(key) for key in unknown[:5])
            more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
            raise WeightsError(f"{origin}: unknown model-card keys: {shown}{more}")
        missing = [name for name in ("name", "family", "config", "trained") if name not in data]
        if missing:
            raise WeightsError(f"{origin}: model card lacks {', '.join(missing)}")
        if data.get("card_version", CARD_VERSION) != CARD_VERSION:
            raise WeightsError(f"{origin}: model-card version {data['card_version']} is not supported")
        return cls(**data)


def search_dirs() -> list[Path]:
    """Folders searched for weights, first match wins: $IDEEPCOLOR_MODELS, the user's, bundled."""
    dirs = []
    if os.environ.get(MODELS_ENV):
        dirs.append(Path(os.environ[MODELS_ENV]))
    dirs += [user_models_dir(), BUNDLED_MODELS_DIR]
    return dirs


def user_models_dir() -> Path:
    """Where `weights import` writes: $XDG_DATA_HOME/ideepcolor/models (or ~/.local/share/…)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "ideepcolor" / "models"


def find_weights(name_or_path: str | os.PathLike[str]) -> Path:
    """Resolve a checkpoint name ("hints") or path ("x/hints.safetensors") to its .safetensors."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".safetensors" or candidate.parent != Path("."):
        path = candidate.with_suffix(".safetensors")
        if path.is_file():
            return path
        raise WeightsError(f"no weights file at {path}")
    for folder in search_dirs():
        path = folder / f"{candidate.name}.safetensors"
        if path.is_file():
            return path
    searched = ", ".join(str(d) for d in search_dirs())
    raise WeightsError(f"no weights named {candidate.name!r} (searched {searched})")


def _short(text: str, limit: int = 40) -> str:
    """A JSON-quoted, shortened string for a message (control characters escaped)."""
    quoted = json.dumps(text)
    return quoted if len(quoted) <= limit else quoted[: limit - 4] + '..."'


def read_card(weights_path: Path) -> ModelCard:
    """Read the model card beside a .safetensors file.

    Raises:
        WeightsError: the card is missing, not UTF-8, not JSON or not a model card.
    """
    card_path = weights_path.with_suffix(".json")
    if not card_path.is_file():
        raise WeightsError(f"{weights_path}: model card {card_path.name} is missing")
    try:
        text = card_path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise WeightsError(f"{card_path}: model card is not UTF-8 text (byte {err.start})") from None
    return ModelCard.from_json(text, str(card_path))


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_finite(tensors: dict[str, torch.Tensor], origin: str) -> None:
    """Raise WeightsError naming the tensors that hold NaN or infinite values."""
    bad = [k for k, v in tensors.items() if v.is_floating_point() and not bool(torch.isfinite(v).all())]
    if bad:
        shown = ", ".join(_short(k, 60) for k in bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise WeightsError(f"{origin}: NaN or infinite values in {shown}; the file is damaged")


def check_backend_family(backend: str, card: ModelCard, origin: str) -> None:
    """Raise WeightsError when the `backend` cannot run a network of `card.family`."""
    families = BACKEND_FAMILIES.get(backend)
    if families is not None and card.family not in families:
        fits = [name for name, fams in BACKEND_FAMILIES.items() if card.family in fams]
        advice = f"; use --backend {fits[0]}" if fits else ""
        raise WeightsError(
            f"{origin} holds a {card.family!r} network, which the {backend!r} backend cannot run{advice}"
        )


def check_import_name(name: str, family: str) -> None:
    """Refuse an import name that leaves the models folder or shadows a bundled model of another family.

    Raises:
        WeightsError: with the rule that `name` breaks.
    """
    if not _NAME.match(name) or ".." in name:
        raise WeightsError(
            f"invalid weights name {_short(name)}: use letters, digits, '.', '_', '-' and '+' "
            "(at most 100, starting with a letter or digit; no folders)"
        )
    families = BACKEND_FAMILIES.get(name, ())
    bundled = BUNDLED_MODELS_DIR / f"{name}.safetensors"
    if bundled.is_file():
        with contextlib.suppress(WeightsError):
            families = families or (read_card(bundled).family,)
    if families and family not in families:
        raise WeightsError(
            f"the name {name!r} would hide the bundled {families[0]!r} network that the "
            f"{name!r} backend loads by default; choose another --name"
        )


def check_tensors(expected: dict[str, torch.Tensor], found: dict[str, torch.Tensor], origin: str) -> None:
    """Raise WeightsError naming every missing, unexpected and mis-shaped tensor."""
    mismatch = compare_state_dicts(expected, found)
    problems = [f"missing tensor {k}" for k in mismatch.missing]
    problems += [f"unexpected tensor {k}" for k in mismatch.unexpected]
    problems += [f"{k}: expected shape {want}, got {got}" for k, want, got in mismatch.wrong_shape]
    if problems:
        shown = "; ".join(problems[:8]) + (f"; and {len(problems) - 8} more" if len(problems) > 8 else "")
        raise WeightsError(f"{origin} does not fit its network: {shown}")


def load_weights(name_or_path: str | os.PathLike[str]) -> tuple[ColorNet, ModelCard]:
    """Build the network a card describes and fill it with checked tensors (eval mode, CPU)."""
    path = find_weights(name_or_path)
    card = read_card(path)
    try:
        net = build_network(card.family, card.config)
    except (KeyError, TypeError, ValueError) as err:
        raise WeightsError(f"{path.with_suffix('.json')}: {err}") from None
    try:
        tensors = load_file(str(path), device="cpu")
    except (SafetensorError, OSError, ValueError) as err:
        raise WeightsError(f"{path}: not a readable safetensors file ({str(err)[:200]})") from None
    if card.sha256 is not None and file_sha256(path) != card.sha256:
        raise WeightsError(
            f"{path}: the file's sha256 does not match its model card; the file is damaged "
            "or was replaced (re-import or reinstall it)"
        )
    check_tensors(net.own_state_dict(), tensors, str(path))
    check_finite(tensors, str(path))
    net.load_own_state_dict(tensors)
    return net.eval(), card


def save_weights(net: ColorNet, card: ModelCard, folder: str | os.PathLike[str]) -> Path:
    """Write `<folder>/<card.name>.safetensors` and its card (with the file's sha256), each atomically.

    Raises:
        WeightsError: the network holds NaN or infinite values.
    """
    folder = Path(folder)
    path = folder / f"{card.name}.safetensors"
    tensors = {k: v.detach().to("cpu").contiguous() for k, v in net.own_state_dict().items()}
    check_finite(tensors, card.name)
    with atomic_path(path) as tmp:
        save_file(tensors, str(tmp), metadata={"family": card.family, "name": card.name})
        card = dataclasses.replace(card, sha256=file_sha256(tmp))
    atomic_write_bytes(path.with_suffix(".json"), card.to_json().encode("utf-8"))
    return path


def is_network_file(path: Path) -> bool:
    """False for a readable .safetensors that is data, not a network (e.g. the colour-bin prior).

    Every network file names its family in the header; an unreadable file counts as a network
    so that it is reported as broken rather than hidden.
    """
    try:
        with safe_open(str(path), "pt") as f:
            return "family" in (f.metadata() or {})
    except (SafetensorError, OSError):
        return True


def installed_weights() -> list[tuple[Path, ModelCard | WeightsError]]:
    """Every network checkpoint in the search folders with its card, or the error reading it."""
    found: list[tuple[Path, ModelCard | WeightsError]] = []
    seen: set[str] = set()
    for folder in search_dirs():
        for path in sorted(folder.glob("*.safetensors")) if folder.is_dir() else []:
            if path.stem in seen or not is_network_file(path):
                continue
            seen.add(path.stem)
            try:
                found.append((path, read_card(path)))
            except WeightsError as err:
                found.append((path, err))
    return found
