"""Zhang et al.'s classification over ab bins, as a small head on the shared encoder.

ECCV16's recipe (soft-encoded, rebalanced cross-entropy over colour bins; annealed-mean
decoding) on the frozen EfficientNet-Lite0 taps instead of a VGG trunk trained from scratch on
our few hundred photos: the taps at 1/4 ... 1/32 and the pooled embedding are merged at 1/4
resolution, a dilated residual stack widens the context, and a 1x1 conv gives the 529 bin
logits. Same interface as `ZhangNet` (``forward`` -> logits at 1/4, ``annealed_mean``,
``bin_centres``, ``colorize``), so the `zhang` backend and trainer run either.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import torch.nn.functional as F
from torch import Tensor, nn

from ideepcolor_app.color.norm import denormalize_ab, normalize_ab

from .base import ColorNet, NetConfig
from .blocks import check_image, scale_chroma
from .lite_encoder import LiteEncoder, shared_encoder
from .lite_heads import TapMerge, edge_conv
from .registry import register_network
from .zhang import AnnealedMean, bin_output_layer

__all__ = ["ZhangLiteConfig", "ZhangLiteNet"]


@dataclasses.dataclass(frozen=True)
class ZhangLiteConfig(NetConfig):
    """Configuration of `ZhangLiteNet`.

    Attributes:
        width: channels of the 1/4-resolution head.
        dilations: one residual 3x3 conv per entry.
        num_bins: Q; 529 is our 23 x 23 grid (index ia * 23 + ib).
        pretrained_backbone: load the encoder's ImageNet weights (False: random, for tests).
        encoder_pad: the encoder sees the photo reflect-padded by this many pixels (a multiple
            of 32; see `LiteEncoder.forward`); 32 removes the frame that causes border stripes.
        chroma_gain: factor on the decoded ab, set by `training.calibrate`. The head's
            distributions are peaked, so the temperature hardly moves its colourfulness.
        chroma_boost: raises weak chroma only (see `scale_chroma`); set by `training.calibrate`.
    """

    width: int = 64
    dilations: tuple[int, ...] = (1, 2, 4, 1)
    num_bins: int = 529
    pretrained_backbone: bool = True
    encoder_pad: int = 0
    chroma_gain: float = 1.0
    chroma_boost: float = 1.0

    def __post_init__(self) -> None:
        if self.width < 1 or self.num_bins < 1:
            raise ValueError("width and num_bins must be positive")


@register_network
class ZhangLiteNet(AnnealedMean, ColorNet):
    """L -> shared encoder -> bin logits at 1/4 -> annealed-mean ab.

    Example:
        >>> import torch
        >>> net = ZhangLiteNet(ZhangLiteConfig(pretrained_backbone=False)).eval()
        >>> tuple(net(torch.full((1, 1, 64, 96), 50.0)).shape)
        (1, 529, 16, 24)
    """

    FAMILY: ClassVar[str] = "zhang_lite"
    CONFIG: ClassVar[type[NetConfig]] = ZhangLiteConfig
    PRESETS: ClassVar[dict[str, NetConfig]] = {"compact": ZhangLiteConfig(encoder_pad=32)}
    EXTERNAL_PREFIXES: ClassVar[tuple[str, ...]] = ("encoder.",)

    config: ZhangLiteConfig  # this family's own (`CONFIG`)

    def __init__(self, config: ZhangLiteConfig | None = None) -> None:
        super().__init__(config)
        cfg: ZhangLiteConfig = self.config
        self.merge = TapMerge((4, 8, 16, 32), cfg.width)
        self.stack = nn.ModuleList(edge_conv(cfg.width, cfg.width, d) for d in cfg.dilations)
        self.model_class = nn.Conv2d(cfg.width, cfg.num_bins, 1)
        self.model_out = bin_output_layer(cfg.num_bins)
        self.encoder: LiteEncoder = shared_encoder(cfg.pretrained_backbone)

    def logits_layer(self) -> nn.Conv2d:
        """The conv that outputs the bin logits (temperature calibration scales it)."""
        return self.model_class

    def annealed_mean(self, logits: Tensor, temperature: float = 0.38) -> Tensor:
        """Decode logits to ab (see `AnnealedMean.annealed_mean`), times the chroma gain."""
        ab = super().annealed_mean(logits, temperature)
        if self.config.chroma_gain == 1.0 and self.config.chroma_boost == 1.0:
            return ab
        return denormalize_ab(scale_chroma(normalize_ab(ab), self.config.chroma_gain, self.config.chroma_boost))

    def forward(self, l: Tensor) -> Tensor:
        """Predict bin logits.

        Args:
            l: (B,1,H,W) float32, CIELAB lightness in [0, 100]; H, W divisible by 4.
        Returns:
            logits: (B,Q,H/4,W/4) float32, unnormalised scores over the bins.
        """
        h, w = check_image(l, "l", 1, 4)
        x = F.relu(self.merge(self.encoder(l, self.config.encoder_pad), (h // 4, w // 4)))
        for conv in self.stack:
            x = x + F.relu(conv(x))
        return self.model_class(x)
