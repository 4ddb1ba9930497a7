"""Network families by name: the config base class, the network base class and the registry.

A family is one ``ColorNet`` subclass with a ``FAMILY`` name, a frozen config dataclass
(``CONFIG``) and named presets (``PRESETS``). Families register themselves with
``@register_network`` next to their class; ``ideepcolor_app.nets`` imports every built-in family,
so the registry is complete once the package is imported. Adding a family means adding a file:
copy ``_template.py``.

Example:
    >>> from ideepcolor_app.nets import build_network, preset_config
    >>> net = build_network("zhang", preset_config("zhang", "compact"))
    >>> net.FAMILY
    'zhang'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from torch import Tensor, nn

__all__ = [
    "ColorNet",
    "NetConfig",
    "UnknownNetworkError",
    "build_network",
    "known_families",
    "network_class",
    "preset_config",
    "register_network",
]

C = TypeVar("C", bound="NetConfig")


class UnknownNetworkError(KeyError, ValueError):
    """Raised for an unknown family or preset name; the message lists the known names."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


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
            raise ValueError(
                f"unknown {cls.__name__} keys: {', '.join(unknown)}; "
                f"known keys: {', '.join(names)}"
            )
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
                f"{self.FAMILY} state dict: missing keys {missing}, "
                f"unexpected keys {list(result.unexpected_keys)}"
            )


_NETWORKS: dict[str, type[ColorNet]] = {}


def register_network(cls: type[ColorNet]) -> type[ColorNet]:
    """Class decorator: register `cls` under ``cls.FAMILY``.

    Raises:
        ValueError: if the name is empty, already taken, or the class has no compact preset.
    """
    name = cls.FAMILY
    if not name or name in _NETWORKS:
        raise ValueError(f"cannot register {cls.__name__} as {name!r}: empty or taken")
    if "compact" not in cls.PRESETS:
        raise ValueError(f"{cls.__name__} must define a 'compact' preset")
    _NETWORKS[name] = cls
    return cls


def known_families() -> tuple[str, ...]:
    """Return the registered family names, sorted."""
    return tuple(sorted(_NETWORKS))


def network_class(family: str) -> type[ColorNet]:
    """Return the class registered as `family`.

    Raises:
        UnknownNetworkError: listing the known family names.
    """
    try:
        return _NETWORKS[family]
    except KeyError:
        raise UnknownNetworkError(
            f"unknown network family {family!r}; known families: {', '.join(known_families())}"
        ) from None


def preset_config(family: str, preset: str = "compact") -> dict[str, Any]:
    """Return the config of a named preset as a plain (JSON-serialisable) dict.

    Raises:
        UnknownNetworkError: for an unknown family or preset, listing the known names.
    """
    cls = network_class(family)
    if preset not in cls.PRESETS:
        raise UnknownNetworkError(
            f"unknown preset {preset!r} for network family {family!r}; "
            f"known presets: {', '.join(sorted(cls.PRESETS))}"
        )
    return cls.PRESETS[preset].to_dict()


def build_network(
    family: str, config: Mapping[str, Any] | NetConfig | None = None
) -> ColorNet:
    """Build a network of `family` from a config dict (or config object; None = compact).

    Raises:
        UnknownNetworkError: for an unknown family.
        ValueError: for unknown config keys or invalid values.
    """
    cls = network_class(family)
    if config is None:
        cfg = cls.PRESETS["compact"]
    elif isinstance(config, NetConfig):
        cfg = config
    else:
        cfg = cls.CONFIG.from_dict(config)
    return cls(cfg)
