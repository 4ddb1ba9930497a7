"""Hints network that builds on edge-aware propagation instead of fighting it.

The `hints` backend's network. What it sees:

* L-only, cached per photo (`encode`): the frozen, pretrained EfficientNet-Lite0 run on L at
  several scales (1/2, 1/4, 1/8, 1/16, 1/32 and its pooled 1280-d embedding: the only
  ImageNet knowledge we can ship), merged FPN-style into a 1/4-resolution context map by
  trained 1x1 projections, plus a small 1/2-resolution L feature map for edges.
* Per edit (`decode`): the sparse hints (pooled: mean colour, density, occupancy), the
  propagated hint colour and its confidence (`ideepcolor_app.propagation.CoarsePropagator`),
  and the global hints (colour histogram, saturation), all entering at 1/4 resolution before a
  dilated residual stack, so the whole decoder can use them.

The output is ``confidence * propagated + delta``: where hints reach, the network starts from
their propagated colour and adds what propagation cannot know; where none reach, delta is its
own colourization. The last conv starts at zero, so an untrained network is the confidence-
weighted propagation. A calibrated `propagation_blend` then leans the result towards the
propagated colour where it is confident (an ensemble of the two, chosen on val). `colorize`
then adds the hints' residual (hint minus result), spread the
way the hints spread, so every hint's colour appears on its patch (hint fidelity).
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ideepcolor_app.color.norm import denormalize_ab, normalize_ab, normalize_l

from .base import ColorNet, NetConfig
from .blocks import check_image, zero_init, zeros_like_channels
from .hints_unet import _switchable, pooled_hints
from .lite_encoder import EMBED_DIM, TAP_CHANNELS, LiteEncoder, shared_encoder
from .registry import register_network

__all__ = ["PropagatedHintsConfig", "PropagatedHintsNet", "PropagatedCache"]

#: Bias of the learned blend gate: with the gate's conv at zero, sigmoid(4) = 0.98 of the
#: confidence, close to the calibrated propagation_blend = 1 it starts from.
GATE_BIAS = 4.0

#: Lateral key (the EfficientNet-Lite0 block index, kept for the state-dict keys) -> tap stride.
_LATERALS = {2: 4, 4: 8, 10: 16, 15: 32}


@dataclasses.dataclass(frozen=True)
class PropagatedHintsConfig(NetConfig):
    """Configuration of `PropagatedHintsNet`.

    Attributes:
        width: channels of the 1/4-resolution decoder.
        dilations: one residual 3x3 conv per entry, at 1/4 resolution.
        fine_width: channels of the 1/2-resolution stage.
        num_bins: Q, bins of the distribution head (529 = 23 x 23 grid, index ia * 23 + ib).
        pretrained_backbone: load the ImageNet weights (False: random init, for tests).
        propagation_blend: b in [0, 1]; the output moves towards the propagated colour by
            b x confidence (0: the network as trained). Chosen on val by `training.calibrate`.
        learned_blend: the network predicts, per pixel, how far the result leans towards the
            propagated colour (a gate on the confidence, trained with it); replaces
            `propagation_blend`, which must then be 0.
    """

    width: int = 48
    dilations: tuple[int, ...] = (1, 2, 4, 8, 1)
    fine_width: int = 16
    num_bins: int = 529
    pretrained_backbone: bool = True
    propagation_blend: float = 0.0
    learned_blend: bool = False

    def __post_init__(self) -> None:
        if not 0.0 <= self.propagation_blend <= 1.0:
            raise ValueError(f"propagation_blend must be in [0, 1], got {self.propagation_blend}")
        if self.learned_blend and self.propagation_blend:
            raise ValueError("learned_blend replaces propagation_blend: set propagation_blend = 0")


@dataclasses.dataclass
class PropagatedCache:
    """L-only work of `encode`: (B,width,H/4,W/4) context and (B,fine,H/2,W/2) edges."""

    l_norm: Tensor
    context: Tensor
    fine: Tensor

    @property
    def size(self) -> tuple[int, int]:
        return int(self.l_norm.shape[-2]), int(self.l_norm.shape[-1])


def _pool_to(x: Tensor, size: tuple[int, int]) -> Tensor:
    return F.adaptive_avg_pool2d(x, size)


@register_network
class PropagatedHintsNet(ColorNet):
    """L + hints + propagated hints -> ab, with a cacheable L-only part.

    Example:
        >>> net = PropagatedHintsNet(PropagatedHintsConfig(pretrained_backbone=False)).eval()
        >>> cache = net.encode(torch.full((1, 1, 64, 96), 50.0))
        >>> ab, _ = net.decode(cache, torch.zeros(1, 2, 64, 96), torch.zeros(1, 1, 64, 96))
        >>> tuple(ab.shape)
        (1, 2, 64, 96)
    """

    FAMILY: ClassVar[str] = "propagated_hints"
    CONFIG: ClassVar[type[NetConfig]] = PropagatedHintsConfig
    PRESETS: ClassVar[dict[str, NetConfig]] = {"compact": PropagatedHintsConfig()}
    EXTERNAL_PREFIXES: ClassVar[tuple[str, ...]] = ("backbone.",)

    config: PropagatedHintsConfig  # this family's own (`CONFIG`)

    def __init__(self, config: PropagatedHintsConfig | None = None) -> None:
        super().__init__(config)
        cfg: PropagatedHintsConfig = self.config
        c = cfg.width
        self.lateral = nn.ModuleDict({str(i): nn.Conv2d(TAP_CHANNELS[s], c, 1) for i, s in _LATERALS.items()})
        self.embedding = nn.Linear(EMBED_DIM, c)
        self.context = nn.Sequential(nn.ReLU(True), nn.Conv2d(c, c, 3, padding=1), nn.ReLU(True))
        self.fine_l = nn.Sequential(nn.Conv2d(TAP_CHANNELS[2] + 1, cfg.fine_width, 3, padding=1), nn.ReLU(True))
        self.hint_in = nn.Sequential(nn.Conv2d(7, c, 1), nn.ReLU(True), nn.Conv2d(c, c, 1))
        self.stack = nn.ModuleList(nn.Conv2d(c, c, 3, padding=d, dilation=d) for d in cfg.dilations)
        self.global_hist = nn.Conv2d(cfg.num_bins + 1, c, 1)
        self.global_sat = nn.Conv2d(2, c, 1)
        self.global_mlp = nn.Sequential(nn.Conv2d(c, c, 1), nn.ReLU(True), nn.Conv2d(c, c, 1))
        self.model_class = nn.Conv2d(c, cfg.num_bins, 1)
        self.squeeze = nn.Conv2d(c, cfg.fine_width, 1)
        self.fine = nn.Sequential(
            nn.Conv2d(2 * cfg.fine_width + 7, cfg.fine_width, 3, padding=1),
            nn.ReLU(True),
            zero_init(nn.Conv2d(cfg.fine_width, 2, 1)),
        )
        if cfg.learned_blend:
            self.blend_gate = zero_init(nn.Conv2d(cfg.fine_width, 1, 1))
        # The shared frozen encoder, under the name (and so the state-dict keys) it always had.
        self.backbone: LiteEncoder = shared_encoder(cfg.pretrained_backbone)

    def encode(self, l: Tensor) -> PropagatedCache:
        """Do the L-only work. l: (B,1,H,W) float32 CIELAB L in [0, 100]; H, W divisible by 4."""
        check_image(l, "l", 1, 4)
        h, w = l.shape[-2:]
        quarter, half = (h // 4, w // 4), (h // 2, w // 2)
        features = self.backbone(l)
        context = self.embedding(features.embedding)[:, :, None, None]
        for key, conv in self.lateral.items():
            lateral = conv(features.taps[_LATERALS[int(key)]])
            if tuple(lateral.shape[-2:]) != quarter:
                lateral = F.interpolate(lateral, size=quarter, mode="bilinear", align_corners=False)
            context = context + lateral
        l_norm = normalize_l(l)
        edges = torch.cat([_pool_to(features.taps[2], half), _pool_to(l_norm, half)], dim=1)
        return PropagatedCache(l_norm, self.context(context), self.fine_l(edges))

    def decode(
        self,
        cache: PropagatedCache,
        hint_ab: Tensor,
        hint_mask: Tensor,
        hist: Tensor | None = None,
        sat: Tensor | None = None,
        prop_ab: Tensor | None = None,
        prop_conf: Tensor | None = None,
        want_logits: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Colourize from a cache, the hints and their propagation.

        Args:
            cache: from `encode` on the same image.
            hint_ab: (B,2,H,W) float32 CIELAB; zero where there is no hint.
            hint_mask: (B,1,H,W) float32; 1.0 on hint patches.
            hist: (B,Q) bin probabilities or None (off; NaN rows are off too).
            sat: (B,1) mean HSV saturation or None (off).
            prop_ab: (B,2,H,W) propagated hint colour, CIELAB; None: zeros.
            prop_conf: (B,1,H,W) its confidence in [0, 1]; None: zeros.
            want_logits: also return the distribution head.
        Returns:
            ab: (B,2,H,W) float32 CIELAB within [-110, 110]; logits (B,Q,H/4,W/4) or None.
        """
        h, w = cache.size
        quarter, half = (h // 4, w // 4), (h // 2, w // 2)
        mask = hint_mask.to(cache.l_norm.dtype)
        prop_ab = zeros_like_channels(hint_mask, 2) if prop_ab is None else prop_ab
        prop_conf = zeros_like_channels(hint_mask, 1) if prop_conf is None else prop_conf
        prop = torch.cat([normalize_ab(prop_ab) * prop_conf, prop_conf], dim=1)
        hints = pooled_hints(normalize_ab(hint_ab) * mask, mask, [2, 4])
        x = cache.context + self.hint_in(torch.cat([hints[4], _pool_to(prop, quarter)], dim=1))
        x = x + self._global_features(hist, sat, cache.l_norm)
        for conv in self.stack:
            x = x + F.relu(conv(x))
        logits = self.model_class(x) if want_logits else None
        up = F.interpolate(self.squeeze(x), size=half, mode="bilinear", align_corners=False)
        fine_in = torch.cat([up, cache.fine, hints[2], _pool_to(prop, half)], dim=1)
        hidden = self.fine[:-1](fine_in)
        delta = F.interpolate(self.fine[-1](hidden), size=(h, w), mode="bilinear", align_corners=False)
        ab_norm = (prop[:, :2] + delta).clamp(-1.0, 1.0)
        lean: Tensor | float = self.config.propagation_blend
        if self.config.learned_blend:
            gate = F.interpolate(self.blend_gate(hidden), size=(h, w), mode="bilinear", align_corners=False)
            lean = torch.sigmoid(gate + GATE_BIAS)
        if self.config.learned_blend or lean > 0:
            ab_norm = torch.lerp(ab_norm, normalize_ab(prop_ab), lean * prop_conf)
        return denormalize_ab(ab_norm), logits

    def forward(
        self,
        l: Tensor,
        hint_ab: Tensor | None = None,
        hint_mask: Tensor | None = None,
        hist: Tensor | None = None,
        sat: Tensor | None = None,
        prop_ab: Tensor | None = None,
        prop_conf: Tensor | None = None,
    ) -> Tensor:
        """Colourize `l` (B,1,H,W); None hints or propagation mean none (zeros)."""
        hint_ab = zeros_like_channels(l, 2) if hint_ab is None else hint_ab
        hint_mask = zeros_like_channels(l, 1) if hint_mask is None else hint_mask
        return self.decode(self.encode(l), hint_ab, hint_mask, hist, sat, prop_ab, prop_conf)[0]

    def _global_features(self, hist: Tensor | None, sat: Tensor | None, ref: Tensor) -> Tensor:
        """(B,width,1,1) offset from the global hints (zero-valued inputs when off)."""
        hist_in = _switchable(hist, self.config.num_bins, "hist", ref)
        sat_in = _switchable(sat, 1, "sat", ref)
        return self.global_mlp(self.global_hist(hist_in) + self.global_sat(sat_in))
