"""Template for a new network family: copy to ``nets/<family>.py``, rename, fill in.

Checklist (in the spirit of pytorch-CycleGAN-and-pix2pix ``models/template_model.py``):

1. Rename ``TemplateConfig`` / ``TemplateNet`` and set ``FAMILY`` to the registry name.
2. Put every architecture choice in the config dataclass (frozen, JSON-serialisable through
   ``dataclasses.asdict``; tuples for sequences). Validate values in ``__post_init__``.
3. Define at least a ``"compact"`` preset (what we train and ship). If the family has public
   weights, add a preset that reproduces their state-dict keys and shapes exactly and pin it
   in ``tests/nets/test_official.py``.
4. Build repeated layers with ``blocks.conv_block`` so ``nn.Sequential`` indices stay stable.
5. Take and return CIELAB units; normalise only through ``color.norm.normalize_l`` /
   ``normalize_ab`` / ``denormalize_ab``. Document every tensor's shape and units.
6. List in ``EXTERNAL_PREFIXES`` the state-dict prefixes of weights that come from elsewhere
   (a pretrained backbone); they are not saved in our checkpoints.
7. Uncomment ``@register_network`` and import the class in ``nets/__init__.py`` (that import
   is what registers it).
8. Add ``tests/nets/test_<family>.py``: shapes and units per preset, deterministic eval mode,
   size errors, pinned state-dict keys, size budget.

This module is not imported by the package, so the template never registers itself.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from torch import Tensor, nn

from ideepcolor_app.color.norm import denormalize_ab, normalize_l

from .base import ColorNet, NetConfig
from .blocks import check_image, conv_block
from .registry import register_network  # noqa: F401 - decorate your class with it


@dataclasses.dataclass(frozen=True)
class TemplateConfig(NetConfig):
    """Configuration of `TemplateNet`.

    Attributes:
        widths: widths of the conv blocks, one block per entry.
    """

    widths: tuple[int, ...] = (16, 32)

    def __post_init__(self) -> None:
        if not self.widths or min(self.widths) < 1:
            raise ValueError("widths must be a non-empty tuple of positive ints")


# @register_network
class TemplateNet(ColorNet):
    """One-line summary of the family: ``forward(l) -> ab``."""

    FAMILY: ClassVar[str] = "template"
    CONFIG: ClassVar[type[NetConfig]] = TemplateConfig
    PRESETS: ClassVar[dict[str, NetConfig]] = {"compact": TemplateConfig()}
    EXTERNAL_PREFIXES: ClassVar[tuple[str, ...]] = ()

    config: TemplateConfig  # this family's own (`CONFIG`)

    def __init__(self, config: TemplateConfig | None = None) -> None:
        super().__init__(config)  # falls back to the compact preset, sets self.config
        cfg: TemplateConfig = self.config
        widths = (1,) + cfg.widths
        for i in range(len(cfg.widths)):
            self.add_module(f"block{i + 1}", conv_block([widths[i], widths[i + 1]]))
        self.head = nn.Sequential(nn.Conv2d(widths[-1], 2, 1), nn.Tanh())

    def forward(self, l: Tensor) -> Tensor:
        """Colourize.

        Args:
            l: (B,1,H,W) float32, CIELAB lightness in [0, 100].
        Returns:
            ab: (B,2,H,W) float32 in CIELAB units, within [-110, 110].
        """
        check_image(l, "l", 1)
        x = normalize_l(l)
        for i in range(len(self.config.widths)):
            x = getattr(self, f"block{i + 1}")(x)
        return denormalize_ab(self.head(x))
