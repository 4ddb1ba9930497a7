"""Training configuration: frozen dataclasses read from a TOML file (no global options object).

A config file has four tables, each optional except ``[model]``:

    name = "hints"                 # the exported checkpoint is <name>.safetensors
    trainer = "hints"              # training/trainers registry: hints, propagated_hints, zhang, gan, regression

    [model]   family = "hints", preset = "compact", overrides = {...}, init = "models/x.safetensors"
    [data]    train = [...], val = [...], crop_size, batch_size, num_workers, propagation_workers, ...
    [optim]   lr, betas, weight_decay, max_steps, max_minutes, ...
    [hints]   p_continue, max_side, p_histogram, p_saturation, hue_rotation_p
    [loss]    weights of each loss term, class rebalancing on/off, anchor_weights

Every run writes the resolved configuration as JSON beside its checkpoint.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
#: The corpus (train/, val/, MANIFEST.csv); IDEEPCOLOR_PHOTOS points elsewhere (a GPU machine
#: gets a copy inside the checkout, see training/gpu/).
DEFAULT_PHOTOS = Path(os.environ.get("IDEEPCOLOR_PHOTOS") or REPO_ROOT.parent / "shared" / "data" / "photos")


@dataclass(frozen=True)
class ModelConfig:
    family: str
    preset: str = "compact"
    overrides: dict[str, Any] = field(default_factory=dict)
    # Trained weights to start from (relative to the repository root) when the command line
    # gives no `--init`: a recipe that is a fine-tune says so in its config.
    init: str = ""


@dataclass(frozen=True)
class DataConfig:
    """Where the photos are and how crops are made (paths relative to the repository root)."""

    train: tuple[str, ...] = (str(DEFAULT_PHOTOS / "train"),)
    val: tuple[str, ...] = (str(DEFAULT_PHOTOS / "val"),)
    crop_size: int = 128
    cache_short_side: int = 256
    min_crop_scale: float = 0.3
    batch_size: int = 16
    num_workers: int = 0
    min_chroma: float = 3.0
    val_size: int = 128
    val_images: int = 48
    # Whole sources (MANIFEST.csv `source_package`) left out of `train`; `training.evaluate
    # --sources` scores them as photos unlike the corpus.
    exclude_sources: tuple[str, ...] = ()
    # Probability of each old-photo degradation (fade, blur, grain, JPEG) of the network's L
    # input, per sample (`training.data.degrade_old_photo`); 0 trains on clean L.
    old_photo_p: float = 0.0
    # Processes that propagate each step's hints (propagated_hints trainer; 0: in the trainer's
    # own process). On a GPU the CPU's sparse solves are what a step waits for.
    propagation_workers: int = 0


@dataclass(frozen=True)
class OptimConfig:
    lr: float = 3e-4
    betas: tuple[float, float] = (0.9, 0.99)
    weight_decay: float = 0.0
    max_steps: int = 10_000
    max_minutes: float = 0.0  # 0: no time limit; otherwise stop (and export) after this long
    lr_decay_start: float = 0.7  # fraction of the run (steps or minutes) after which the lr decays linearly to 10%
    log_every: int = 20
    val_every: int = 250
    checkpoint_every: int = 250


@dataclass(frozen=True)
class HintSamplingConfig:
    """Simulated user hints (docs/architecture.md, "Simulated hints"), plus the augmentations that teach
    following them."""

    p_continue: float = 7 / 8
    max_side: int = 9
    # A share of samples drawn with many points (mean p / (1 - p), 49 for 0.98): the geometric
    # count alone almost never reaches the 50-100 hints the evaluation goes up to.
    p_dense: float = 0.0
    dense_p_continue: float = 0.98
    p_histogram: float = 0.2
    p_saturation: float = 0.2
    hue_rotation_p: float = 0.0
    p_no_hints: float = 0.0


@dataclass(frozen=True)
class LossConfig:
    regression: float = 1.0  # smooth-L1 (hints), L1 (gan, with l1_lambda), MSE (regression)
    classification: float = 1.0  # soft-encoded cross-entropy
    rebalance: bool = True
    l1_lambda: float = 100.0  # pix2pix: adversarial + lambda * L1
    real_label: float = 0.9  # one-sided label smoothing for the discriminator
    # propagated_hints: weights (repository-relative) whose colourization without hints is the
    # target of samples without any hint, so a fine-tune keeps that automatic prior; "": truth.
    anchor_weights: str = ""


@dataclass(frozen=True)
class TrainConfig:
    name: str
    trainer: str
    model: ModelConfig
    data: DataConfig = DataConfig()
    optim: OptimConfig = OptimConfig()
    hints: HintSamplingConfig = HintSamplingConfig()
    loss: LossConfig = LossConfig()
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"


_SECTIONS = {
    "model": ModelConfig,
    "data": DataConfig,
    "optim": OptimConfig,
    "hints": HintSamplingConfig,
    "loss": LossConfig,
}


class ConfigError(ValueError):
    """A training config file that cannot be used; the message names the file and the key."""


def _section(cls: type, values: Any, where: str) -> Any:
    if not isinstance(values, dict):
        raise ConfigError(f"{where} must be a table")
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"{where}: unknown keys {', '.join(unknown)}")
    converted = {}
    for key, value in values.items():
        default = known[key].default
        if isinstance(default, tuple) and isinstance(value, list):
            value = tuple(value)
        if key in ("train", "val"):
            value = tuple(str(_resolve(p)) for p in value)
        converted[key] = value
    try:
        return cls(**converted)
    except TypeError as err:
        raise ConfigError(f"{where}: {err}") from None


def _resolve(path: str) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else REPO_ROOT / p


def config_from_dict(data: dict[str, Any], origin: str = "config") -> TrainConfig:
    """Build a `TrainConfig` from parsed TOML/JSON; unknown keys are errors."""
    data = dict(data)
    for key in ("name", "trainer", "model"):
        if key not in data:
            raise ConfigError(f"{origin}: missing '{key}'")
    sections = {key: _section(cls, data.pop(key), f"{origin} [{key}]") for key, cls in _SECTIONS.items() if key in data}
    name, trainer, seed = data.pop("name"), data.pop("trainer"), data.pop("seed", 0)
    if data:
        raise ConfigError(f"{origin}: unknown keys {', '.join(sorted(data))}")
    return TrainConfig(name=name, trainer=trainer, seed=seed, **sections)


def load_config(path: str | Path, **overrides: Any) -> TrainConfig:
    """Read a TOML config. `overrides` replace top-level sections' fields, e.g.
    ``optim={"max_steps": 10}``, for tests and quick runs."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: {err}") from None
    for section, values in overrides.items():
        data.setdefault(section, {}).update(values)
    return config_from_dict(data, str(path))
