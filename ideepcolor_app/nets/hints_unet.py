"""Local/global hints U-Net (SIGGRAPH17 family): L plus sparse user hints -> ab.

Two designs share one class and the authors' module names (``model1`` ... ``model10``):

* ``full`` (``late_hints=False``): the authors' network, key for key (richzhang/colorization
  ``colorizers/siggraph17.py``). The hints enter at the input as 4 channels
  (L, ab, mask), so ``encode`` can only normalise L and ``decode`` runs everything.
* ``compact`` (``late_hints=True``, what we train and ship): an L-only encoder
  (``model1`` ... ``model6``, down to 1/8, dilated at the bottleneck) and the L-only shortcut
  convs are computed once in ``encode``. The hints enter after it: hint ab and mask are
  average-pooled to 1/8, 1/4, ... (mean hint colour, mask density, occupancy), go through small
  1x1 convs (``hint8``, ``hint4``, ``hint2``) and are added to the features; a dilated block
  at 1/8 (``model7``, dilations 1-2-4-8) spreads colour across the image, then the decoder
  goes up to 1/2 with the cached shortcuts. Output ab is upsampled bilinearly to H x W. The
  distribution head reads the 1/4-resolution decoder features, as in the authors' network.

Global hints (``global_hints=True``): a colour histogram (+ on/off flag) and a mean HSV
saturation (+ flag) each pass a 1x1 conv, are summed, go through three 1x1 conv + ReLU and are
broadcast-added at the bottleneck (the input of ``model7``). The paper also puts BatchNorm after
each of those three layers; we leave it out. It normalises one value per sample, so a batch whose
global hints are all switched off has zero variance. Its running variance then collapses, and in
eval mode any drift of the input from the running mean is amplified hundreds of times. We
measured this: after training with global hints off, eval-mode PSNR fell to 9 dB, against 22 dB
in train mode.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ideepcolor_app.color.norm import denormalize_ab, normalize_ab, normalize_l

from .base import ColorNet, NetConfig
from .blocks import check_image, conv_block, up_conv, zeros_like_channels
from .registry import register_network

__all__ = ["HintsCache", "HintsConfig", "HintsUNet"]

_UP = ("model8up", "model9up", "model10up")
_SHORT = ("model3short8", "model2short9", "model1short10")
_DEC = ("model8", "model9", "model10")
_HINT = ("hint4", "hint2", "hint1")


@dataclasses.dataclass(frozen=True)
class HintsConfig(NetConfig):
    """Configuration of `HintsUNet`; the defaults are the authors' network (``full``).

    Attributes:
        enc_widths: output widths of the 7 encoder blocks ``model1`` ... ``model7``; blocks 1-3
            are followed by 2x subsampling, so blocks 4-7 run at 1/8 resolution.
        enc_dilations: per encoder block, the dilation of each of its 3x3 convs (its depth).
        dec_widths: widths of the decoder stages at 1/4, 1/2, 1/1 (``model8``, ``model9``,
            ``model10``); 1 to 3 stages, the output is upsampled bilinearly to H x W.
        dec_depths: number of 3x3 convs per decoder stage.
        num_bins: Q, colour bins of the distribution head ``model_class`` (529 = 23 x 23 grid,
            index ia * 23 + ib).
        late_hints: False = hints at the input (authors); True = hints after the cached
            L-only encoder (compact design).
        global_hints: add the global-hints branch (histogram and saturation).
        mask_offset: added to the 0/1 hint mask at the input (``late_hints=False`` only).
            0.0 for ``siggraph17-df00044c.pth`` (richzhang/colorization ``siggraph17.py`` feeds
            the mask as 0/1, as the checkpoint converted from Caffe expects); -0.5 for
            checkpoints retrained with richzhang/colorization-pytorch (``--mask_cent 0.5``,
            interactive-deep-colorization's ``--pytorch_maskcent`` "for siggraph_pretrained
            but not for converted caffemodel").
    """

    enc_widths: tuple[int, ...] = (64, 128, 256, 512, 512, 512, 512)
    enc_dilations: tuple[tuple[int, ...], ...] = (
        (1, 1),
        (1, 1),
        (1, 1, 1),
        (1, 1, 1),
        (2, 2, 2),
        (2, 2, 2),
        (1, 1, 1),
    )
    dec_widths: tuple[int, ...] = (256, 128, 128)
    dec_depths: tuple[int, ...] = (2, 1, 1)
    num_bins: int = 529
    late_hints: bool = False
    global_hints: bool = False
    mask_offset: float = 0.0

    def __post_init__(self) -> None:
        if len(self.enc_widths) != 7 or len(self.enc_dilations) != 7:
            raise ValueError("enc_widths and enc_dilations need 7 entries (model1..model7)")
        if any(len(d) < 1 for d in self.enc_dilations):
            raise ValueError("every encoder block needs at least one conv")
        if not 1 <= len(self.dec_widths) == len(self.dec_depths) <= 3:
            raise ValueError("dec_widths and dec_depths need the same length, 1 to 3")
        if min(self.dec_depths) < 1 or self.num_bins < 1:
            raise ValueError("dec_depths and num_bins must be positive")
        if self.late_hints and self.mask_offset != 0.0:
            raise ValueError("mask_offset applies only to input hints (late_hints=False)")


@dataclasses.dataclass
class HintsCache:
    """L-only work of `HintsUNet.encode`, reused by every `decode` of the same image.

    Attributes:
        l_norm: (B,1,H,W) float32, normalised lightness (L - 50) / 100.
        features: name -> cached L-only feature map (empty for the ``full`` design).
    """

    l_norm: Tensor
    features: dict[str, Tensor]

    @property
    def size(self) -> tuple[int, int]:
        """(H, W) of the image this cache was computed for."""
        return int(self.l_norm.shape[-2]), int(self.l_norm.shape[-1])


def _hint_injector(width: int) -> nn.Sequential:
    """1x1 convs mapping pooled hints (B,4,h,w) to a (B,width,h,w) feature offset."""
    return nn.Sequential(nn.Conv2d(4, width, 1), nn.ReLU(True), nn.Conv2d(width, width, 1))


def pooled_hints(ab_norm: Tensor, mask: Tensor, factors: list[int]) -> dict[int, Tensor]:
    """Summarise hints per ``f x f`` cell, for each power-of-two factor f in `factors`.

    Args:
        ab_norm: (B,2,H,W) hint ab at network scale (ab / 110), zero where no hint.
        mask: (B,1,H,W) 1.0 at hinted pixels, else 0.0.
        factors: powers of two; H and W must be divisible by each.
    Returns:
        factor -> (B,4,H/f,W/f): mean hint ab over the hinted pixels of each cell (0 where
        none), mask density in [0, 1], and occupancy (1.0 where the cell holds any hint).
    """
    sums = torch.cat([ab_norm * mask, mask], dim=1)
    maps: dict[int, Tensor] = {}
    factor = 1
    while True:
        if factor in factors:
            ab_sum, density = sums[:, :2], sums[:, 2:]
            ab_mean = ab_sum / density.clamp_min(1e-6)
            maps[factor] = torch.cat([ab_mean, density, (density > 0).to(mask.dtype)], dim=1)
        if factor >= max(factors):
            return maps
        # Averages of equal-size cells nest, so pool 2x from the previous level.
        sums = F.avg_pool2d(sums, 2)
        factor *= 2


@register_network
class HintsUNet(ColorNet):
    """User-guided colourization U-Net with a cacheable L-only part.

    Example:
        >>> net = HintsUNet().eval()
        >>> l = torch.full((1, 1, 64, 64), 50.0)
        >>> cache = net.encode(l)
        >>> ab, _ = net.decode(cache, torch.zeros(1, 2, 64, 64), torch.zeros(1, 1, 64, 64))
        >>> tuple(ab.shape)
        (1, 2, 64, 64)
    """

    FAMILY: ClassVar[str] = "hints"
    CONFIG: ClassVar[type[NetConfig]] = HintsConfig
    PRESETS: ClassVar[dict[str, NetConfig]] = {
        "full": HintsConfig(),
        "compact": HintsConfig(
            enc_widths=(32, 64, 128, 128, 128, 128, 128),
            enc_dilations=((1, 1), (1, 1), (1, 1), (1, 1), (2, 2), (2, 2), (1, 2, 4, 8)),
            dec_widths=(64, 32),
            dec_depths=(2, 1),
            late_hints=True,
            global_hints=True,
        ),
    }

    config: HintsConfig  # this family's own (`CONFIG`)
    # The encoder blocks, added by name (the authors' state-dict keys).
    model1: nn.Sequential
    model2: nn.Sequential
    model3: nn.Sequential
    model4: nn.Sequential
    model5: nn.Sequential
    model6: nn.Sequential
    model7: nn.Sequential

    def __init__(self, config: HintsConfig | None = None) -> None:
        super().__init__(config)
        cfg: HintsConfig = self.config
        widths = (1 if cfg.late_hints else 4,) + cfg.enc_widths
        for i, dilations in enumerate(cfg.enc_dilations):
            channels = [widths[i]] + [widths[i + 1]] * len(dilations)
            self.add_module(f"model{i + 1}", conv_block(channels, dilation=dilations))
        bottleneck = cfg.enc_widths[6]
        dec_in = (bottleneck,) + cfg.dec_widths
        for i, (width, depth) in enumerate(zip(cfg.dec_widths, cfg.dec_depths, strict=True)):
            self.add_module(_UP[i], nn.Sequential(up_conv(dec_in[i], width)))
            short = nn.Conv2d(cfg.enc_widths[2 - i], width, 3, padding=1)
            self.add_module(_SHORT[i], nn.Sequential(short))
            # The full-resolution stage ends in LeakyReLU, no BatchNorm (the authors' model10).
            last = i == 2
            block = conv_block([width] * (depth + 1), init_relu=True, norm=not last, act="leaky" if last else "relu")
            self.add_module(_DEC[i], block)
            if cfg.late_hints:
                self.add_module(_HINT[i], _hint_injector(width))
        self.model_class = nn.Sequential(nn.Conv2d(cfg.dec_widths[0], cfg.num_bins, 1))
        self.model_out = nn.Sequential(nn.Conv2d(cfg.dec_widths[-1], 2, 1), nn.Tanh())
        if cfg.late_hints:
            self.hint8 = _hint_injector(cfg.enc_widths[5])
        if cfg.global_hints:
            width = cfg.enc_widths[5]
            self.global_hist = nn.Conv2d(cfg.num_bins + 1, width, 1)
            self.global_sat = nn.Conv2d(2, width, 1)
            layers: list[nn.Module] = []
            for _ in range(3):
                layers += [nn.Conv2d(width, width, 1), nn.ReLU(True)]
            self.global_mlp = nn.Sequential(*layers)

    def encode(self, l: Tensor) -> HintsCache:
        """Do all the work that depends on L alone.

        Args:
            l: (B,1,H,W) float32, CIELAB lightness in [0, 100]; H, W divisible by 8.
        Returns:
            An opaque `HintsCache` for `decode`.
        """
        check_image(l, "l", 1, 8)
        l_norm = normalize_l(l)
        if not self.config.late_hints:
            return HintsCache(l_norm, {})
        c1, c2, c3, x = self._trunk(l_norm)
        features = {"bottleneck": x}
        for i, source in enumerate((c3, c2, c1)[: len(self.config.dec_widths)]):
            features[_SHORT[i]] = getattr(self, _SHORT[i])(source)
        return HintsCache(l_norm, features)

    def decode(
        self,
        cache: HintsCache,
        hint_ab: Tensor,
        hint_mask: Tensor,
        hist: Tensor | None = None,
        sat: Tensor | None = None,
        want_logits: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Colourize from a cache and the current hints.

        Args:
            cache: from `encode` on the same image.
            hint_ab: (B,2,H,W) float32 in CIELAB units; zero where there is no hint.
            hint_mask: (B,1,H,W) float32; 1.0 at hinted pixels, else 0.0.
            hist: (B,Q) colour-bin probabilities, or None (histogram hint off). A row holding
                NaN switches the hint off for that sample.
            sat: (B,1) mean HSV saturation in [0, 1], or None (off); NaN rows are off.
            want_logits: also return the distribution head (skipped otherwise).
        Returns:
            ab: (B,2,H,W) float32 in CIELAB units, within [-110, 110].
            logits: (B,Q,H/4,W/4) unnormalised bin scores, or None. (The authors' GUI shows
                softmax(0.2 * logits) as the suggested colours.)
        Raises:
            ValueError: on wrong shapes, or global hints given to a net without that branch.
        """
        h, w = cache.size
        batch = cache.l_norm.shape[0]
        sizes = {check_image(hint_ab, "hint_ab", 2), check_image(hint_mask, "hint_mask", 1)}
        if sizes != {(h, w)} or hint_ab.shape[0] != batch or hint_mask.shape[0] != batch:
            raise ValueError(f"hints must be ({batch}, *, {h}, {w}) like the encoded image")
        mask = hint_mask.to(cache.l_norm.dtype)
        ab_norm = normalize_ab(hint_ab)
        glob = self._global_features(hist, sat, cache.l_norm)
        n_up = len(self.config.dec_widths)
        if self.config.late_hints:
            factors = [4 >> i for i in range(n_up)]
            maps = pooled_hints(ab_norm * mask, mask, [8] + factors)
            x = cache.features["bottleneck"] + self.hint8(maps[8])
            shorts = [cache.features[_SHORT[i]] for i in range(n_up)]
            hints = [maps[f] for f in factors]
        else:
            inp = torch.cat([cache.l_norm, ab_norm, mask + self.config.mask_offset], dim=1)
            c1, c2, c3, x = self._trunk(inp)
            shorts = [getattr(self, _SHORT[i])(s) for i, s in enumerate((c3, c2, c1)[:n_up])]
            hints = None
        if glob is not None:
            x = x + glob
        return self._up(self.model7(x), shorts, hints, want_logits)

    def forward(
        self,
        l: Tensor,
        hint_ab: Tensor | None = None,
        hint_mask: Tensor | None = None,
        hist: Tensor | None = None,
        sat: Tensor | None = None,
    ) -> Tensor:
        """Colourize `l` (B,1,H,W) in [0, 100]; None hints mean no hints (zeros).

        Returns:
            ab: (B,2,H,W) float32 in CIELAB units.
        """
        hint_ab = zeros_like_channels(l, 2) if hint_ab is None else hint_ab
        hint_mask = zeros_like_channels(l, 1) if hint_mask is None else hint_mask
        return self.decode(self.encode(l), hint_ab, hint_mask, hist, sat)[0]

    def _trunk(self, inp: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """Run model1..model6 (subsampling after 1-3); return conv1, conv2, conv3, conv6."""
        c1 = self.model1(inp)
        c2 = self.model2(c1[:, :, ::2, ::2])
        c3 = self.model3(c2[:, :, ::2, ::2])
        x = self.model6(self.model5(self.model4(c3[:, :, ::2, ::2])))
        return c1, c2, c3, x

    def _up(
        self, x: Tensor, shorts: list[Tensor], hints: list[Tensor] | None, want_logits: bool
    ) -> tuple[Tensor, Tensor | None]:
        """Decoder: (transposed conv + shortcut [+ hints], block) per stage, then heads."""
        logits = None
        for i, short in enumerate(shorts):
            x = getattr(self, _UP[i])(x) + short
            if hints is not None:
                x = x + getattr(self, _HINT[i])(hints[i])
            x = getattr(self, _DEC[i])(x)
            if i == 0 and want_logits:
                logits = self.model_class(x)
        ab_norm = self.model_out(x)
        if len(shorts) < 3:
            factor = 2 ** (3 - len(shorts))
            ab_norm = F.interpolate(ab_norm, scale_factor=factor, mode="bilinear", align_corners=False)
        return denormalize_ab(ab_norm), logits

    def _global_features(self, hist: Tensor | None, sat: Tensor | None, ref: Tensor) -> Tensor | None:
        """Return the (B,C,1,1) global-hints offset, or None without the branch."""
        if not self.config.global_hints:
            if hist is not None or sat is not None:
                raise ValueError("this network has no global-hints branch (global_hints=False)")
            return None
        hist_in = _switchable(hist, self.config.num_bins, "hist", ref)
        sat_in = _switchable(sat, 1, "sat", ref)
        return self.global_mlp(self.global_hist(hist_in) + self.global_sat(sat_in))


def _switchable(value: Tensor | None, width: int, name: str, ref: Tensor) -> Tensor:
    """Return (B,width+1,1,1): the values (zero when off) and an on/off flag."""
    batch = ref.shape[0]
    if value is None:
        return torch.zeros(batch, width + 1, 1, 1, dtype=ref.dtype, device=ref.device)
    if tuple(value.shape) != (batch, width):
        raise ValueError(f"{name} must be ({batch}, {width}), got {tuple(value.shape)}")
    value = value.to(ref.dtype)
    off = torch.isnan(value).any(dim=1, keepdim=True)
    value = torch.where(off, torch.zeros_like(value), value)
    return torch.cat([value, (~off).to(ref.dtype)], dim=1)[:, :, None, None]
