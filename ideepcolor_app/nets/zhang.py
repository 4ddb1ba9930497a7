"""Automatic colourization by classification over ab bins (Zhang et al., ECCV16).

A dilated VGG-style trunk on L alone (stride-2 convs down to 1/8, one transposed conv back to
1/4) ends in a 1x1 conv to Q bin logits. ``model_out`` is a fixed 1x1 conv whose weights are the
bin centres / 110, so the network carries its own bin set: 313 centres in an imported official
model (``full``), the 529-cell 23 x 23 grid (index ia * 23 + ib) in ours (``compact``). Module
names and indices follow richzhang/colorization ``colorizers/eccv16.py``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, ClassVar

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ideepcolor_app.color.bins import BinSet
from ideepcolor_app.color.norm import AB_NORM, normalize_l

from .base import ColorNet, NetConfig
from .blocks import check_image, conv_block, conv_layers, up_conv
from .registry import register_network

__all__ = ["AnnealedMean", "ZhangConfig", "ZhangNet", "bin_output_layer"]


@dataclasses.dataclass(frozen=True)
class ZhangConfig(NetConfig):
    """Configuration of `ZhangNet`; the defaults are the authors' network (``full``).

    Attributes:
        widths: widths of blocks ``model1`` ... ``model8``; blocks 1-3 end in a stride-2
            conv, ``model8`` starts with a 4x4 stride-2 transposed conv (1/8 -> 1/4).
        depths: number of 3x3 convs in each of the 8 blocks (``model8``: after the transposed
            conv, before the 1x1 conv to the bins).
        dilations: dilation of the convs of each of the 8 blocks.
        num_bins: Q; 529 means our 23 x 23 grid, which also fixes ``model_out``.
    """

    widths: tuple[int, ...] = (64, 128, 256, 512, 512, 512, 512, 256)
    depths: tuple[int, ...] = (2, 2, 3, 3, 3, 3, 3, 2)
    dilations: tuple[int, ...] = (1, 1, 1, 1, 2, 2, 1, 1)
    num_bins: int = 313

    def __post_init__(self) -> None:
        if not len(self.widths) == len(self.depths) == len(self.dilations) == 8:
            raise ValueError("widths, depths and dilations need 8 entries (model1..model8)")
        if min(self.depths) < 1 or self.num_bins < 1:
            raise ValueError("depths and num_bins must be positive")


def bin_output_layer(num_bins: int) -> nn.Conv2d:
    """The fixed 1x1 conv from bin probabilities to ab / 110: its weights are the bin centres.

    Our 529-bin grid is filled in here; an imported 313-bin model brings its own centres.
    """
    layer = nn.Conv2d(num_bins, 2, 1, bias=False)
    layer.weight.requires_grad_(False)
    with torch.no_grad():
        if num_bins == 529:
            layer.weight.copy_((BinSet.grid().centres / AB_NORM).t()[:, :, None, None])
        else:
            layer.weight.zero_()
    return layer


class AnnealedMean:
    """Decoding of a classification network's bin logits (mixin; needs ``model_out``)."""

    model_out: nn.Conv2d

    if TYPE_CHECKING:  # nn.Module's, in the networks that mix this in

        def __call__(self, l: Tensor) -> Tensor: ...

    def logits_layer(self) -> nn.Conv2d:
        """The conv that outputs the bin logits (temperature calibration scales it)."""
        raise NotImplementedError  # each network names its own

    def bin_centres(self) -> Tensor:
        """Return the bin centres read from ``model_out``, (Q, 2) float32 in CIELAB units."""
        return self.model_out.weight[:, :, 0, 0].t() * AB_NORM

    def annealed_mean(self, logits: Tensor, temperature: float = 0.38) -> Tensor:
        """Decode logits to ab: softmax(logits / T) then the expected bin centre.

        Args:
            logits: (B,Q,h,w) from `forward`.
            temperature: T > 0; 0.38 is the paper's default (smaller: more colourful).
        Returns:
            ab: (B,2,h,w) float32 in CIELAB units.
        Raises:
            ValueError: if ``temperature <= 0``.
        """
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0, got {temperature}")
        probs = torch.softmax(logits / temperature, dim=1)
        return torch.einsum("bqhw,qc->bchw", probs, self.bin_centres().to(probs.dtype))

    def colorize(self, l: Tensor, temperature: float = 0.38) -> Tensor:
        """Colourize: annealed mean at 1/4 resolution, then bilinear up to H x W.

        Args:
            l: (B,1,H,W) float32 in [0, 100].
            temperature: see `annealed_mean`.
        Returns:
            ab: (B,2,H,W) float32 in CIELAB units.
        """
        ab = self.annealed_mean(self(l), temperature)
        return F.interpolate(ab, size=l.shape[-2:], mode="bilinear", align_corners=False)


@register_network
class ZhangNet(AnnealedMean, ColorNet):
    """ECCV16 classification network: L -> bin logits -> annealed-mean ab.

    Example:
        >>> net = ZhangNet().eval()
        >>> ab = net.colorize(torch.full((1, 1, 64, 64), 50.0))
        >>> tuple(ab.shape)
        (1, 2, 64, 64)
    """

    FAMILY: ClassVar[str] = "zhang"
    CONFIG: ClassVar[type[NetConfig]] = ZhangConfig
    PRESETS: ClassVar[dict[str, NetConfig]] = {
        "full": ZhangConfig(),
        "compact": ZhangConfig(
            widths=(32, 64, 128, 128, 128, 128, 128, 96),
            depths=(2, 2, 3, 3, 2, 2, 2, 2),
            num_bins=529,
        ),
    }

    config: ZhangConfig  # this family's own (`CONFIG`)

    def __init__(self, config: ZhangConfig | None = None) -> None:
        super().__init__(config)
        cfg: ZhangConfig = self.config
        widths = (1,) + cfg.widths
        for i in range(7):
            depth, stride = cfg.depths[i], 2 if i < 3 else 1
            channels = [widths[i]] + [widths[i + 1]] * depth
            strides = [1] * (depth - 1) + [stride]
            block = conv_block(channels, stride=strides, dilation=cfg.dilations[i])
            self.add_module(f"model{i + 1}", block)
        width = cfg.widths[7]
        tail = conv_layers([width] * (cfg.depths[7] + 1), dilation=cfg.dilations[7], norm=False)
        self.model8 = nn.Sequential(
            up_conv(cfg.widths[6], width),
            nn.ReLU(True),
            *tail,
            nn.Conv2d(width, cfg.num_bins, 1),
        )
        self.model_out = bin_output_layer(cfg.num_bins)

    def logits_layer(self) -> nn.Conv2d:
        """The conv that outputs the bin logits (temperature calibration scales it)."""
        layer = self.model8[-1]
        if not isinstance(layer, nn.Conv2d):
            raise TypeError(f"model8 ends in a {type(layer).__name__}, not the logits conv")
        return layer

    def forward(self, l: Tensor) -> Tensor:
        """Predict bin logits.

        Args:
            l: (B,1,H,W) float32, CIELAB lightness in [0, 100]; H, W divisible by 8.
        Returns:
            logits: (B,Q,H/4,W/4) float32, unnormalised scores over the bins.
        """
        check_image(l, "l", 1, 8)
        x = normalize_l(l)
        for i in range(1, 9):
            x = getattr(self, f"model{i}")(x)
        return x
