"""Backends: a network (or an optimisation) plus the pre/post-processing around it.

Every backend splits its work in two, so that a hint edit re-runs only what it must:
`prepare(l_small)` does everything that depends on L alone (the session caches its result per
photo) and `predict(cache, hints, temperature)` does the rest.
"""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, overload

import numpy as np
import torch
import torch.nn.functional as F

from ideepcolor_app.color import BinSet
from ideepcolor_app.color.norm import denormalize_ab, normalize_ab
from ideepcolor_app.engine.coherence import NO_POINT_BOOST, Coherence, chroma_confidence, hue_agreement
from ideepcolor_app.engine.device import pick_device, pick_dtype
from ideepcolor_app.engine.guided import guided_decode, guided_propagator
from ideepcolor_app.engine.weights import ModelCard, check_backend_family, load_weights
from ideepcolor_app.hints import HintTensors
from ideepcolor_app.nets.base import ColorNet
from ideepcolor_app.nets.blocks import scale_chroma
from ideepcolor_app.nets.hints_unet import HintsUNet
from ideepcolor_app.nets.pix2pix import Pix2PixGenerator
from ideepcolor_app.nets.propagated_hints import PropagatedHintsNet
from ideepcolor_app.nets.zhang import ZhangNet
from ideepcolor_app.nets.zhang_lite import ZhangLiteNet
from ideepcolor_app.propagation import CoarsePropagator
from ideepcolor_app.propagation.reach import ReachMap


class UnknownBackendError(KeyError):
    """A backend name that is not registered."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Distribution:
    """The network's colour distribution over bins (drives the suggested-colours palette).

    probs: (Q,h,w) float32, sums to 1 over Q, at the network's distribution resolution.
    centres: (Q,2) float32 CIELAB ab of each bin.
    """

    probs: np.ndarray
    centres: np.ndarray


class Backend(abc.ABC):
    """A way of turning L (+ hints) into ab at the working resolution."""

    name: ClassVar[str]
    description: ClassVar[str]
    uses_local_hints: ClassVar[bool] = False
    uses_global_hints: bool = False  # a backend may learn it from its network
    has_distribution: ClassVar[bool] = False
    size_multiple: int = 8  # likewise
    card: ModelCard | None = None

    def __init__(self, weights: str | None = None, device: str | torch.device | None = None) -> None:
        """Every backend is made from an optional weights name (or path) and device."""
        super().__init__()

    @property
    def trained(self) -> bool:
        """False for networks running on untrained (random-init) weights."""
        return self.card.trained if self.card is not None else True

    @property
    def weights_state(self) -> str:
        """ "trained", "untrained" (random init), or "none" for a method without weights."""
        if self.card is None:
            return "none"
        return "trained" if self.card.trained else "untrained"

    @abc.abstractmethod
    def prepare(self, l_small: torch.Tensor) -> Any:
        """Do the L-only work. l_small: (1,1,h,w) float32 CIELAB L on the CPU."""

    @abc.abstractmethod
    def predict(self, cache: Any, hints: HintTensors, temperature: float) -> torch.Tensor:
        """Return ab: (2,h,w) float32 CIELAB on the CPU."""

    def distribution(self, cache: Any, hints: HintTensors, temperature: float) -> Distribution | None:
        """The colour distribution, for backends with a distribution head."""
        return None

    def reach_map(self, cache: Any) -> ReachMap | None:
        """The photo's `ReachMap` when this backend builds one (guided by its features); None:
        the session builds one from L alone (for object fills)."""
        return None


class NetworkBackend(Backend):
    """A backend whose work is done by a network loaded from our checkpoint format.

    Automatic results are finished by `coherence` (`engine.coherence`): the network's chroma
    boost moves out of the network into it, to be applied only where the network is sure.
    Setting `coherence` to None gives the network's own output, boosted everywhere.
    """

    default_weights: ClassVar[str]
    net: ColorNet

    def __init__(self, weights: str | None = None, device: str | torch.device | None = None) -> None:
        self.device = device if isinstance(device, torch.device) else pick_device(device)
        self.dtype = pick_dtype(self.device)
        net, self.card = load_weights(weights or self.default_weights)
        check_backend_family(self.name, self.card, str(weights or self.default_weights))
        self.net = net.to(self.device, self.dtype).eval()
        self.boost = float(getattr(net.config, "chroma_boost", 1.0))
        if self.boost != 1.0:
            self.net.config = dataclasses.replace(net.config, **{"chroma_boost": 1.0})  # the families that boost
        self.coherence: Coherence | None = Coherence(boost=self.boost)

    def _finish(self, l_small: torch.Tensor, ab: torch.Tensor, confidence: torch.Tensor | None) -> torch.Tensor:
        """(2,h,w) automatic ab without its boost -> the result: coherent (with the (h,w)
        `confidence`), or boosted everywhere when `coherence` is None."""
        if self.coherence is not None and confidence is not None:
            return self.coherence.apply(l_small.reshape(ab.shape[-2:]), ab, confidence)
        if self.boost == 1.0:
            return ab
        return denormalize_ab(scale_chroma(normalize_ab(ab[None]), 1.0, self.boost))[0]

    @overload
    def _to_net(self, x: torch.Tensor) -> torch.Tensor: ...
    @overload
    def _to_net(self, x: torch.Tensor | None) -> torch.Tensor | None: ...
    def _to_net(self, x: torch.Tensor | None) -> torch.Tensor | None:
        return None if x is None else x.to(self.device, self.dtype)

    @staticmethod
    def _to_cpu_ab(ab: torch.Tensor, size: Sequence[int]) -> torch.Tensor:
        """(1,2,h',w') network ab -> (2,h,w) float32 on the CPU, `size` being (h, w)."""
        ab = ab.float()
        if tuple(ab.shape[-2:]) != tuple(size):
            ab = F.interpolate(ab, size=(size[0], size[1]), mode="bilinear", align_corners=False)
        return ab[0].cpu()


@dataclass
class _GuidedCache:
    """L-only work of the propagation-guided network: its encoding, the propagator, the
    reach of hints, and the network's colourization without hints (`raw`, (1,2,h,w), the
    propagation's guide) with its confidence (`agreement`, (h,w)). `bases` memoises the photo's
    colour without points per global hints (None: none set)."""

    encoding: Any
    propagator: CoarsePropagator
    l: torch.Tensor  # (h,w) float32 CIELAB L on the CPU
    reach: ReachMap
    raw: torch.Tensor
    agreement: torch.Tensor
    bases: dict[tuple[bytes | None, float | None], torch.Tensor] = field(default_factory=dict)


class HintsBackend(NetworkBackend):
    """The interactive backend.

    With the shipped `propagated_hints` network, each edit propagates the hints along the
    photo's lightness (coarse Levin solve, cached per photo), the network refines that, and
    the hints' residual is spread back so each hint's colour lands on its patch. The hints
    change the photo's colour without points only as far as they reach
    (`ideepcolor_app.propagation.reach`): elsewhere it stays as it was. Older `hints` U-Nets
    (ours or the authors' imported weights) run as they were trained.
    """

    name = "hints"
    description = "Local/global hints network on edge-aware hint propagation: interactive, the default"
    uses_local_hints = True
    uses_global_hints = True
    has_distribution = True
    default_weights = "hints"
    net: HintsUNet | PropagatedHintsNet  # the families `check_backend_family` admits

    def __init__(self, weights: str | None = None, device: str | torch.device | None = None) -> None:
        super().__init__(weights, device)
        self.guided = isinstance(self.net, PropagatedHintsNet)
        # The authors' full network has no global-hints branch.
        self.uses_global_hints = isinstance(self.net, PropagatedHintsNet) or bool(self.net.config.global_hints)
        # Without points the result is automatic, and finished as the automatic backends' are.
        self.coherence = Coherence(boost=NO_POINT_BOOST) if self.guided else None

    @torch.inference_mode()
    def prepare(self, l_small: torch.Tensor) -> Any:
        net = self.net
        if not isinstance(net, PropagatedHintsNet):
            return net.encode(self._to_net(l_small))
        encoding = net.encode(self._to_net(l_small))
        l = l_small[0, 0].float().cpu()
        zeros = torch.zeros(1, 1, *l.shape, device=self.device, dtype=self.dtype)
        raw, logits = net.decode(encoding, zeros.expand(-1, 2, -1, -1), zeros, want_logits=True)
        assert logits is not None  # asked for
        raw = self._to_cpu_ab(raw, l.shape)
        agreement = hue_agreement(torch.softmax(logits[0].float(), dim=0), BinSet.default().centres).cpu()
        reach = ReachMap(l, features=encoding.context[0], guide_ab=raw)
        return _GuidedCache(encoding, guided_propagator(net, encoding, l, raw), l, reach, raw, agreement)

    def _base(self, cache: _GuidedCache, hints: HintTensors) -> torch.Tensor:
        """(2,h,w) the photo's colour without points, with these global hints (memoised)."""
        key = (
            None if hints.histogram is None or not self.uses_global_hints else hints.histogram.numpy().tobytes(),
            None if hints.saturation is None or not self.uses_global_hints else float(hints.saturation),
        )
        if key not in cache.bases:
            if key == (None, None):
                raw, agreement = cache.raw, cache.agreement
            else:
                no_points = HintTensors(
                    torch.zeros_like(hints.ab), torch.zeros_like(hints.mask), hints.histogram, hints.saturation
                )
                raw, logits = self._decode(cache, no_points, want_logits=True)
                assert logits is not None  # asked for
                raw = self._to_cpu_ab(raw, hints.ab.shape[-2:])
                agreement = hue_agreement(torch.softmax(logits[0].float(), dim=0), BinSet.default().centres).cpu()
            if len(cache.bases) > 8:
                cache.bases.clear()
            cache.bases[key] = self._finish(cache.l, raw, agreement**2)
        return cache.bases[key]

    def _decode(
        self, cache: Any, hints: HintTensors, want_logits: bool, base: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(ab, logits or None) from `prepare`'s cache and one edit's hints."""
        hist = self._to_net(hints.histogram) if self.uses_global_hints else None
        sat = self._to_net(hints.saturation) if self.uses_global_hints else None
        net = self.net
        if isinstance(net, PropagatedHintsNet):
            return guided_decode(
                net,
                cache.encoding,
                cache.propagator,
                hints.ab,
                hints.mask,
                hist,
                sat,
                want_logits=want_logits,
                honour_hints=not want_logits,
                reach=None if base is None else cache.reach,
                base_ab=base,
            )
        return net.decode(
            cache, self._to_net(hints.ab), self._to_net(hints.mask), hist=hist, sat=sat, want_logits=want_logits
        )

    @torch.inference_mode()
    def predict(self, cache: Any, hints: HintTensors, temperature: float) -> torch.Tensor:
        if not self.guided:
            ab, _ = self._decode(cache, hints, want_logits=False)
            return self._to_cpu_ab(ab, hints.ab.shape[-2:])
        base = self._base(cache, hints)
        if not bool(hints.mask.any()):
            return base
        ab, _ = self._decode(cache, hints, want_logits=False, base=base)
        return self._to_cpu_ab(ab, hints.ab.shape[-2:])

    def reach_map(self, cache: Any) -> ReachMap | None:
        return cache.reach if self.guided else None

    @torch.inference_mode()
    def distribution(self, cache: Any, hints: HintTensors, temperature: float) -> Distribution:
        _, logits = self._decode(cache, hints, want_logits=True)
        assert logits is not None  # asked for
        probs = torch.softmax(logits.float(), dim=1)[0].cpu().numpy()
        bins = BinSet.default()
        if probs.shape[0] != bins.num_bins:
            raise ValueError(f"network predicts {probs.shape[0]} bins, expected {bins.num_bins}")
        return Distribution(probs, bins.centres.cpu().numpy())


@dataclass
class _LogitsCache:
    """L-only work of the `zhang` backend: the bin logits and the L they came from."""

    logits: torch.Tensor  # (1,Q,h/4,w/4) float32
    l: torch.Tensor  # (h,w) float32 CIELAB L on the CPU


class ZhangBackend(NetworkBackend):
    name = "zhang"
    description = "Zhang et al. ECCV16 classification network: automatic, annealed mean"
    has_distribution = True
    default_weights = "zhang"
    net: ZhangNet | ZhangLiteNet  # the families `check_backend_family` admits

    @torch.inference_mode()
    def prepare(self, l_small: torch.Tensor) -> Any:
        return _LogitsCache(self.net(self._to_net(l_small)).float(), l_small[0, 0].float().cpu())

    @torch.inference_mode()
    def predict(self, cache: Any, hints: HintTensors, temperature: float) -> torch.Tensor:
        ab = self._to_cpu_ab(self.net.annealed_mean(cache.logits, temperature), hints.ab.shape[-2:])
        confidence = None
        if self.coherence is not None:
            probs = torch.softmax(cache.logits[0] / temperature, dim=0)
            confidence = hue_agreement(probs, self.net.bin_centres()).cpu() ** 2
        return self._finish(cache.l, ab, confidence)

    @torch.inference_mode()
    def distribution(self, cache: Any, hints: HintTensors, temperature: float) -> Distribution:
        probs = torch.softmax(cache.logits, dim=1)[0].cpu().numpy()
        return Distribution(probs, self.net.bin_centres().float().cpu().numpy())


class AutomaticBackend(NetworkBackend):
    """A network that maps L straight to ab: all its work is L-only. Its confidence is the
    chroma it predicts (`chroma_confidence`): a regression is grey where it is unsure."""

    @torch.inference_mode()
    def prepare(self, l_small: torch.Tensor) -> Any:
        ab = self._to_cpu_ab(self.net(self._to_net(l_small)), l_small.shape[-2:])
        return self._finish(l_small.float().cpu(), ab, chroma_confidence(ab))

    def predict(self, cache: Any, hints: HintTensors, temperature: float) -> torch.Tensor:
        ab: torch.Tensor = cache  # `prepare` did all the work
        return ab


class GanBackend(AutomaticBackend):
    name = "gan"
    description = "pix2pix GAN generator: automatic"
    default_weights = "gan"

    def __init__(self, weights: str | None = None, device: str | torch.device | None = None):
        super().__init__(weights, device)
        if isinstance(self.net, Pix2PixGenerator):
            self.size_multiple = 2**self.net.config.depth  # one halving per U-Net level


class FusionBackend(AutomaticBackend):
    name = "fusion"
    description = "Deep Koalarization: L encoder fused with EfficientNet-Lite0 embedding"
    default_weights = "fusion"


class LevinBackend(Backend):
    """Levin et al.'s propagation, live: the solve on a 4x coarser grid (see
    `ideepcolor_app.propagation.coarse`), as good as the full-size solve on our protocol and
    about 25x faster."""

    name = "levin"
    description = "Levin, Lischinski & Weiss 2004 optimisation: no network, propagates hints"
    uses_local_hints = True
    size_multiple = 4

    def __init__(self, weights: str | None = None, device: str | torch.device | None = None):
        if weights is not None:
            raise ValueError("the levin backend has no weights")

    def prepare(self, l_small: torch.Tensor) -> Any:
        # Hints held as Levin's constraints (strength 1 on a fully hinted cell): held softly,
        # as `hints` does with its guide, they scored up to 0.42 dB lower here (docs/models.md,
        # "Propagation constants").
        return CoarsePropagator(l_small[0, 0], hint_strength=1.0)

    def predict(self, cache: Any, hints: HintTensors, temperature: float) -> torch.Tensor:
        propagator: CoarsePropagator = cache
        return propagator.propagate(hints.ab[0], hints.mask[0, 0]).ab.contiguous()


BACKENDS: dict[str, type[Backend]] = {
    cls.name: cls for cls in (HintsBackend, ZhangBackend, GanBackend, FusionBackend, LevinBackend)
}
DEFAULT_BACKEND = "hints"


def create_backend(name: str, weights: str | None = None, device: str | None = None) -> Backend:
    """Instantiate a registered backend by name.

    Raises:
        UnknownBackendError: `name` is not registered (the message lists the names that are).
    """
    try:
        cls = BACKENDS[name]
    except KeyError:
        known = ", ".join(BACKENDS)
        raise UnknownBackendError(f"unknown backend {name!r}; choose one of: {known}") from None
    return cls(weights=weights, device=device)
