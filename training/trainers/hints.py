"""SIGGRAPH17 hints network: smooth-L1 on ab plus cross-entropy on the distribution head."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from training.hint_sampling import random_hue_angles, rotate_hue, sample_hints
from training.losses import distribution_loss, smooth_l1_ab
from training.trainers.base import Trainer, register_trainer


class _HintsForward(nn.Module):
    """encode + decode with logits in one forward, so DistributedDataParallel sees it."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, l, hint_ab, hint_mask, hist, sat, *extra):
        return self.net.decode(self.net.encode(l), hint_ab, hint_mask, hist, sat, *extra, want_logits=True)


@register_trainer
class HintsTrainer(Trainer):
    name = "hints"
    uses_hints = True

    def __init__(self, *args):
        super().__init__(*args)
        self.forward = self.wrap(_HintsForward(self.net))
        self.optimizers["net"] = self.adam(self.net)

    def train_step(self, l: torch.Tensor, ab: torch.Tensor, rng: np.random.Generator) -> dict[str, float]:
        self.net.train()
        angles = random_hue_angles(len(ab), self.cfg.hints.hue_rotation_p, rng).to(ab.device)
        ab = rotate_hue(ab, angles)
        hints = sample_hints(l, ab, self.cfg.hints, self.bins, rng)
        extra = self.extra_inputs(l, hints)
        with self.autocast():
            pred_ab, logits = self.forward(l, hints.ab, hints.mask, hints.histogram, hints.saturation, *extra)
        regression = smooth_l1_ab(pred_ab, self.targets(l, ab, hints))
        weights = self.class_weights if self.cfg.loss.rebalance else None
        classification = distribution_loss(logits, ab, self.bins, weights)
        loss = self.cfg.loss.regression * regression + self.cfg.loss.classification * classification
        self.optimise(loss, self.optimizers["net"])
        return {"loss": loss.item(), "smooth_l1": regression.item(), "cross_entropy": classification.item()}

    def targets(self, l: torch.Tensor, ab: torch.Tensor, hints) -> torch.Tensor:
        """The ab that the regression loss pulls towards (the truth here)."""
        return ab

    def extra_inputs(self, l: torch.Tensor, hints) -> tuple[torch.Tensor, ...]:
        """Inputs a subclass's network takes after the global hints (none here)."""
        return ()

    @torch.no_grad()
    def predict(self, l: torch.Tensor, hint_ab: torch.Tensor, hint_mask: torch.Tensor) -> torch.Tensor:
        self.net.eval()
        return self.net(l, hint_ab, hint_mask).float()
