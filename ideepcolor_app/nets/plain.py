"""Plain convolutional encoder-decoder regressing ab (the simple baseline the papers beat).

No shortcuts, no hints, no classifier: stride-2 convs down to 1/16, transposed convs back up,
trained with MSE on ab. It exists as a reference point on the quality plot; the app offers
no backend for it.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from torch import Tensor, nn

from ideepcolor_app.color.norm import denormalize_ab, normalize_l

from .base import ColorNet, NetConfig
from .blocks import check_image
from .registry import register_network

__all__ = ["PlainConfig", "PlainEncoderDecoder"]


@dataclasses.dataclass(frozen=True)
class PlainConfig(NetConfig):
    """Configuration of `PlainEncoderDecoder`.

    Attributes:
        widths: widths of the encoder stages (each: a stride-2 3x3 conv and a 3x3 conv);
            the decoder mirrors them with 4x4 stride-2 transposed convs.
    """

    widths: tuple[int, ...] = (32, 64, 128, 256)

    def __post_init__(self) -> None:
        if not self.widths or min(self.widths) < 1:
            raise ValueError("widths must be a non-empty list of positive widths")


def _conv(c_in: int, c_out: int, stride: int = 1) -> list[nn.Module]:
    return [nn.Conv2d(c_in, c_out, 3, stride, 1), nn.BatchNorm2d(c_out), nn.ReLU(True)]


@register_network
class PlainEncoderDecoder(ColorNet):
    """``forward(l) -> ab`` with an hourglass of plain convolutions.

    Example:
        >>> import torch
        >>> net = PlainEncoderDecoder().eval()
        >>> tuple(net(torch.full((1, 1, 32, 32), 50.0)).shape)
        (1, 2, 32, 32)
    """

    FAMILY: ClassVar[str] = "plain"
    CONFIG: ClassVar[type[NetConfig]] = PlainConfig
    PRESETS: ClassVar[dict[str, NetConfig]] = {"compact": PlainConfig()}

    config: PlainConfig  # this family's own (`CONFIG`)

    def __init__(self, config: PlainConfig | None = None) -> None:
        super().__init__(config)
        widths = (1,) + tuple(self.config.widths)
        down: list[nn.Module] = []
        for c_in, c_out in zip(widths[:-1], widths[1:], strict=True):
            down += _conv(c_in, c_out, 2) + _conv(c_out, c_out)
        up: list[nn.Module] = []
        for c_in, c_out in zip(widths[:1:-1], widths[-2:0:-1], strict=True):
            up += [nn.ConvTranspose2d(c_in, c_out, 4, 2, 1), nn.BatchNorm2d(c_out), nn.ReLU(True)]
        up += [
            nn.ConvTranspose2d(widths[1], widths[1], 4, 2, 1),
            nn.ReLU(True),
            nn.Conv2d(widths[1], 2, 3, padding=1),
            nn.Tanh(),
        ]
        self.encoder = nn.Sequential(*down)
        self.decoder = nn.Sequential(*up)

    def forward(self, l: Tensor) -> Tensor:
        """Colourize (B,1,H,W) L in [0, 100] (H, W divisible by 2**len(widths)); returns ab."""
        check_image(l, "l", 1, 2 ** len(self.config.widths))
        return denormalize_ab(self.decoder(self.encoder(normalize_l(l))))
