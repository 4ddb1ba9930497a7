"""Network families by name: registration, lookup, presets and construction.

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

from collections.abc import Mapping
from typing import Any

from .base import ColorNet, NetConfig

__all__ = [
    "UnknownNetworkError",
    "build_network",
    "known_families",
    "network_class",
    "preset_config",
    "register_network",
]


class UnknownNetworkError(KeyError, ValueError):
    """Raised for an unknown family or preset name; the message lists the known names."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


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
            f"unknown preset {preset!r} for network family {family!r}; known presets: {', '.join(sorted(cls.PRESETS))}"
        )
    return cls.PRESETS[preset].to_dict()


def build_network(family: str, config: Mapping[str, Any] | NetConfig | None = None) -> ColorNet:
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
