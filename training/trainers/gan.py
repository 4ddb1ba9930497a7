"""pix2pix: U-Net generator against a PatchGAN discriminator, adversarial + lambda * L1."""

from __future__ import annotations

import numpy as np
import torch

from ideepcolor_app.nets import PatchDiscriminator
from training.losses import discriminator_loss, generator_adversarial_loss, l1_ab
from training.trainers.base import Trainer, register_trainer

PIX2PIX_BETAS = (0.5, 0.999)


@register_trainer
class GanTrainer(Trainer):
    name = "gan"

    def __init__(self, *args):
        super().__init__(*args)
        self.discriminator = PatchDiscriminator().to(self.device)
        self.modules["discriminator"] = self.discriminator
        self.generator_forward = self.wrap(self.net)
        self.discriminator_forward = self.wrap(self.discriminator)
        self.optimizers["net"] = self.adam(self.net, PIX2PIX_BETAS)
        self.optimizers["discriminator"] = self.adam(self.discriminator, PIX2PIX_BETAS)

    def train_step(self, l: torch.Tensor, ab: torch.Tensor, rng: np.random.Generator) -> dict[str, float]:
        self.net.train()
        self.discriminator.train()
        with self.autocast():
            fake_ab = self.generator_forward(l)
            # Real and fake in one forward: DistributedDataParallel allows one per backward.
            scores = self.discriminator_forward(torch.cat([l, l]), torch.cat([ab, fake_ab.detach()]))
            real_scores, fake_scores = scores.float().chunk(2)
            d_loss = discriminator_loss(real_scores, fake_scores, self.cfg.loss.real_label)
        self.optimise(d_loss, self.optimizers["discriminator"])
        # The generator step only needs gradients through the discriminator, not of it, so it
        # calls the plain module (no DDP reducer waiting for discriminator gradients).
        self.discriminator.requires_grad_(False)
        with self.autocast():
            adversarial = generator_adversarial_loss(self.discriminator(l, fake_ab).float())
        l1 = l1_ab(fake_ab, ab)
        g_loss = adversarial + self.cfg.loss.l1_lambda * l1
        self.optimise(g_loss, self.optimizers["net"])
        self.discriminator.requires_grad_(True)
        return {
            "loss": g_loss.item(),
            "l1": l1.item(),
            "adversarial": adversarial.item(),
            "discriminator": d_loss.item(),
        }

    @torch.no_grad()
    def predict(self, l: torch.Tensor, hint_ab: torch.Tensor, hint_mask: torch.Tensor) -> torch.Tensor:
        self.net.eval()
        return self.net(l).float()
