"""The damage detector's network: per-pixel damage logits of a lightness plane.

A small U-Net that works at half resolution: the plane is folded 2 x 2 into four channels
(`pixel_unshuffle`), so no detail is lost while every convolution runs on a quarter of the
pixels, and the head unfolds four logits per half-resolution pixel back into one per pixel.
Two more input channels give each pixel's distance to the photo's nearest left/right and
top/bottom border, because tears and missing corners start at the border; when the network
runs on a tile, the distances are those of the whole photo (`border_channels`).
Four levels (1/2 to 1/16) see about 150 px around a pixel: enough for a crack's width and
its surroundings, and for the edge of a tear. An optional last stage at full resolution
(`refine` channels) looks at the lightness again beside the unfolded features and corrects
the logits, so that the edge of a crack 1-3 px wide lands on the right pixel; its last layer
starts at zero, so a network without it can be extended and trained on.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

# L in [0, 100] enters as (L - 50) / 25; border distances saturate at this many pixels.
_L_CENTRE, _L_SCALE = 50.0, 25.0
BORDER_REACH = 128.0


@dataclass(frozen=True)
class DamageNetConfig:
    """Channel widths of the four levels (1/2, 1/4, 1/8, 1/16 of the photo's side), and of
    the full-resolution refinement (0: none)."""

    widths: tuple[int, int, int, int] = (16, 32, 48, 64)
    refine: int = 0

    def to_dict(self) -> dict:
        return {"widths": list(self.widths), "refine": self.refine}

    @classmethod
    def from_dict(cls, data: dict) -> DamageNetConfig:
        widths = tuple(int(w) for w in data["widths"])
        if len(widths) != 4:
            raise ValueError(f"a damage network has 4 widths, got {len(widths)}")
        return cls(widths=widths, refine=int(data.get("refine", 0)))


def _conv(cin: int, cout: int, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=dilation, dilation=dilation, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


def border_channels(
    height: int, width: int, top: int, left: int, full_height: int, full_width: int, device: torch.device | None = None
) -> torch.Tensor:
    """(1, 2, height, width) distances of a tile's pixels to the photo's borders, in [0, 1].

    Channel 0: to the nearer of the left and right borders; channel 1: to the nearer of the
    top and bottom ones; both in pixels of the full photo divided by `BORDER_REACH`, capped at 1.
    """
    cols = torch.arange(left, left + width, dtype=torch.float32, device=device) + 0.5
    rows = torch.arange(top, top + height, dtype=torch.float32, device=device) + 0.5
    across = torch.minimum(cols, full_width - cols).clamp(0, BORDER_REACH) / BORDER_REACH
    down = torch.minimum(rows, full_height - rows).clamp(0, BORDER_REACH) / BORDER_REACH
    return torch.stack([across.expand(height, width), down[:, None].expand(height, width)])[None]


class DamageNet(nn.Module):
    """Damage logits of (B, 1, H, W) lightness; H and W must be multiples of 32."""

    def __init__(self, config: DamageNetConfig = DamageNetConfig()) -> None:
        super().__init__()
        self.config = config
        w1, w2, w3, w4 = config.widths
        self.enc1 = nn.Sequential(_conv(4 + 2, w1), _conv(w1, w1))
        self.enc2 = nn.Sequential(_conv(w1, w2), _conv(w2, w2))
        self.enc3 = nn.Sequential(_conv(w2, w3), _conv(w3, w3))
        self.enc4 = nn.Sequential(_conv(w3, w4), _conv(w4, w4, dilation=2))
        self.lat3, self.dec3 = nn.Conv2d(w4, w3, 1), _conv(w3, w3)
        self.lat2, self.dec2 = nn.Conv2d(w3, w2, 1), _conv(w2, w2)
        self.lat1, self.dec1 = nn.Conv2d(w2, w1, 1), _conv(w1, w1)
        self.head = nn.Conv2d(w1, 4, 1)
        if config.refine:
            r = config.refine
            self.unfold = nn.Conv2d(w1, 4 * r, 1)
            first, last = nn.Conv2d(r + 2, r, 3, padding=1), nn.Conv2d(r, 1, 3, padding=1)
            self.refine = nn.Sequential(first, nn.ReLU(inplace=True), last)
            nn.init.zeros_(last.weight)  # starts as a no-op: a trained network extends unchanged
            if last.bias is not None:
                nn.init.zeros_(last.bias)

    def forward(self, l: torch.Tensor, border: torch.Tensor) -> torch.Tensor:
        """Logits of damage.

        Args:
            l: (B, 1, H, W) float32 CIELAB L in [0, 100]; H, W multiples of 32.
            border: (B or 1, 2, H, W) from `border_channels`.
        Returns:
            (B, 1, H, W) float32 logits (sigmoid gives the probability of damage).
        """
        normal = (l - _L_CENTRE) / _L_SCALE
        x = F.pixel_unshuffle(normal, 2)
        b = F.avg_pool2d(border, 2).expand(x.shape[0], -1, -1, -1)
        e1 = self.enc1(torch.cat([x, b], 1))
        e2 = self.enc2(F.max_pool2d(e1, 2))
        e3 = self.enc3(F.max_pool2d(e2, 2))
        e4 = self.enc4(F.max_pool2d(e3, 2))
        d3 = self.dec3(F.interpolate(self.lat3(e4), scale_factor=2.0, mode="bilinear", align_corners=False) + e3)
        d2 = self.dec2(F.interpolate(self.lat2(d3), scale_factor=2.0, mode="bilinear", align_corners=False) + e2)
        d1 = self.dec1(F.interpolate(self.lat1(d2), scale_factor=2.0, mode="bilinear", align_corners=False) + e1)
        logits = F.pixel_shuffle(self.head(d1), 2)
        if not self.config.refine:
            return logits
        features = F.pixel_shuffle(self.unfold(d1), 2)
        return logits + self.refine(torch.cat([features, normal, logits], 1))
