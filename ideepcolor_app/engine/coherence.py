"""Coherent automatic colour: one colour per flat region, muted where the network is unsure.

An automatic network that cannot tell a blue wall from a red one predicts a weak colour
whose hue drifts across the wall, and a chroma boost applied everywhere turns that drift
into blotches (a studio backdrop blue with red patches, a sky banded magenta and cyan). So
the automatic backends finish their prediction here, with no point needed from the user:

1. each pixel's prediction becomes a soft hint, weighted by the network's confidence there
   (`hue_agreement` of a colour distribution, or the chroma a regression network dared);
2. the app's edge-aware propagation (`ideepcolor_app.propagation.CoarsePropagator`, the
   solve that spreads user hints) spreads them along the photo's lightness: a flat region
   gets the confident pixels' colour, and where confident hues disagree they average
   towards grey; lightness edges stop the spread, and the local colour lines keep shading;
3. the chroma boost (`nets.blocks.scale_chroma`, calibrated per network) is applied only as
   far as the prediction is confident.

It costs one coarse solve (64 cells on the long side) per photo at the working size, whatever
the photo's resolution. Every setting was chosen on the validation photos (docs/quality.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ideepcolor_app.color.norm import denormalize_ab, normalize_ab
from ideepcolor_app.nets.blocks import scale_chroma
from ideepcolor_app.propagation import CoarsePropagator

__all__ = [
    "Coherence",
    "chroma_confidence",
    "hue_agreement",
    "COHERENCE_STRENGTH",
    "CONFIDENT_CHROMA",
    "NO_POINT_BOOST",
]

#: How hard each coarse cell holds its own predicted colour (per unit of confidence) against
#: its neighbours' (`CoarsePropagator`'s hint strength): small values let a flat region share
#: one colour; 1 would leave every cell as predicted. Chosen on val from 0.003-0.3.
COHERENCE_STRENGTH = 0.01
#: Chroma (ab units) at which a regression network's prediction counts as fully confident:
#: it predicts the mean of the colours it finds plausible, which is weak when they disagree.
#: Chosen on val (15; a flip-averaged disagreement scored within 0.05 dB for a second pass).
CONFIDENT_CHROMA = 15.0
#: Chroma boost of the `hints` backend without points, whose network has none of its own:
#: the smallest boost (of 1-2.5) that brings val to 68 % of the truth's colourfulness.
NO_POINT_BOOST = 2.5
#: Confidence below this still joins the propagation (a cell with no confidence at all would
#: drop out of the solve and take no colour from its neighbours).
_MIN_CONFIDENCE = 1e-3


def hue_agreement(probs: torch.Tensor, centres: torch.Tensor) -> torch.Tensor:
    """How much of a colour distribution's chroma agrees on one hue, per pixel.

    |E[ab]| / E[|ab|]: 1 when all the probable colours share a hue (whatever their chroma,
    so shades of one green count as sure), near 0 when the mass is split between far hues
    (blue or red), which is exactly when the mean colour is an invented one.

    Args:
        probs: (Q,h,w) float, probabilities over the bins (sum 1 over Q).
        centres: (Q,2) CIELAB ab of each bin.
    Returns:
        (h,w) float32 in [0, 1].

    Example:
        >>> centres = torch.tensor([[30.0, 0.0], [-30.0, 0.0], [20.0, 0.0]])
        >>> split = torch.tensor([0.5, 0.5, 0.0])[:, None, None]
        >>> shades = torch.tensor([0.5, 0.0, 0.5])[:, None, None]
        >>> float(hue_agreement(split, centres)), float(hue_agreement(shades, centres))
        (0.0, 1.0)
    """
    probs, centres = probs.float(), centres.float().to(probs.device)
    mean = torch.einsum("qhw,qc->chw", probs, centres)
    mean_chroma = torch.einsum("qhw,q->hw", probs, centres.norm(dim=1))
    agreement: torch.Tensor = (mean.norm(dim=0) / mean_chroma.clamp_min(1e-6)).clamp(0.0, 1.0)
    return agreement


def chroma_confidence(ab: torch.Tensor, confident: float = CONFIDENT_CHROMA) -> torch.Tensor:
    """(h,w) confidence of a regression network's (2,h,w) ab: its chroma / `confident`, at most 1."""
    confidence: torch.Tensor = (ab.float().norm(dim=0) / confident).clamp(0.0, 1.0)
    return confidence


@dataclass(frozen=True)
class Coherence:
    """Finish an automatic prediction: spread confident colour, boost confident chroma.

    Attributes:
        boost: the network's calibrated chroma boost (`scale_chroma`); applied in proportion
            to the confidence. 1: no boost.
        strength: see `COHERENCE_STRENGTH`.

    Example:
        >>> l = torch.full((16, 16), 50.0)
        >>> ab = torch.zeros(2, 16, 16); ab[0, :, :8] = 20.0; ab[0, :, 8:] = -4.0  # one flat region
        >>> out = Coherence().apply(l, ab, chroma_confidence(ab))
        >>> bool(out[0].min() > 10.0)  # the sure red spreads over the unsure cyan
        True
    """

    boost: float = 1.0
    strength: float = COHERENCE_STRENGTH

    def apply(self, l: torch.Tensor, ab: torch.Tensor, confidence: torch.Tensor) -> torch.Tensor:
        """Return the coherent ab.

        Args:
            l: (h,w) float32 CIELAB L in [0, 100] at the working size.
            ab: (2,h,w) float32 CIELAB ab the network predicted there, without its boost.
            confidence: (h,w) or any size (resized bilinearly), float in [0, 1].
        Returns:
            (2,h,w) float32 CIELAB ab.
        """
        l, ab = l.float().cpu(), ab.float().cpu()
        confidence = _resized(confidence.float().cpu(), (l.shape[0], l.shape[1]))
        propagator = CoarsePropagator(l, hint_strength=self.strength)
        coherent = propagator.propagate(ab, confidence.clamp(_MIN_CONFIDENCE, 1.0)).ab
        if self.boost == 1.0:
            return coherent
        boosted = denormalize_ab(scale_chroma(normalize_ab(coherent[None]), 1.0, self.boost))[0]
        return torch.lerp(coherent, boosted, confidence[None])


def _resized(x: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    if tuple(x.shape[-2:]) == size:
        return x.reshape(size)
    return F.interpolate(x.reshape(1, 1, *x.shape[-2:]), size=size, mode="bilinear", align_corners=False)[0, 0]
