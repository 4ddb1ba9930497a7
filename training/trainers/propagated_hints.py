"""The propagation-guided hints network: smooth-L1 on ab plus cross-entropy on the palette head.

Each sample's simulated hints are propagated before the forward pass exactly as the `hints`
backend does per edit: along its own lightness, guided by the network's current colourization
without hints (affinities and colour lines, `guided_propagator`).
"""

from __future__ import annotations

import torch

from ideepcolor_app.engine.guided import guided_decode, guided_propagator
from ideepcolor_app.nets.propagated_hints import PropagatedHintsNet

from training.trainers.base import register_trainer
from training.trainers.hints import HintsTrainer


def propagate_batch(net: PropagatedHintsNet, l: torch.Tensor, hint_ab: torch.Tensor, hint_mask: torch.Tensor
                    ) -> tuple[torch.Tensor, torch.Tensor]:
    """Propagate each sample's hints as the app does: ((B,2,H,W) ab, (B,1,H,W) confidence).

    The guide is the network's colourization of the sample without hints, so the network
    learns on the propagation it will be given (without it, it learnt on a plainer one).
    """
    abs_, confs = [], []
    for i in range(l.shape[0]):
        cache = net.encode(l[i:i + 1])
        propagator = guided_propagator(net, cache, l[i, 0].float().cpu())
        p = propagator.propagate(hint_ab[i].detach().float().cpu(), hint_mask[i, 0].detach().float().cpu())
        abs_.append(p.ab)
        confs.append(p.confidence)
    return torch.stack(abs_).to(l.device), torch.stack(confs).to(l.device)


@register_trainer
class PropagatedHintsTrainer(HintsTrainer):
    name = "propagated_hints"

    def extra_inputs(self, l: torch.Tensor, hints) -> tuple[torch.Tensor, ...]:
        """The hints propagated along each sample's lightness, and their confidence."""
        with torch.no_grad():
            return propagate_batch(self.net, l, hints.ab, hints.mask)

    @torch.no_grad()
    def predict(self, l: torch.Tensor, hint_ab: torch.Tensor, hint_mask: torch.Tensor) -> torch.Tensor:
        """What the app shows: propagation, network and the hints' residual, per photo."""
        self.net.eval()
        out = []
        for i in range(l.shape[0]):
            cache = self.net.encode(l[i:i + 1])
            propagator = guided_propagator(self.net, cache, l[i, 0].float().cpu())
            ab, _ = guided_decode(self.net, cache, propagator, hint_ab[i:i + 1], hint_mask[i:i + 1])
            out.append(ab)
        return torch.cat(out).to(l.device)
