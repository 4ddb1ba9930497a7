"""The propagation-guided hints network: smooth-L1 on ab plus cross-entropy on the palette head.

Each sample's simulated hints are propagated before the forward pass exactly as the `hints`
backend does per edit: along its own lightness, guided by the network's current colourization
without hints (affinities and colour lines, `guided_propagator`).

On a GPU the propagation (sparse solves on the CPU) is what a step waits for, so
`data.propagation_workers` processes can share it. `loss.anchor_weights` names a network
whose colourization without hints is the target of the samples without hints: a fine-tune
then learns to use hints without moving the automatic prior towards our small corpus.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import torch

from ideepcolor_app.engine.guided import guided_decode, guided_propagator, no_hint_colourization
from ideepcolor_app.nets.propagated_hints import PropagatedHintsNet
from ideepcolor_app.propagation import CoarsePropagator
from training.config import REPO_ROOT
from training.trainers.base import build_model, load_net_weights, register_trainer
from training.trainers.hints import HintsTrainer


def _single_thread() -> None:
    torch.set_num_threads(1)


def _propagate_one(
    l: np.ndarray, guide_ab: np.ndarray, hint_ab: np.ndarray, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    p = CoarsePropagator(torch.from_numpy(l), guide_ab=torch.from_numpy(guide_ab)).propagate(
        torch.from_numpy(hint_ab), torch.from_numpy(mask)
    )
    return p.ab.numpy(), p.confidence.numpy()


@torch.no_grad()  # not inference mode: an anchor's colourization becomes a loss target
def colourize_without_hints(net: PropagatedHintsNet, l: torch.Tensor) -> torch.Tensor:
    """(B,2,H,W) the network's colourization of each sample without any hint (one batch)."""
    return no_hint_colourization(net, net.encode(l)).float()


def propagate_batch(
    net: PropagatedHintsNet,
    l: torch.Tensor,
    hint_ab: torch.Tensor,
    hint_mask: torch.Tensor,
    pool: ProcessPoolExecutor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Propagate each sample's hints as the app does: ((B,2,H,W) ab, (B,1,H,W) confidence).

    The guide is the network's colourization of the sample without hints, so the network
    learns on the propagation it will be given (without it, it learnt on a plainer one).
    """
    guides = colourize_without_hints(net, l).cpu().numpy()
    jobs = [
        (
            l[i, 0].float().cpu().numpy(),
            guides[i],
            hint_ab[i].float().cpu().numpy(),
            hint_mask[i, 0].float().cpu().numpy(),
        )
        for i in range(l.shape[0])
    ]
    if pool:
        results = list(pool.map(_propagate_one, *zip(*jobs, strict=True)))
    else:
        results = [_propagate_one(*job) for job in jobs]
    ab = torch.from_numpy(np.stack([r[0] for r in results]))
    conf = torch.from_numpy(np.stack([r[1] for r in results]))
    return ab.to(l.device), conf.to(l.device)


@register_trainer
class PropagatedHintsTrainer(HintsTrainer):
    name = "propagated_hints"
    net: PropagatedHintsNet

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        workers = self.cfg.data.propagation_workers
        self.pool = (
            ProcessPoolExecutor(workers, multiprocessing.get_context("spawn"), initializer=_single_thread)
            if workers
            else None
        )
        self.anchor: PropagatedHintsNet | None = None
        if self.cfg.loss.anchor_weights:
            anchor = build_model(self.cfg)
            assert isinstance(anchor, PropagatedHintsNet)  # the family this trainer trains
            load_net_weights(anchor, REPO_ROOT / self.cfg.loss.anchor_weights)
            self.anchor = anchor.to(self.device).eval().requires_grad_(False)

    def extra_inputs(self, l: torch.Tensor, hints) -> tuple[torch.Tensor, ...]:
        """The hints propagated along each sample's lightness, and their confidence."""
        return propagate_batch(self.net, l, hints.ab, hints.mask, self.pool)

    def targets(self, l: torch.Tensor, ab: torch.Tensor, hints) -> torch.Tensor:
        """The anchor network's colourization where a sample has no hint of any kind."""
        if self.anchor is None:
            return ab
        none = (
            (hints.mask.flatten(1).amax(dim=1) == 0)
            & hints.histogram.isnan().all(dim=1)
            & hints.saturation[:, 0].isnan()
        )
        if not bool(none.any()):
            return ab
        ab = ab.clone()
        ab[none] = colourize_without_hints(self.anchor, l[none])
        return ab

    @torch.no_grad()
    def predict(self, l: torch.Tensor, hint_ab: torch.Tensor, hint_mask: torch.Tensor) -> torch.Tensor:
        """What the app shows: propagation, network and the hints' residual, per photo."""
        self.net.eval()
        out = []
        for i in range(l.shape[0]):
            cache = self.net.encode(l[i : i + 1])
            propagator = guided_propagator(self.net, cache, l[i, 0].float().cpu())
            ab, _ = guided_decode(self.net, cache, propagator, hint_ab[i : i + 1], hint_mask[i : i + 1])
            out.append(ab)
        return torch.cat(out).to(l.device)
