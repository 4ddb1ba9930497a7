"""Each loss on hand-computed cases; soft encoding and rebalancing on a toy distribution."""

import math

import pytest
import torch

from ideepcolor_app.color import BinSet
from training.losses import (
    discriminator_loss,
    distribution_loss,
    generator_adversarial_loss,
    l1_ab,
    mse_ab,
    smooth_l1_ab,
    soft_cross_entropy,
)


def test_soft_cross_entropy_hand_computed():
    logits = torch.log(torch.tensor([0.5, 0.25, 0.25]))[None, :, None, None]
    target = torch.tensor([0.0, 1.0, 0.0])[None, :, None, None]
    assert soft_cross_entropy(logits, target).item() == pytest.approx(math.log(4))
    half = torch.tensor([0.5, 0.5, 0.0])[None, :, None, None]
    expected = 0.5 * math.log(2) + 0.5 * math.log(4)
    assert soft_cross_entropy(logits, half).item() == pytest.approx(expected)
    weighted = soft_cross_entropy(logits, target, torch.full((1, 1, 1), 3.0))
    assert weighted.item() == pytest.approx(3 * math.log(4))


def test_distribution_loss_of_uniform_logits_is_log_q():
    bins = BinSet.default()
    logits = torch.zeros(1, bins.num_bins, 2, 2)
    ab = torch.randn(1, 2, 8, 8) * 30
    assert distribution_loss(logits, ab, bins, None).item() == pytest.approx(math.log(529), rel=1e-5)


def test_rebalancing_weights_on_a_toy_distribution():
    bins = BinSet.default()
    p = torch.zeros(529)
    p[264], p[0] = 0.99, 0.01  # grey dominates, one rare corner bin
    w = bins.rebalance_weights(p, lam=0.5, sigma=0.0)
    assert w[0] > w[264]
    assert float((p * w).sum()) == pytest.approx(1.0, rel=1e-5)
    # Unsmoothed: w ~ 1 / (0.5 p + 0.5 / Q), so the ratio is known exactly.
    ratio = (0.5 * 0.99 + 0.5 / 529) / (0.5 * 0.01 + 0.5 / 529)
    assert float(w[0] / w[264]) == pytest.approx(ratio, rel=1e-5)
    enc = bins.soft_encode(torch.tensor([5.0, 5.0])[None, :, None, None])
    top = enc[0, :, 0, 0].topk(5).indices.tolist()
    assert set(top[:4]) == {264, 265, 287, 288}  # the 4 equidistant neighbours come first


def test_regression_losses_hand_computed():
    pred, true = torch.full((1, 2, 2, 2), 11.0), torch.zeros(1, 2, 2, 2)  # 11 = 0.1 at net scale
    assert l1_ab(pred, true).item() == pytest.approx(0.1)
    assert mse_ab(pred, true).item() == pytest.approx(0.01)
    assert smooth_l1_ab(pred, true).item() == pytest.approx(0.1 - 0.5 / 110)
    tiny = torch.full((1, 2, 1, 1), 0.55)  # below beta: quadratic 0.5 x^2 / beta
    assert smooth_l1_ab(tiny, torch.zeros_like(tiny)).item() == pytest.approx(0.5 * 0.005**2 * 110)


def test_gan_losses_hand_computed():
    zero = torch.zeros(1, 1, 2, 2)  # sigmoid(0) = 0.5
    real_term = -(0.9 * math.log(0.5) + 0.1 * math.log(0.5))
    assert discriminator_loss(zero, zero, 0.9).item() == pytest.approx(0.5 * (real_term + math.log(2)))
    assert generator_adversarial_loss(zero).item() == pytest.approx(math.log(2))
    confident = torch.full((1, 1, 1, 1), 20.0)
    assert generator_adversarial_loss(confident).item() < 1e-6
