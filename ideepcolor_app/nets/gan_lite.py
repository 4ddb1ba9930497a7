"""A pix2pix generator whose encoder is the shared, frozen EfficientNet-Lite0.

The U-Net's down path is the pretrained encoder (taps at 1/32 ... 1/2 and the pooled
embedding); the trained up path starts at 1/32 with the embedding added, and at each scale
upsamples, concatenates the tap of that scale (the U-Net skip) and applies two 3x3 convs. At
1/2 the L channel joins for edges; the output is tanh ab, bilinearly upsampled to full size.
Trained with the PatchGAN critic of `pix2pix.py` (adversarial + lambda * L1).
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ideepcolor_app.color.norm import denormalize_ab, normalize_l

from .base import ColorNet, NetConfig
from .blocks import check_image, scale_chroma
from .lite_encoder import TAP_CHANNELS, LiteEncoder, shared_encoder
from .lite_heads import TapMerge, edge_conv, resize_to
from .registry import register_network

__all__ = ["GanLiteConfig", "GanLiteGenerator"]

#: Skip strides of the up path, coarse to fine, after the 1/32 start.
_SKIPS = (16, 8, 4, 2)


@dataclasses.dataclass(frozen=True)
class GanLiteConfig(NetConfig):
    """Configuration of `GanLiteGenerator`.

    Attributes:
        widths: channels at 1/32, 1/16, 1/8, 1/4 and 1/2.
        chroma_gain: factor on the output ab (see `scale_chroma`); set by `training.calibrate`.
        chroma_boost: raises weak chroma only (see `scale_chroma`); set by `training.calibrate`.
        pretrained_backbone: load the encoder's ImageNet weights (False: random, for tests).
        encoder_pad: the encoder sees the photo reflect-padded by this many pixels (a multiple
            of 32; see `LiteEncoder.forward`); 32 removes the frame that causes border stripes.
    """

    widths: tuple[int, ...] = (96, 64, 48, 32, 16)
    chroma_gain: float = 1.0
    chroma_boost: float = 1.0
    pretrained_backbone: bool = True
    encoder_pad: int = 0

    def __post_init__(self) -> None:
        if len(self.widths) != 5 or min(self.widths) < 1:
            raise ValueError("widths needs 5 positive entries (1/32, 1/16, 1/8, 1/4, 1/2)")


@register_network
class GanLiteGenerator(ColorNet):
    """U-Net generator on the shared encoder: ``forward(l) -> ab``.

    Example:
        >>> net = GanLiteGenerator(GanLiteConfig(pretrained_backbone=False)).eval()
        >>> tuple(net(torch.full((1, 1, 64, 96), 50.0)).shape)
        (1, 2, 64, 96)
    """

    FAMILY: ClassVar[str] = "gan_lite"
    CONFIG: ClassVar[type[NetConfig]] = GanLiteConfig
    PRESETS: ClassVar[dict[str, NetConfig]] = {"compact": GanLiteConfig(encoder_pad=32)}
    EXTERNAL_PREFIXES: ClassVar[tuple[str, ...]] = ("encoder.",)

    config: GanLiteConfig  # this family's own (`CONFIG`)

    def __init__(self, config: GanLiteConfig | None = None) -> None:
        super().__init__(config)
        cfg: GanLiteConfig = self.config
        self.start = TapMerge((32,), cfg.widths[0])
        self.up = nn.ModuleList()
        for stride, c_in, c_out in zip(_SKIPS, cfg.widths[:-1], cfg.widths[1:], strict=True):
            extra = 1 if stride == 2 else 0  # L joins at 1/2
            self.up.append(
                nn.Sequential(
                    edge_conv(c_in + TAP_CHANNELS[stride] + extra, c_out),
                    nn.ReLU(True),
                    edge_conv(c_out, c_out),
                    nn.ReLU(True),
                )
            )
        self.out = nn.Sequential(edge_conv(cfg.widths[-1], 2), nn.Tanh())
        self.encoder: LiteEncoder = shared_encoder(cfg.pretrained_backbone)

    def forward(self, l: Tensor) -> Tensor:
        """Colourize.

        Args:
            l: (B,1,H,W) float32 in [0, 100]; H, W divisible by 2.
        Returns:
            ab: (B,2,H,W) float32 in CIELAB units, within [-110, 110].
        """
        h, w = check_image(l, "l", 1, 2)
        features = self.encoder(l, self.config.encoder_pad)
        top = features.taps[32]
        x = F.relu(self.start(features, top.shape[-2:]))
        for stride, block in zip(_SKIPS, self.up, strict=True):
            skip = features.taps[stride]
            parts = [resize_to(x, skip.shape[-2:]), skip]
            if stride == 2:
                parts.append(resize_to(normalize_l(l), skip.shape[-2:]))
            x = block(torch.cat(parts, dim=1))
        ab_norm = resize_to(self.out(x), (h, w))
        return denormalize_ab(scale_chroma(ab_norm, self.config.chroma_gain, self.config.chroma_boost))
