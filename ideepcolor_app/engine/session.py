"""A colourization session: one photo, one backend, cached L-only work."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ideepcolor_app.color import rgb_to_l_np
from ideepcolor_app.engine.backends import Backend, Distribution
from ideepcolor_app.engine.compose import compose_rgb
from ideepcolor_app.engine.fill import object_region
from ideepcolor_app.hints import Hints, HintTensors, point_to_working, rasterize_hints
from ideepcolor_app.propagation.reach import ReachMap

logger = logging.getLogger(__name__)

DEFAULT_WORKING_SIZE = 256
DEFAULT_TEMPERATURE = 0.38


class PredictionError(ValueError):
    """The backend predicted NaN or infinite colours (damaged weights or a setting out of range)."""


class HintsMismatchError(ValueError):
    """Hints made for a photo of another size."""


@dataclass
class SessionStats:
    """How often each stage ran (the L-only stage must run once per photo)."""

    prepare_calls: int = 0
    predict_calls: int = 0


def working_size_for(requested: int, multiple: int) -> int:
    """Round a requested working size up to the backend's size multiple (at least one)."""
    if requested < 1:
        raise ValueError(f"working size must be positive, got {requested}")
    return max(multiple, -(-requested // multiple) * multiple)


def working_shape_for(photo_hw: tuple[int, int], requested: int, multiple: int) -> tuple[int, int]:
    """The working resolution (h, w) of a photo: its aspect kept, the long side `requested`.

    The long side is `requested` rounded up to the backend's multiple; the short side keeps the
    photo's aspect, rounded to the nearest multiple (at least one multiple). Squashing a photo to
    a square distorts what a network sees (tall photos come out green in DeOldify's tracker).

    Example:
        >>> working_shape_for((3000, 2000), 256, 8), working_shape_for((100, 1000), 256, 8)
        ((256, 168), (24, 256))
    """
    long_side = working_size_for(requested, multiple)
    height, width = photo_hw
    if min(height, width) < 1:
        raise ValueError(f"photo size must be positive, got {width}x{height}")
    short = max(multiple, round(long_side * min(height, width) / max(height, width) / multiple) * multiple)
    return (long_side, short) if height >= width else (short, long_side)


def resize_l(l_full: torch.Tensor, shape: tuple[int, int] | int) -> torch.Tensor:
    """(H,W) L -> (1,1,h,w): area average when shrinking, bilinear when enlarging."""
    h, w = (shape, shape) if isinstance(shape, int) else shape
    l4 = l_full[None, None]
    if l_full.shape[0] >= h and l_full.shape[1] >= w:
        return F.adaptive_avg_pool2d(l4, (h, w))
    return F.interpolate(l4, size=(h, w), mode="bilinear", align_corners=False)


class ColorizeSession:
    """Holds one photo's full-resolution L and re-runs only hint-dependent work on an edit.

    Args:
        l_full: (H,W) float32 CIELAB L in [0, 100] of the whole photo.
        backend: the backend that turns L (+ hints) into ab.
        working_size: the long side of the working resolution (rounded up to the backend's
            multiple); the short side keeps the photo's aspect (`working_shape_for`).
    """

    def __init__(self, l_full: np.ndarray | torch.Tensor, backend: Backend, working_size: int = DEFAULT_WORKING_SIZE):
        l_full = torch.as_tensor(l_full, dtype=torch.float32)
        if l_full.ndim != 2:
            raise ValueError(f"l_full must be (H, W), got shape {tuple(l_full.shape)}")
        self.l_full = l_full.contiguous()
        self.backend = backend
        self.working_size = working_size_for(working_size, backend.size_multiple)
        if self.working_size != working_size:
            logger.info("working size %d rounded up to %d for %s", working_size, self.working_size, backend.name)
        height, width = self.l_full.shape
        self.working_shape = working_shape_for((height, width), working_size, backend.size_multiple)
        self.l_small = resize_l(self.l_full, self.working_shape)
        self.stats = SessionStats()
        self._cache: object | None = None
        self._last: tuple[tuple[Hints, float], torch.Tensor] | None = None
        self._reach: ReachMap | None = None

    @classmethod
    def from_rgb(cls, rgb: np.ndarray, backend: Backend, working_size: int = DEFAULT_WORKING_SIZE) -> ColorizeSession:
        """Start from an (H,W,3) float sRGB image in [0, 1]; only its L is kept."""
        return cls(rgb_to_l_np(np.asarray(rgb, dtype=np.float32)), backend, working_size)

    @property
    def image_size(self) -> tuple[int, int]:
        """(width, height) of the photo in pixels."""
        return int(self.l_full.shape[1]), int(self.l_full.shape[0])

    def empty_hints(self) -> Hints:
        width, height = self.image_size
        return Hints(width=width, height=height)

    def _l_only(self) -> object:
        if self._cache is None:
            self._cache = self.backend.prepare(self.l_small)
            self.stats.prepare_calls += 1
        return self._cache

    def _checked(self, hints: Hints | None) -> Hints:
        hints = hints if hints is not None else self.empty_hints()
        if (hints.width, hints.height) != self.image_size:
            raise HintsMismatchError(
                f"the hints were made for a {hints.width}x{hints.height} photo, "
                f"this photo is {self.image_size[0]}x{self.image_size[1]}"
            )
        return hints

    def _rasterized(self, hints: Hints) -> HintTensors:
        return rasterize_hints(hints, self.working_shape)

    def predict(self, hints: Hints | None = None, temperature: float = DEFAULT_TEMPERATURE) -> torch.Tensor:
        """Return ab at the working resolution: (2,h,w) float32 CIELAB. Repeats are free."""
        hints = self._checked(hints)
        key = (hints, float(temperature))
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        ab = self.backend.predict(self._l_only(), self._rasterized(hints), temperature)
        self.stats.predict_calls += 1
        if not bool(torch.isfinite(ab).all()):
            raise PredictionError(
                f"the {self.backend.name!r} backend predicted NaN or infinite colours "
                "(damaged weights, or a setting out of range)"
            )
        self._last = (key, ab)
        return ab

    def distribution(self, hints: Hints | None = None, temperature: float = DEFAULT_TEMPERATURE) -> Distribution | None:
        """The backend's colour distribution for these hints, or None if it has no such head."""
        if not self.backend.has_distribution:
            return None
        tensors = self._rasterized(self._checked(hints))
        return self.backend.distribution(self._l_only(), tensors, temperature)

    def reach_map(self) -> ReachMap:
        """The photo's `ReachMap`: the backend's (guided by its features) or one from L alone."""
        reach = self.backend.reach_map(self._l_only())
        if reach is None:
            if self._reach is None:
                self._reach = ReachMap(self.l_small[0, 0])
            reach = self._reach
        return reach

    def object_region(self, x: float, y: float) -> np.ndarray:
        """(h,w) bool at the working resolution: the object under photo point (x, y) (`engine.fill`)."""
        col, row = point_to_working((x, y), self.image_size, self.working_shape)
        return object_region(self.reach_map(), row, col)

    def compose(self, ab_small: torch.Tensor, bit_depth: int = 8) -> np.ndarray:
        """Full-resolution sRGB (H,W,3) from working-resolution ab (see compose_rgb)."""
        return compose_rgb(self.l_full, ab_small, bit_depth=bit_depth)

    def colorize(
        self, hints: Hints | None = None, temperature: float = DEFAULT_TEMPERATURE, bit_depth: int = 8
    ) -> np.ndarray:
        """Predict and compose in one call: (H,W,3) sRGB at full resolution."""
        return self.compose(self.predict(hints, temperature), bit_depth=bit_depth)
