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
    cfg = tiny_config(photo_dir, trainer_name, family, crop, optim={"lr": 2e-3}, hints={"p_no_hints": 0.0})
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


@pytest.mark.parametrize("workers", [0, pytest.param(2, marks=pytest.mark.slow)])  # 2: a process pool starts
def test_propagated_hints_trains_on_the_propagation_the_app_gives_it(photo_dir, workers):
    """The training inputs are the app's guided propagation of the same hints, exactly,
    whether the trainer propagates them itself or in worker processes."""
    from ideepcolor_app.engine.guided import guided_propagator
    from training.hint_sampling import sample_hints

    torch.manual_seed(0)
    cfg = tiny_config(
        photo_dir,
        "propagated_hints",
        "propagated_hints",
        32,
        hints={"p_no_hints": 0.0},
        data={"propagation_workers": workers},
    )
    trainer = create_trainer(cfg, torch.device("cpu"), False, torch.ones(529))
    with torch.no_grad():  # a network with colours of its own, so the guide matters
        for p in trainer.net.fine[-1].parameters():
            p.copy_(torch.randn(p.shape, generator=torch.Generator().manual_seed(1)))
    photos = PhotoCrops([photo_dir], crop_size=32, cache_short_side=64, augment=False)
    l, ab = to_lab(torch.stack([photos[0], photos[1]]))
    hints = sample_hints(l, ab, cfg.hints, trainer.bins, np.random.default_rng(3))
    prop_ab, conf = trainer.extra_inputs(l, hints)
    if trainer.pool:
        trainer.pool.shutdown()
    trainer.net.eval()
    for i in range(2):
        app = guided_propagator(trainer.net, trainer.net.encode(l[i : i + 1]), l[i, 0]).propagate(
            hints.ab[i], hints.mask[i, 0]
        )
        assert torch.allclose(prop_ab[i], app.ab, atol=1e-4) and torch.allclose(conf[i], app.confidence, atol=1e-4)
    assert float(conf.max()) > 0.99  # hints were there to propagate


def test_a_learned_blend_gate_trains(photo_dir):
    torch.manual_seed(0)
    cfg = tiny_config(
        photo_dir, "propagated_hints", "propagated_hints", 32, optim={"lr": 2e-3}, hints={"p_no_hints": 0.0}
    )
    cfg.model.overrides["learned_blend"] = True
    trainer = create_trainer(cfg, torch.device("cpu"), False, torch.ones(529))
    photos = PhotoCrops([photo_dir], crop_size=32, cache_short_side=64, augment=False)
    l, ab = to_lab(torch.stack([photos[0], photos[1]]))
    gate_before = trainer.net.blend_gate.weight.detach().clone()
    losses = [trainer.train_step(l, ab, np.random.default_rng(7))["loss"] for _ in range(6)]
    assert losses[-1] < losses[0]
    assert not torch.equal(trainer.net.blend_gate.weight, gate_before)


def test_an_anchor_network_is_the_target_only_where_a_sample_has_no_hint(photo_dir, tmp_path):
    """`loss.anchor_weights`: samples without any hint learn that network's colourization,
    so a fine-tune keeps its automatic prior; samples with hints still learn the truth."""
    from ideepcolor_app.engine.weights import ModelCard, save_weights
    from training.hint_sampling import sample_hints
    from training.trainers.propagated_hints import colourize_without_hints

    torch.manual_seed(0)
    base = tiny_config(photo_dir, "propagated_hints", "propagated_hints", 32)
    anchor = create_trainer(base, torch.device("cpu"), False, torch.ones(529)).net
    with torch.no_grad():  # an anchor with colours of its own
        for p in anchor.fine[-1].parameters():
            p.copy_(torch.randn(p.shape, generator=torch.Generator().manual_seed(2)))
    card = ModelCard(name="anchor", family="propagated_hints", config=anchor.config.to_dict(), trained=True)
    path = save_weights(anchor, card, tmp_path)
    cfg = tiny_config(
        photo_dir,
        "propagated_hints",
        "propagated_hints",
        32,
        loss={"anchor_weights": str(path)},
        hints={"p_histogram": 0.0, "p_saturation": 0.0},
    )
    trainer = create_trainer(cfg, torch.device("cpu"), False, torch.ones(529))
    photos = PhotoCrops([photo_dir], crop_size=32, cache_short_side=64, augment=False)
    l, ab = to_lab(torch.stack([photos[0], photos[1]]))
    hints = sample_hints(l, ab, cfg.hints, trainer.bins, np.random.default_rng(3))
    hints.mask[0] = 0.0  # sample 0 has no hint, sample 1 keeps its own
    hints.ab[0] = 0.0
    assert float(hints.mask[1].max()) == 1.0
    targets = trainer.targets(l, ab, hints)
    expected = colourize_without_hints(anchor, l[:1])[0]
    assert float(expected.abs().mean()) > 1.0 and not torch.allclose(expected, ab[0], atol=1.0)
    assert torch.allclose(targets[0], expected, atol=1e-5)
    assert torch.equal(targets[1], ab[1])
    hints.histogram[0] = 0.5  # a global hint is a hint: the truth again
    assert torch.equal(trainer.targets(l, ab, hints), ab)
