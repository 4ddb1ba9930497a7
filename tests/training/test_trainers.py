"""One CPU step per training method lowers its loss on a tiny generated batch."""

import numpy as np
import pytest
import torch

from training.data import PhotoCrops, to_lab
from training.trainers import create_trainer

from .conftest import tiny_config

METHODS = [  # (trainer, family, crop): the GAN's compact U-Net needs multiples of 128
    ("hints", "hints", 32),
    ("propagated_hints", "propagated_hints", 32),
    ("zhang", "zhang", 32),
    ("gan", "gan", 128),
    ("regression", "fusion", 32),
    ("regression", "plain", 32),
]


@pytest.mark.parametrize("trainer_name, family, crop", METHODS)
def test_training_steps_decrease_the_loss(photo_dir, trainer_name, family, crop):
    torch.manual_seed(0)
    cfg = tiny_config(photo_dir, trainer_name, family, crop, optim={"lr": 2e-3},
                      hints={"p_no_hints": 0.0})
    trainer = create_trainer(cfg, torch.device("cpu"), False, torch.ones(529))
    photos = PhotoCrops([photo_dir], crop_size=crop, cache_short_side=64, augment=False)
    l, ab = to_lab(torch.stack([photos[0], photos[1]]))
    key = "l1" if trainer_name == "gan" else "loss"  # the GAN's own target moves with D
    losses = [trainer.train_step(l, ab, np.random.default_rng(7))[key] for _ in range(6)]
    assert all(np.isfinite(losses))
    assert losses[-1] < losses[0]
    pred = trainer.predict(l, torch.zeros_like(ab), torch.zeros_like(l))
    assert pred.shape == ab.shape and pred.abs().max() <= 110.0


def test_unknown_trainer_lists_the_known_ones(photo_dir):
    cfg = tiny_config(photo_dir, "nope", "plain")
    with pytest.raises(ValueError, match="gan, hints, propagated_hints, regression, zhang"):
        create_trainer(cfg, torch.device("cpu"))
