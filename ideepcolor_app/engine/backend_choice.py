"""Which backend colourizes each photo of a batch, each opened once, when first needed.

The automatic default (`BackendChoice.automatic`): a photo with a sidecar hints file gets the
`hints` backend with those hints; any other photo gets the automatic backend whose bundled
model card scores best on sources held out of training (``metrics["held_out_psnr"]``, or the
no-hint PSNR of ``training.evaluate --sources``). A card without that figure counts as
unmeasured; when no card has it, `FALLBACK_AUTOMATIC` is used
(fusion scores best of the three on the held-out sources: docs/quality.md).
A forced backend (`BackendChoice.forced`, the command line's ``--backend``) colourizes all.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from ideepcolor_app.engine.backends import BACKENDS, Backend, create_backend
from ideepcolor_app.engine.weights import WeightsError, find_weights, read_card

__all__ = [
    "AUTO",
    "AUTOMATIC_BACKENDS",
    "FALLBACK_AUTOMATIC",
    "HELD_OUT_METRIC",
    "HINTS_BACKEND",
    "AutomaticPick",
    "BackendChoice",
    "best_automatic",
    "held_out_psnr",
]

AUTO = "auto"
AUTOMATIC_BACKENDS = ("zhang", "gan", "fusion")
FALLBACK_AUTOMATIC = "fusion"
HELD_OUT_METRIC = "held_out_psnr"
HINTS_BACKEND = "hints"

BackendFactory = Callable[[str], Backend]


def held_out_psnr(name: str) -> float | None:
    """The held-out PSNR (dB) on the model card of backend `name`'s default weights, or None.

    ``metrics["held_out_psnr"]``; failing that, the no-hint PSNR that ``training.evaluate
    --sources ... --update-cards`` stores (``metrics["evaluation_held_out_sources"]["psnr"]["0"]``).
    """
    weights = getattr(BACKENDS.get(name), "default_weights", None)
    if weights is None:
        return None
    try:
        metrics = read_card(find_weights(weights)).metrics
    except (WeightsError, OSError):
        return None
    value = metrics.get(HELD_OUT_METRIC)
    if value is None:
        evaluation = metrics.get("evaluation_held_out_sources")
        psnr = evaluation.get("psnr") if isinstance(evaluation, dict) else None
        value = psnr.get("0") if isinstance(psnr, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


@dataclass(frozen=True)
class AutomaticPick:
    """The automatic backend for photos without hints, and why (one line for the log)."""

    name: str
    reason: str


def best_automatic(scores: dict[str, float | None] | None = None) -> AutomaticPick:
    """The automatic backend with the best held-out PSNR (`held_out_psnr` of each by default)."""
    scores = scores if scores is not None else {name: held_out_psnr(name) for name in AUTOMATIC_BACKENDS}
    measured = {name: score for name, score in scores.items() if score is not None}
    if not measured:
        return AutomaticPick(FALLBACK_AUTOMATIC, f"no model card reports {HELD_OUT_METRIC}; "
                                                 f"{FALLBACK_AUTOMATIC} is the fixed default")
    best = max(measured, key=lambda name: (measured[name], name == FALLBACK_AUTOMATIC))
    table = ", ".join(f"{name} {score:.2f}" for name, score in sorted(measured.items()))
    return AutomaticPick(best, f"best held-out PSNR on the model cards ({table} dB)")


@dataclass
class BackendChoice:
    """Picks a backend name per photo and opens each backend once, on first use.

    Args:
        forced: the one backend for every photo, or None for the automatic default.
        automatic: the backend for photos without sidecar hints (automatic default only).
        factory: name -> open Backend (default `create_backend`); tests pass fakes.
    """

    forced: str | None = None
    automatic: AutomaticPick | None = None
    factory: BackendFactory = create_backend
    _open: dict[str, Backend] = field(default_factory=dict, repr=False)
    _errors: dict[str, Exception] = field(default_factory=dict, repr=False)

    @classmethod
    def fixed(cls, backend: Backend) -> BackendChoice:
        """Every photo goes to this open backend."""
        choice = cls(forced=backend.name)
        choice._open[backend.name] = backend
        return choice

    @classmethod
    def auto(cls, factory: BackendFactory = create_backend, automatic: AutomaticPick | None = None) -> BackendChoice:
        """The automatic default: sidecar -> hints, else the best automatic backend."""
        return cls(None, automatic or best_automatic(), factory)

    @property
    def is_automatic(self) -> bool:
        return self.forced is None

    def name_for(self, has_hints: bool) -> str:
        """The backend for a photo, given whether it has sidecar hints to use."""
        if self.forced is not None:
            return self.forced
        assert self.automatic is not None  # `auto` sets it whenever no backend is forced
        return HINTS_BACKEND if has_hints else self.automatic.name

    def uses_local_hints(self, name: str) -> bool:
        """Whether backend `name` takes local hints (known without opening it)."""
        if name in self._open:
            return bool(self._open[name].uses_local_hints)
        return bool(getattr(BACKENDS.get(name), "uses_local_hints", False))

    def backend(self, name: str) -> Backend:
        """The open backend `name`; opened on first call. A failure to open is kept and raised
        again for every later photo, without retrying (missing weights stay missing)."""
        if name in self._errors:
            raise self._errors[name]
        if name not in self._open:
            try:
                self._open[name] = self.factory(name)
            except Exception as err:
                self._errors[name] = err
                raise
        return self._open[name]

    def opened(self) -> dict[str, Backend]:
        """The backends opened so far, by name."""
        return dict(self._open)
