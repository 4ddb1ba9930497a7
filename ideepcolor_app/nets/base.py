"""Base classes of the network families: the config dataclass and the network module."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar, NamedTuple, TypeVar

from torch import Tensor, nn

__all__ = ["ColorNet", "NetConfig", "StateDictMismatch", "compare_state_dicts"]

C = TypeVar("C", bound="NetConfig")


def _tuples(value: Any) -> Any:
    """Turn JSON lists back into the tuples the frozen configs use."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


@dataclasses.dataclass(frozen=True)
class NetConfig:
    """Base of the family configs: JSON-serialisable via ``dataclasses.asdict``."""

    @classmethod
    def from_dict(cls: type[C], data: Mapping[str, Any]) -> C:
        """Build a config from a mapping (e.g. parsed JSON); missing keys take the defaults.

        Raises:
            ValueError: on keys that are not fields of this config, listing the known ones.
        """
        names = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(data) - set(names))
        if unknown:
            raise ValueError(f"unknown {cls.__name__} keys: {', '.join(unknown)}; known keys: {', '.join(names)}")
        return cls(**{k: _tuples(v) for k, v in data.items()})

    def to_dict(self) -> dict[str, Any]:
        """Return ``dataclasses.asdict(self)`` (tuples stay tuples; ``json`` writes lists)."""
        return dataclasses.asdict(self)


class ColorNet(nn.Module):
    """Base class of the network families; takes and returns CIELAB units.

    Class attributes:
        FAMILY: registry name.
        CONFIG: the family's ``NetConfig`` subclass.
        PRESETS: preset name -> config; every family has ``"compact"``.
        EXTERNAL_PREFIXES: state-dict key prefixes not stored in our checkpoints (weights
            that come from elsewhere, e.g. a pretrained backbone).
    """

    FAMILY: ClassVar[str] = ""
    CONFIG: ClassVar[type[NetConfig]] = NetConfig
    PRESETS: ClassVar[dict[str, NetConfig]] = {}
    EXTERNAL_PREFIXES: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: NetConfig | None = None) -> None:
        super().__init__()
        if config is None:
            config = self.PRESETS["compact"]
        if not isinstance(config, self.CONFIG):
            raise TypeError(f"{type(self).__name__} needs a {self.CONFIG.__name__}")
        self.config = config

    def own_state_dict(self) -> dict[str, Tensor]:
        """Return the state dict without the keys under ``EXTERNAL_PREFIXES`` (what we save)."""
        prefixes = tuple(self.EXTERNAL_PREFIXES)
        return {k: v for k, v in self.state_dict().items() if not k.startswith(prefixes)}

    def load_own_state_dict(self, state_dict: Mapping[str, Tensor]) -> None:
        """Load a state dict saved by `own_state_dict`; every other key must match exactly.

        Raises:
            RuntimeError: on missing (non-external) or unexpected keys, or shape mismatches.
        """
        result = self.load_state_dict(dict(state_dict), strict=False)
        prefixes = tuple(self.EXTERNAL_PREFIXES)
        missing = [k for k in result.missing_keys if not k.startswith(prefixes)]
        if missing or result.unexpected_keys:
            raise RuntimeError(
                f"{self.FAMILY} state dict: missing keys {missing}, unexpected keys {list(result.unexpected_keys)}"
            )


class StateDictMismatch(NamedTuple):
    """How a state dict differs from the one a network expects (all lists sorted by key)."""

    missing: list[str]
    unexpected: list[str]
    wrong_shape: list[tuple[str, tuple[int, ...], tuple[int, ...]]]  # (key, expected, found)


def compare_state_dicts(expected: Mapping[str, Tensor], found: Mapping[str, Tensor]) -> StateDictMismatch:
    """Compare tensor names and shapes; callers word the error for their own file kind."""
    return StateDictMismatch(
        missing=sorted(set(expected) - set(found)),
        unexpected=sorted(set(found) - set(expected)),
        wrong_shape=[
            (k, tuple(expected[k].shape), tuple(found[k].shape))
            for k in sorted(set(expected) & set(found))
            if tuple(expected[k].shape) != tuple(found[k].shape)
        ],
    )
