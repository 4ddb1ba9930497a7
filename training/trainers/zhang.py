"""ECCV16 classification network: class-rebalanced, soft-encoded cross-entropy."""

from __future__ import annotations

import numpy as np
import torch

from ideepcolor_app.nets.zhang import ZhangNet
from ideepcolor_app.nets.zhang_lite import ZhangLiteNet
from training.losses import distribution_loss
from training.trainers.base import Trainer, register_trainer


@register_trainer
class ZhangTrainer(Trainer):
    name = "zhang"
    needs_class_weights = True
    net: ZhangNet | ZhangLiteNet  # the families its configs train

    def __init__(self, *args):
        super().__init__(*args)
        self.forward = self.wrap(self.net)
        self.optimizers["net"] = self.adam(self.net)

    def train_step(self, l: torch.Tensor, ab: torch.Tensor, rng: np.random.Generator) -> dict[str, float]:
        self.net.train()
        with self.autocast():
            logits = self.forward(l)
        weights = self.class_weights if self.cfg.loss.rebalance else None
        loss = distribution_loss(logits, ab, self.bins, weights)
        self.optimise(loss, self.optimizers["net"])
        return {"loss": loss.item(), "cross_entropy": loss.item()}

    @torch.no_grad()
    def predict(self, l: torch.Tensor, hint_ab: torch.Tensor, hint_mask: torch.Tensor) -> torch.Tensor:
        self.net.eval()
        return self.net.colorize(l).float()
