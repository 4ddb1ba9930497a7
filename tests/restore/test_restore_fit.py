"""The fits' measurements: a drawn scratch or speck is worth filling, the same mark in the clean
photo (the picture's own) is not."""

import numpy as np
import pytest

from ideepcolor_app.restore.scratches import FEATURES
from ideepcolor_app.restore.specks import FEATURES as SPECK_FEATURES
from tests.restore.test_specks_scratches import draw_line, textured_photo
from training import restore_fit


def test_broad_scratches_are_seeded_and_visible():
    clean = textured_photo()
    once = restore_fit.broad_scratches(clean, np.random.default_rng(3))
    assert np.array_equal(once, restore_fit.broad_scratches(clean, np.random.default_rng(3)))
    assert once.dtype == np.float32 and np.abs(once - clean).max() > 0.2


@pytest.mark.parametrize("kind", ["scratches", "specks"])
def test_benefit_is_positive_on_damage_and_negative_on_the_same_marks_in_the_picture(monkeypatch, kind):
    clean = textured_photo()
    marked = clean.copy()
    if kind == "scratches":
        draw_line(marked, (10, 200), (310, 40), 0.97)
    else:
        for row, col in ((40, 40), (90, 200), (180, 60)):
            marked[row - 2 : row + 3, col - 2 : col + 3] = 0.97
    damage, measure, names = {
        "scratches": ("broad_scratches", restore_fit.scratch_candidates_of, FEATURES),
        "specks": ("broad_specks", restore_fit.candidates_of, SPECK_FEATURES),
    }[kind]
    monkeypatch.setattr(restore_fit, damage, lambda x, rng: marked)
    features, benefit = measure(clean, np.random.default_rng(0))
    assert features.shape == (len(benefit), len(names)) and benefit.max() > 0
    # The same marks as the picture's own: filling them only adds error.
    monkeypatch.setattr(restore_fit, damage, lambda x, rng: x)
    _, benefit = measure(marked, np.random.default_rng(0))
    assert len(benefit) and benefit.max() < 0


def test_broad_specks_leave_some_photos_clean():
    clean = textured_photo()
    dusted = [
        (np.abs(restore_fit.broad_specks(clean, np.random.default_rng(seed)) - clean) > 0.3).any() for seed in range(12)
    ]
    assert 0 < sum(dusted) < 12
