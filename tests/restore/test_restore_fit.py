"""The scratch fit's measurements: a drawn scratch is worth filling, the same line in the clean
photo (the picture's own) is not."""

import numpy as np

from ideepcolor_app.restore.scratches import FEATURES
from tests.restore.test_specks_scratches import draw_line, textured_photo
from training import restore_fit


def test_broad_scratches_are_seeded_and_visible():
    clean = textured_photo()
    once = restore_fit.broad_scratches(clean, np.random.default_rng(3))
    assert np.array_equal(once, restore_fit.broad_scratches(clean, np.random.default_rng(3)))
    assert once.dtype == np.float32 and np.abs(once - clean).max() > 0.2


def test_scratch_benefit_is_positive_on_a_scratch_and_negative_on_a_line_of_the_picture(monkeypatch):
    scratched = textured_photo()
    draw_line(scratched, (10, 200), (310, 40), 0.97)
    clean = textured_photo()
    monkeypatch.setattr(restore_fit, "broad_scratches", lambda x, rng: scratched)
    features, benefit = restore_fit.scratch_candidates_of(clean, np.random.default_rng(0))
    assert features.shape == (len(benefit), len(FEATURES)) and benefit.max() > 0

    monkeypatch.setattr(restore_fit, "broad_scratches", lambda x, rng: x)
    _, benefit = restore_fit.scratch_candidates_of(scratched, np.random.default_rng(0))
    assert len(benefit) and benefit.max() < 0
