"""The damage model of real prints: seeded, each kind on its own, masks where there is damage."""

import numpy as np
import pytest

from tests.restore.conftest import scene
from training.print_damage import FILL_KINDS, KINDS, TONE_KINDS, damage, random_damage


@pytest.mark.parametrize("kind", KINDS + ("all",))
def test_each_kind_is_seeded_and_differs_by_seed(kind):
    clean = scene(96, 128)
    once, mask = damage(clean, kind, 5)
    again, mask_again = damage(clean, kind, 5)
    assert np.array_equal(once, again) and np.array_equal(mask, mask_again)
    assert once.dtype == np.float32 and mask.dtype == bool and once.shape == mask.shape == clean.shape
    assert once.min() >= 0 and once.max() <= 1 and not np.array_equal(once, clean)
    assert not np.array_equal(once, damage(clean, kind, 6)[0])


@pytest.mark.parametrize("kind", FILL_KINDS)
def test_fill_kinds_mark_what_they_changed(kind):
    clean = scene(128, 160)
    damaged, mask = damage(clean, kind, 11)
    assert mask.any()
    changed = np.abs(damaged - clean)
    # Masked pixels changed a lot more, on average, than the rest (halos and shading aside).
    assert changed[mask].mean() > 4 * changed[~mask].mean()


@pytest.mark.parametrize("kind", TONE_KINDS)
def test_tone_kinds_have_nothing_to_fill(kind):
    assert not damage(scene(64, 64), kind, 2)[1].any()


def test_kinds_inside_all_draw_as_they_do_alone():
    clean = scene(96, 96)
    _, all_mask = damage(clean, "all", 9)
    for kind in FILL_KINDS:
        assert not (damage(clean, kind, 9)[1] & ~all_mask).any()  # each kind's mask is part of "all"'s


def test_random_damage_follows_its_generator():
    clean = scene(64, 64)
    a = random_damage(clean, np.random.default_rng(4))
    b = random_damage(clean, np.random.default_rng(4))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
