"""Direct ab regression with MSE: Deep Koalarization's fusion network and the plain baseline."""

from __future__ import annotations

import numpy as np
import torch

from training.losses import mse_ab
from training.trainers.base import Trainer, register_trainer


@register_trainer
class RegressionTrainer(Trainer):
    name = "regression"

    def __init__(self, *args):
        super().__init__(*args)
        self.forward = self.wrap(self.net)
        self.optimizers["net"] = self.adam(self.net)

    def train_step(self, l: torch.Tensor, ab: torch.Tensor, rng: np.random.Generator) -> dict[str, float]:
        self.net.train()
        with self.autocast():
            pred_ab = self.forward(l)
        loss = self.cfg.loss.regression * mse_ab(pred_ab, ab)
        self.optimise(loss, self.optimizers["net"])
        return {"loss": loss.item(), "mse": loss.item()}

    @torch.no_grad()
    def predict(self, l: torch.Tensor, hint_ab: torch.Tensor, hint_mask: torch.Tensor) -> torch.Tensor:
        self.net.eval()
        return self.net(l).float()
