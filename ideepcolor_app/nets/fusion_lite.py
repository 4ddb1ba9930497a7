"""Deep Koalarization's fusion (Baldassarre et al. 2017) on the shared encoder's features.

The design of `fusion.py`, with its from-scratch L encoder replaced by the frozen
EfficientNet-Lite0 taps at 1/8 and 1/16 (projected and merged at 1/8, like the paper's
mid-level encoder output): the pooled 1280-d embedding is broadcast over that grid and
concatenated (fusion), a 1x1 conv mixes them, and a decoder of 3x3 convs and 2x upsampling
returns tanh ab at 1/2, bilinearly upsampled to full size.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ideepcolor_app.color.norm import denormalize_ab

from .base import ColorNet, NetConfig
from .blocks import check_image, scale_chroma
from .lite_encoder import EMBED_DIM, LiteEncoder, shared_encoder
from .lite_heads import TapMerge, edge_conv, resize_to
from .registry import register_network

__all__ = ["FusionLiteConfig", "FusionLiteNet"]


@dataclasses.dataclass(frozen=True)
class FusionLiteConfig(NetConfig):
    """Configuration of `FusionLiteNet`.

    Attributes:
        enc_width: channels of the merged 1/8 features (the "encoder output").
        fusion_width: output channels of the 1x1 fusion conv.
        dec_widths: channels of the decoder convs at 1/8, 1/4 and 1/2.
        chroma_gain: factor on the output ab (see `scale_chroma`); set by `training.calibrate`.
        chroma_boost: raises weak chroma only (see `scale_chroma`); set by `training.calibrate`.
        pretrained_backbone: load the encoder's ImageNet weights (False: random, for tests).
        encoder_pad: the encoder sees the photo reflect-padded by this many pixels (a multiple
            of 32; see `LiteEncoder.forward`); 32 removes the frame that causes border stripes.
    """

    enc_width: int = 128
    fusion_width: int = 128
    dec_widths: tuple[int, ...] = (64, 32, 16)
    chroma_gain: float = 1.0
    chroma_boost: float = 1.0
    pretrained_backbone: bool = True
    encoder_pad: int = 0

    def __post_init__(self) -> None:
        if len(self.dec_widths) != 3 or min(self.enc_width, self.fusion_width, *self.dec_widths) < 1:
            raise ValueError("dec_widths needs 3 entries; all widths must be positive")


@register_network
class FusionLiteNet(ColorNet):
    """Automatic colourization with the embedding fused in: ``forward(l) -> ab``.

    Example:
        >>> net = FusionLiteNet(FusionLiteConfig(pretrained_backbone=False)).eval()
        >>> tuple(net(torch.full((1, 1, 64, 96), 50.0)).shape)
        (1, 2, 64, 96)
    """

    FAMILY: ClassVar[str] = "fusion_lite"
    CONFIG: ClassVar[type[NetConfig]] = FusionLiteConfig
    PRESETS: ClassVar[dict[str, NetConfig]] = {"compact": FusionLiteConfig(encoder_pad=32)}
    EXTERNAL_PREFIXES: ClassVar[tuple[str, ...]] = ("encoder.",)

    config: FusionLiteConfig  # this family's own (`CONFIG`)

    def __init__(self, config: FusionLiteConfig | None = None) -> None:
        super().__init__(config)
        cfg: FusionLiteConfig = self.config
        self.merge = TapMerge((8, 16), cfg.enc_width, embed=False)
        self.fusion = nn.Sequential(nn.Conv2d(cfg.enc_width + EMBED_DIM, cfg.fusion_width, 1), nn.ReLU(True))
        d0, d1, d2 = cfg.dec_widths
        self.decoder = nn.Sequential(
            edge_conv(cfg.fusion_width, d0),
            nn.ReLU(True),
            nn.Upsample(scale_factor=2, mode="bilinear"),
            edge_conv(d0, d1),
            nn.ReLU(True),
            nn.Upsample(scale_factor=2, mode="bilinear"),
            edge_conv(d1, d2),
            nn.ReLU(True),
            edge_conv(d2, 2),
            nn.Tanh(),
        )
        self.encoder: LiteEncoder = shared_encoder(cfg.pretrained_backbone)

    def forward(self, l: Tensor) -> Tensor:
        """Colourize.

        Args:
            l: (B,1,H,W) float32 in [0, 100]; H, W divisible by 8.
        Returns:
            ab: (B,2,H,W) float32 in CIELAB units, within [-110, 110].
        """
        h, w = check_image(l, "l", 1, 8)
        features = self.encoder(l, self.config.encoder_pad)
        x = F.relu(self.merge(features, (h // 8, w // 8)))
        grid = features.embedding.to(x.dtype)[:, :, None, None].expand(-1, -1, *x.shape[-2:])
        x = self.fusion(torch.cat([x, grid], dim=1))
        ab_norm = resize_to(self.decoder(x), (h, w))
        return denormalize_ab(scale_chroma(ab_norm, self.config.chroma_gain, self.config.chroma_boost))
