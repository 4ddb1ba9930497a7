"""Layers shared by the heads on the `LiteEncoder` (zhang_lite, gan_lite, fusion_lite).

Their 3x3 convs pad by replicating the edge pixels: zero padding reads a dark, colourless frame
that the heads learn to paint, and the result shows stripes along the border.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch.nn.functional as F
from torch import Tensor, nn

from .lite_encoder import EMBED_DIM, TAP_CHANNELS, LiteFeatures

__all__ = ["TapMerge", "edge_conv", "resize_to"]


def edge_conv(c_in: int, c_out: int, dilation: int = 1) -> nn.Conv2d:
    """A 3x3 conv keeping H and W, padded by replicating the border (no stripes)."""
    return nn.Conv2d(c_in, c_out, 3, padding=dilation, dilation=dilation, padding_mode="replicate")


def resize_to(x: Tensor, size: Sequence[int]) -> Tensor:
    """Bilinearly resize (B,C,h,w) to `size` (a no-op when it already has that size)."""
    if tuple(x.shape[-2:]) == tuple(size):
        return x
    return F.interpolate(x, size=tuple(size), mode="bilinear", align_corners=False)


class TapMerge(nn.Module):
    """Merge encoder taps FPN-style: a 1x1 conv per tap, resized to one size, summed.

    Args:
        strides: which taps (2, 4, 8, 16, 32) to merge.
        width: output channels.
        embed: also add the pooled embedding through a linear layer (global context).
    """

    def __init__(self, strides: Sequence[int], width: int, embed: bool = True) -> None:
        super().__init__()
        self.lateral = nn.ModuleDict({str(s): nn.Conv2d(TAP_CHANNELS[s], width, 1) for s in strides})
        self.embedding = nn.Linear(EMBED_DIM, width) if embed else None

    def forward(self, features: LiteFeatures, size: Sequence[int]) -> Tensor:
        """Return (B,width,*size) float: the sum of the projected taps (and embedding)."""
        parts = [resize_to(conv(features.taps[int(stride)]), size) for stride, conv in self.lateral.items()]
        if self.embedding is not None:
            parts.append(self.embedding(features.embedding)[:, :, None, None])
        x = parts[0]
        for part in parts[1:]:
            x = x + part
        return x
