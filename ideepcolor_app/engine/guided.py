"""Run the propagation-guided hints network for one photo: propagate, decode, honour hints.

Shared by the `hints` backend, its trainer's validation and `training.evaluate`, so the number
measured is the number the app gives. The app also passes the photo's `ReachMap` and its
colour without points: the hints then change colours only as far as they reach (see
`ideepcolor_app.propagation.reach`), and the photo keeps its own colour elsewhere.
"""

from __future__ import annotations

import torch

from ideepcolor_app.nets.propagated_hints import PropagatedCache, PropagatedHintsNet
from ideepcolor_app.propagation import CoarsePropagator
from ideepcolor_app.propagation.reach import ReachMap


@torch.inference_mode()
def guided_propagator(
    net: PropagatedHintsNet, cache: PropagatedCache, l: torch.Tensor, guide_ab: torch.Tensor | None = None
) -> CoarsePropagator:
    """The photo's propagator, guided by the network's own colourization without hints.

    Hints then spread less across colour edges that the network sees and lightness does not
    (a red jumper on a green lawn of the same lightness). It is L-only, so it is built once
    per photo, beside `net.encode`.

    Args:
        l: (h,w) float32 CIELAB L of the photo at the working size.
        guide_ab: (2,h,w) the network's colourization without hints when already computed.
    """
    if guide_ab is None:
        guide_ab = no_hint_colourization(net, cache)[0]
    return CoarsePropagator(l, guide_ab=guide_ab.float().cpu())


def no_hint_colourization(net: PropagatedHintsNet, cache: PropagatedCache) -> torch.Tensor:
    """(B,2,H,W) the network's colourization of a cached batch without any hint."""
    zeros = torch.zeros(cache.l_norm.shape[0], 1, *cache.size, device=cache.l_norm.device, dtype=cache.l_norm.dtype)
    ab, _ = net.decode(cache, zeros.expand(-1, 2, -1, -1), zeros)
    return ab


@torch.inference_mode()
def guided_decode(
    net: PropagatedHintsNet,
    cache: PropagatedCache,
    propagator: CoarsePropagator,
    hint_ab: torch.Tensor,
    hint_mask: torch.Tensor,
    hist: torch.Tensor | None = None,
    sat: torch.Tensor | None = None,
    want_logits: bool = False,
    honour_hints: bool = True,
    reach: ReachMap | None = None,
    base_ab: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Colourize one photo from its cached L-only work and one edit's hints.

    Args:
        net, cache: the network and `net.encode` of the photo (batch of one).
        propagator: the photo's `CoarsePropagator` at the same (h, w).
        hint_ab: (1,2,h,w) float32 CIELAB, zero off the hints; hint_mask: (1,1,h,w).
        hist, sat: global hints, or None (off).
        want_logits: also return the distribution head.
        honour_hints: add the residual (hint minus result) spread from the hints, so that each
            hint's colour appears on its patch.
        reach, base_ab: the photo's `ReachMap` and its (2,h,w) colour without points: the
            network's change from `base_ab`, and the residual, are scaled by the hints' gate
            (`ReachMap.gate`), so `base_ab` stays where no hint reaches. None: not gated.
    Returns:
        ab (1,2,h,w) float32 CIELAB on the CPU, logits (1,Q,h/4,w/4) or None.
    """
    device = cache.l_norm.device
    dtype = cache.l_norm.dtype
    hint_ab_cpu, mask_cpu = hint_ab[0].float().cpu(), hint_mask[0, 0].float().cpu()
    propagation = propagator.propagate(hint_ab_cpu, mask_cpu)
    ab, logits = net.decode(
        cache,
        hint_ab.to(device, dtype),
        hint_mask.to(device, dtype),
        hist,
        sat,
        propagation.ab[None].to(device, dtype),
        propagation.confidence[None].to(device, dtype),
        want_logits=want_logits,
    )
    ab = ab.float().cpu()
    gate = None
    if reach is not None and base_ab is not None:
        gate = reach.gate(mask_cpu)
        base = base_ab.float().cpu()[None]
        ab = base + gate * (ab - base)
    if honour_hints:
        residual = propagation.spread(hint_ab_cpu - ab[0], mask_cpu)
        if gate is not None:
            residual = residual * gate
        ab = (ab + residual[None]).clamp(-110.0, 110.0)
    return ab, logits
