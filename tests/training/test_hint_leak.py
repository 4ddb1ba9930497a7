"""Hint leak: the ab change far from every point where the truth is grey, on clean input and
with the old-print look."""

import numpy as np
import pytest
import torch

from ideepcolor_app.hints import HintPoint, Hints
from training.metrics import hint_leak
from training.old_print import OLD_PRINT
from training.protocol import EvalImage, run_protocol


def test_hint_leak_on_a_hand_computed_case():
    """A 4 x 10 photo, one point at the left edge; `far` 5 px. Pixels whose centre is more than
    5 px from the point count where the truth is grey: column 8 is red in the truth, so it never
    counts."""
    truth = np.zeros((2, 4, 10))
    truth[0, :, 8] = 30.0
    base = np.zeros((2, 4, 10))
    ab = base.copy()
    ab[:, :, 6] = np.array([3.0, 4.0])[:, None]  # a change of 5 ab units
    ab[:, :, 9] = np.array([0.0, 1.0])[:, None]  # and of 1
    ab[:, :, 8] = np.array([50.0, 0.0])[:, None]  # on the red column: not counted
    ab[:, :, 1] = np.array([20.0, 0.0])[:, None]  # near the point: not counted
    point = HintPoint(x=0.5, y=1.5, ab=(40.0, 0.0), size=1)
    # Counted (distance from (0.5, 1.5) to each pixel centre > 5): columns 6, 7, 9 in every row
    # (column 6: 6.0 to 6.3 px) and column 5 on rows 0, 2, 3 (5.1, 5.1, 5.4 px; row 1 is 5.0
    # away). Mean: (4 x 5 + 4 x 0 + 4 x 1 + 3 x 0) / 15.
    leak = hint_leak(ab, base, truth, Hints(10, 4, (point,)), far=5.0, grey=5.0)
    assert leak == pytest.approx(24.0 / 15.0)


def test_hint_leak_is_none_without_far_grey_pixels():
    truth = np.full((2, 4, 4), 20.0)
    point = HintPoint(x=2.0, y=2.0, ab=(1.0, 1.0), size=1)
    assert hint_leak(np.zeros((2, 4, 4)), np.zeros((2, 4, 4)), truth, Hints(4, 4, (point,)), far=1.0) is None


def leaky_predictor(l, hints):
    """Paints the mean hint colour over the whole photo where a point is, scaled by how grainy
    the input is: the old-print look's grain doubles the leak."""
    ab = torch.zeros(1, 2, *l.shape[-2:])
    mask = hints.mask[0, 0] > 0
    if bool(mask.any()):
        grain = float((l[0, 0, :, 1:] - l[0, 0, :, :-1]).abs().mean())
        ab[0] += hints.ab[0][:, mask].mean(dim=1)[:, None, None] * (0.1 if grain < 1.0 else 0.2)
    return ab


def test_the_protocol_reports_leak_with_the_old_print_look():
    l = torch.full((1, 1, 64, 64), 50.0)
    true_ab = torch.zeros(1, 2, 64, 64)
    true_ab[0, 0, 20:44, 20:44] = 40.0  # a red square on grey
    from training.metrics import lab_to_u8

    image = EvalImage("square", l, true_ab, lab_to_u8(l, true_ab)[0])
    clean = run_protocol(leaky_predictor, [image], (0, 1, 2))
    aged = run_protocol(leaky_predictor, [image], (0, 1, 2), OLD_PRINT)
    assert set(clean["leak"]) <= {1, 2} and clean["leak"]
    for count, leak in clean["leak"].items():
        assert aged["leak"][count] == pytest.approx(2 * leak, rel=0.15)
