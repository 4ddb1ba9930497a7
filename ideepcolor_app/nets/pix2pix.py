"""pix2pix for colourization: a U-Net generator L -> ab and a PatchGAN discriminator on (L, ab).

After Isola et al. (junyanz/pytorch-CycleGAN-and-pix2pix ``models/networks.py``, written here as
flat down/up lists instead of nested skip blocks): 4x4 stride-2 conv + BatchNorm +
LeakyReLU(0.2) down, 4x4 stride-2 transposed conv + BatchNorm + ReLU up, skip concatenation
between mirrored blocks, tanh out. No BatchNorm on the first and innermost down blocks.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import torch
from torch import Tensor, nn

from ideepcolor_app.color.norm import denormalize_ab, normalize_ab, normalize_l

from .base import ColorNet, NetConfig
from .blocks import check_image, scale_chroma
from .registry import register_network

__all__ = ["PatchDiscriminator", "PatchDiscriminatorConfig", "Pix2PixConfig", "Pix2PixGenerator"]


@dataclasses.dataclass(frozen=True)
class Pix2PixConfig(NetConfig):
    """Configuration of `Pix2PixGenerator`.

    Attributes:
        base_width: width of the first down block; block i has base_width * min(2**i, max_mult).
        depth: number of stride-2 downsamplings; H and W must be divisible by 2**depth.
        max_mult: cap on the width multiplier (pix2pix uses 8).
        dropout_blocks: how many of the innermost up blocks apply dropout (pix2pix: 3).
        dropout: dropout probability in those blocks (training only; eval is deterministic).
        chroma_gain: factor on the output ab (see `scale_chroma`); set by `training.calibrate`.
        chroma_boost: raises weak chroma only (see `scale_chroma`); set by `training.calibrate`.
    """

    base_width: int = 64
    depth: int = 8
    max_mult: int = 8
    dropout_blocks: int = 3
    dropout: float = 0.5
    chroma_gain: float = 1.0
    chroma_boost: float = 1.0

    def __post_init__(self) -> None:
        if self.depth < 2 or self.base_width < 1 or self.max_mult < 1:
            raise ValueError("depth must be >= 2, base_width and max_mult >= 1")
        if not 0 <= self.dropout_blocks < self.depth or not 0.0 <= self.dropout < 1.0:
            raise ValueError("need 0 <= dropout_blocks < depth and 0 <= dropout < 1")


@register_network
class Pix2PixGenerator(ColorNet):
    """U-Net generator: ``forward(l) -> ab``.

    Example:
        >>> net = Pix2PixGenerator().eval()
        >>> tuple(net(torch.full((1, 1, 128, 128), 50.0)).shape)
        (1, 2, 128, 128)
    """

    FAMILY: ClassVar[str] = "gan"
    CONFIG: ClassVar[type[NetConfig]] = Pix2PixConfig
    PRESETS: ClassVar[dict[str, NetConfig]] = {
        "compact": Pix2PixConfig(base_width=32, depth=7, max_mult=4),
    }

    config: Pix2PixConfig  # this family's own (`CONFIG`)

    def __init__(self, config: Pix2PixConfig | None = None) -> None:
        super().__init__(config)
        cfg: Pix2PixConfig = self.config
        widths = [cfg.base_width * min(2**i, cfg.max_mult) for i in range(cfg.depth)]
        self.down = nn.ModuleList()
        c_in = 1
        for i, width in enumerate(widths):
            layers: list[nn.Module] = [nn.Conv2d(c_in, width, 4, 2, 1, bias=False)]
            if 0 < i < cfg.depth - 1:
                layers.append(nn.BatchNorm2d(width))
            layers.append(nn.LeakyReLU(0.2, True))
            self.down.append(nn.Sequential(*layers))
            c_in = width
        # up[j] mirrors down[depth - 1 - j]; all but the innermost take a skip concatenation.
        self.up = nn.ModuleList()
        for j in range(cfg.depth - 1):
            c_in = widths[-1 - j] * (1 if j == 0 else 2)
            width = widths[-2 - j]
            layers = [nn.ConvTranspose2d(c_in, width, 4, 2, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(True)]
            if j < cfg.dropout_blocks:
                layers.append(nn.Dropout(cfg.dropout))
            self.up.append(nn.Sequential(*layers))
        self.out = nn.Sequential(nn.ConvTranspose2d(widths[0] * 2, 2, 4, 2, 1), nn.Tanh())

    def forward(self, l: Tensor) -> Tensor:
        """Colourize.

        Args:
            l: (B,1,H,W) float32 in [0, 100]; H, W divisible by 2**depth.
        Returns:
            ab: (B,2,H,W) float32 in CIELAB units, within [-110, 110].
        Raises:
            ValueError: naming the sizes when H or W is not divisible by 2**depth.
        """
        check_image(l, "l", 1, 2**self.config.depth)
        x = normalize_l(l)
        skips = []
        for block in self.down:
            x = block(x)
            skips.append(x)
        skips.pop()  # the innermost output feeds up[0] directly
        for block in self.up:
            x = block(x)
            x = torch.cat([skips.pop(), x], dim=1)
        return denormalize_ab(scale_chroma(self.out(x), self.config.chroma_gain, self.config.chroma_boost))


@dataclasses.dataclass(frozen=True)
class PatchDiscriminatorConfig(NetConfig):
    """Configuration of `PatchDiscriminator` (pix2pix "basic" 70x70 PatchGAN for n_layers=3).

    Attributes:
        base_width: width of the first conv.
        n_layers: number of stride-2 convs; width multiplier capped at 8.
    """

    base_width: int = 64
    n_layers: int = 3

    def __post_init__(self) -> None:
        if self.base_width < 1 or self.n_layers < 1:
            raise ValueError("base_width and n_layers must be positive")


class PatchDiscriminator(nn.Module):
    """PatchGAN discriminator on normalised (L, ab): ``forward(l, ab) -> logits``.

    Not a registered family: training builds it next to a `Pix2PixGenerator`.
    """

    def __init__(self, config: PatchDiscriminatorConfig | None = None) -> None:
        super().__init__()
        cfg = config or PatchDiscriminatorConfig()
        self.config = cfg
        layers: list[nn.Module] = [nn.Conv2d(3, cfg.base_width, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        c_in = cfg.base_width
        for n in range(1, cfg.n_layers + 1):
            width = cfg.base_width * min(2**n, 8)
            stride = 2 if n < cfg.n_layers else 1
            layers += [nn.Conv2d(c_in, width, 4, stride, 1, bias=False), nn.BatchNorm2d(width), nn.LeakyReLU(0.2, True)]
            c_in = width
        layers.append(nn.Conv2d(c_in, 1, 4, 1, 1))
        self.model = nn.Sequential(*layers)

    def forward(self, l: Tensor, ab: Tensor) -> Tensor:
        """Score patches as real (high) or fake (low).

        Args:
            l: (B,1,H,W) float32 in [0, 100].
            ab: (B,2,H,W) float32 in CIELAB units.
        Returns:
            logits: (B,1,h,w) float32, one per overlapping patch (h = H / 2**n_layers - 2).
        """
        check_image(l, "l", 1)
        check_image(ab, "ab", 2)
        return self.model(torch.cat([normalize_l(l), normalize_ab(ab)], dim=1))
