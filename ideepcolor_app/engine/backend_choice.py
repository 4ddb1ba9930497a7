"""Which backend colourizes each photo of a batch, each opened once, when first needed.

The automatic default (`BackendChoice.automatic`): a photo with a sidecar hints file gets the
`hints` backend with those hints; any other photo gets the automatic option that scores best
on the new held-out sources, sources nothing was trained or tuned on. The options are `zhang`,
`gan`, `fusion` and `hints` with no points, each as shipped (coherent colour on); each card's
``metrics["new_held_out"]`` holds its figure (`training.held_out_cards` writes it). The best
PSNR wins among the options within the product's targets for automatic colour (`TARGETS`);
when none is within all of them, as on the shipped cards, the best PSNR wins outright. A card
without the figure counts as unmeasured; when no card has it, `FALLBACK_AUTOMATIC` is used
(it scores best on the new held-out sources: docs/quality.md).
A forced backend (`BackendChoice.forced`, the command line's ``--backend``) colourizes all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ideepcolor_app.engine.backends import BACKENDS, Backend, create_backend
from ideepcolor_app.engine.weights import WeightsError, find_weights, read_card

__all__ = [
    "AUTO",
    "AUTOMATIC_BACKENDS",
    "FALLBACK_AUTOMATIC",
    "HELD_OUT_METRIC",
    "HINTS_BACKEND",
    "TARGETS",
    "AutomaticPick",
    "BackendChoice",
    "HeldOutScore",
    "Targets",
    "best_automatic",
    "held_out_score",
    "score_from_metrics",
]

AUTO = "auto"
HINTS_BACKEND = "hints"
#: Every automatic option: `hints` counts with no points (a photo without a sidecar).
AUTOMATIC_BACKENDS = ("zhang", "gan", "fusion", HINTS_BACKEND)
FALLBACK_AUTOMATIC = HINTS_BACKEND
#: The card figure the pick reads: the option as shipped on `training.held_out.NEW_HELD_OUT`.
HELD_OUT_METRIC = "new_held_out"

BackendFactory = Callable[[str], Backend]


@dataclass(frozen=True)
class Targets:
    """The product's targets for automatic colour (docs/quality.md, "Targets")."""

    gain_over_grey_db: float = 1.0
    colourfulness_ratio: float = 0.65
    false_colour: float = 0.01

    def __str__(self) -> str:
        return (
            f"grey + {self.gain_over_grey_db:.1f} dB, colourfulness at least "
            f"{100 * self.colourfulness_ratio:.0f} %, false colour at most {100 * self.false_colour:.0f} %"
        )


TARGETS = Targets()


@dataclass(frozen=True)
class HeldOutScore:
    """One option's figure on the new held-out sources (256 x 256, no points).

    Args:
        psnr: dB, of the 8-bit sRGB result against the photo.
        grey_psnr: dB, of the grey photo (ab = 0) on the same photos.
        colourfulness_ratio: the result's colourfulness over the photos' own (1.0 = as colourful).
        false_colour: share of pixels with chroma over 30 where the truth's is under 10.
        photos: how many photos were scored.
    """

    psnr: float
    grey_psnr: float
    colourfulness_ratio: float
    false_colour: float
    photos: int = 0

    def misses(self, targets: Targets = TARGETS) -> list[str]:
        """The targets this figure misses, in words (empty when it is within all of them)."""
        missed = []
        if self.psnr - self.grey_psnr < targets.gain_over_grey_db:
            missed.append(f"grey + {self.psnr - self.grey_psnr:.2f} dB")
        if self.colourfulness_ratio < targets.colourfulness_ratio:
            missed.append(f"colourfulness {100 * self.colourfulness_ratio:.0f} %")
        if self.false_colour > targets.false_colour:
            missed.append(f"false colour {100 * self.false_colour:.2f} %")
        return missed

    def __str__(self) -> str:
        return (
            f"{self.psnr:.2f} dB, colourfulness {100 * self.colourfulness_ratio:.0f} %, "
            f"false colour {100 * self.false_colour:.2f} %"
        )


def _finite(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def score_from_metrics(metrics: Mapping[str, Any]) -> HeldOutScore | None:
    """`metrics[HELD_OUT_METRIC]` of a card as a score, or None when absent or incomplete."""
    figure = metrics.get(HELD_OUT_METRIC)
    if not isinstance(figure, dict):
        return None
    values = [_finite(figure.get(key)) for key in ("psnr", "grey_psnr", "colourfulness_ratio", "false_colour")]
    psnr, grey, ratio, false_colour = values
    if psnr is None or grey is None or ratio is None or false_colour is None:
        return None
    photos = figure.get("photos")
    return HeldOutScore(psnr, grey, ratio, false_colour, photos if isinstance(photos, int) else 0)


def held_out_score(name: str) -> HeldOutScore | None:
    """The new held-out figure on the model card of backend `name`'s default weights, or None."""
    weights = getattr(BACKENDS.get(name), "default_weights", None)
    if weights is None:
        return None
    try:
        metrics = read_card(find_weights(weights)).metrics
    except (WeightsError, OSError):
        return None
    return score_from_metrics(metrics)


@dataclass(frozen=True)
class AutomaticPick:
    """The automatic backend for photos without hints, and why.

    Args:
        name: the backend (`hints` means with no points).
        reason: what decided, one line for the log.
        figures: every option's figures the decision read, one line ("" when none).
    """

    name: str
    reason: str
    figures: str = ""


def best_automatic(
    scores: Mapping[str, HeldOutScore | None] | None = None, targets: Targets = TARGETS
) -> AutomaticPick:
    """The automatic option to use for photos without hints, by the new held-out figures.

    PSNR decides, among the options within every target if any is, else among all of them
    (colourfulness and false colour only ever rule an option out, so a duller or noisier
    option never wins on them); a tie goes to `FALLBACK_AUTOMATIC`. The pick's reason names
    the rule, its figures every option's scores, best PSNR first.

    Args:
        scores: option name -> its figure, None when unmeasured; by default `held_out_score`
            of each of `AUTOMATIC_BACKENDS`.
    """
    if scores is None:
        scores = {name: held_out_score(name) for name in AUTOMATIC_BACKENDS}
    measured = {name: score for name, score in scores.items() if score is not None}
    if not measured:
        return AutomaticPick(
            FALLBACK_AUTOMATIC, f"no model card reports {HELD_OUT_METRIC}; {FALLBACK_AUTOMATIC} is the fixed default"
        )
    within = {name: score for name, score in measured.items() if not score.misses(targets)}
    pool = within or measured
    best = max(pool, key=lambda name: (pool[name].psnr, name == FALLBACK_AUTOMATIC))
    photos = f"{measured[best].photos} photos, " if measured[best].photos else ""
    if within:
        rule = f"best PSNR on the new held-out sources ({photos}no points) among options within the targets"
    else:
        rule = f"best PSNR on the new held-out sources ({photos}no points); none is within every target ({targets})"
    ranked = sorted(measured, key=lambda name: -measured[name].psnr)
    table = "; ".join(
        f"{name} {measured[name]}"
        + (f" (misses {', '.join(measured[name].misses(targets))})" if within and name not in within else "")
        for name in ranked
    )
    unmeasured = sorted(set(scores) - set(measured))
    if unmeasured:
        table += "; unmeasured: " + ", ".join(unmeasured)
    return AutomaticPick(best, rule, table)


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
