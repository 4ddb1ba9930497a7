"""The propagation-guided hints network: smooth-L1 on ab plus cross-entropy on the palette head.

Each sample's simulated hints are propagated along its own lightness (the app's coarse Levin
solve) before the forward pass, exactly as the `hints` backend does per edit.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ideepcolor_app.engine.guided import guided_decode
from ideepcolor_app.propagation import CoarsePropagator

from training.hint_sampling import random_hue_angles, rotate_hue, sample_hints
from training.losses import distribution_loss, smooth_l1_ab
from training.trainers.base import Trainer, register_trainer


def propagate_batch(l: torch.Tensor, hint_ab: torch.Tensor, hint_mask: torch.Tensor
                    ) -> tuple[torch.Tensor, torch.Tensor]:
    """Propagate each sample's hints: ((B,2,H,W) ab, (B,1,H,W) confidence) on l's device."""
    abs_, confs = [], []
    for i in range(l.shape[0]):
        p = CoarsePropagator(l[i, 0].detach().float().cpu()).propagate(
            hint_ab[i].detach().float().cpu(), hint_mask[i, 0].detach().float().cpu())
        abs_.append(p.ab)
        confs.append(p.confidence)
    return torch.stack(abs_).to(l.device), torch.stack(confs).to(l.device)


class _Forward(nn.Module):
    """encode + decode with logits in one forward, so DistributedDataParallel sees it."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, l, hint_ab, hint_mask, hist, sat, prop_ab, prop_conf):
        return self.net.decode(self.net.encode(l), hint_ab, hint_mask, hist, sat, prop_ab,
                               prop_conf, want_logits=True)


@register_trainer
class PropagatedHintsTrainer(Trainer):
    name = "propagated_hints"
    uses_hints = True

    def __init__(self, *args):
        super().__init__(*args)
        self.forward = self.wrap(_Forward(self.net))
        self.optimizers["net"] = self.adam(self.net)

    def train_step(self, l: torch.Tensor, ab: torch.Tensor, rng: np.random.Generator) -> dict[str, float]:
        self.net.train()
        angles = random_hue_angles(len(ab), self.cfg.hints.hue_rotation_p, rng).to(ab.device)
        ab = rotate_hue(ab, angles)
        hints = sample_hints(l, ab, self.cfg.hints, self.bins, rng)
        prop_ab, prop_conf = propagate_batch(l, hints.ab, hints.mask)
        with self.autocast():
            pred_ab, logits = self.forward(l, hints.ab, hints.mask, hints.histogram,
                                           hints.saturation, prop_ab, prop_conf)
        regression = smooth_l1_ab(pred_ab, ab)
        weights = self.class_weights if self.cfg.loss.rebalance else None
        classification = distribution_loss(logits, ab, self.bins, weights)
        loss = self.cfg.loss.regression * regression + self.cfg.loss.classification * classification
        self.optimise(loss, self.optimizers["net"])
        return {"loss": loss.item(), "smooth_l1": regression.item(), "cross_entropy": classification.item()}

    @torch.no_grad()
    def predict(self, l: torch.Tensor, hint_ab: torch.Tensor, hint_mask: torch.Tensor) -> torch.Tensor:
        """What the app shows: propagation, network and the hints' residual, per photo."""
        self.net.eval()
        out = []
        for i in range(l.shape[0]):
            cache = self.net.encode(l[i:i + 1])
            propagator = CoarsePropagator(l[i, 0].float().cpu())
            ab, _ = guided_decode(self.net, cache, propagator, hint_ab[i:i + 1], hint_mask[i:i + 1])
            out.append(ab)
        return torch.cat(out).to(l.device)
