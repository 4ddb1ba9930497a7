"""Specks and scratches: planted defects are found and filled; picture structure is not touched."""

import numpy as np

from ideepcolor_app.restore.defects import DefectSettings, find_defects
from ideepcolor_app.restore.fill import fast_marching
from tests.restore.conftest import psnr


def plant(clean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A white diagonal scratch (2 px) and six specks (bright and dark); damaged, planted mask."""
    damaged = clean.copy()
    planted = np.zeros(clean.shape, bool)
    height, width = clean.shape
    for t in np.linspace(0, 1, 400):  # from (10, 100) down to (150, 190): crosses gradient and a box
        row, col = int(10 + 140 * t), int(100 + 90 * t)
        planted[row, col : col + 2] = True
    for row, col, radius in [(20, 30, 2), (80, 160, 1), (150, 40, 2), (60, 140, 2), (120, 60, 1), (45, 180, 2)]:
        planted[row - radius : row + radius + 1, col - radius : col + radius + 1] = True
    damaged[planted] = 0.97
    dark = np.zeros_like(planted)
    dark[118:123, 58:63] = planted[118:123, 58:63]
    damaged[dark] = 0.03
    return damaged, planted


def test_planted_scratch_and_specks_are_found(clean_scene):
    damaged, planted = plant(clean_scene)
    mask = find_defects(damaged, noise=0.0)
    found = (mask & planted).sum() / planted.sum()
    assert found > 0.95, f"found {found:.0%} of the planted pixels"
    # Nothing far from a planted defect is taken (the mask grows by a pixel or two at most).
    near = np.zeros_like(planted)
    rows, cols = np.nonzero(planted)
    for dr in range(-3, 4):
        for dc in range(-3, 4):
            near[np.clip(rows + dr, 0, near.shape[0] - 1), np.clip(cols + dc, 0, near.shape[1] - 1)] = True
    assert not (mask & ~near).any()


def test_planted_defects_are_filled_from_their_surroundings(clean_scene):
    damaged, planted = plant(clean_scene)
    filled = fast_marching(damaged, find_defects(damaged, noise=0.0))
    assert psnr(damaged, clean_scene) < 27
    assert psnr(filled, clean_scene) > 40
    # Where the scratch crosses the smooth gradient, the fill matches the clean value closely.
    assert np.abs(filled[planted] - clean_scene[planted]).mean() < 0.02


def test_clean_structure_is_not_a_defect(clean_scene, textured_scene):
    for photo in (clean_scene, textured_scene):
        assert not find_defects(photo, noise=0.0).any()


def test_weak_marks_are_left_at_low_strength(clean_scene):
    damaged = clean_scene.copy()
    damaged[40:43, 150:153] += 0.12  # a faint mark: below the low strength's contrast
    assert not find_defects(damaged, 0.0, DefectSettings(size=5, contrast=0.22)).any()
    assert find_defects(damaged, 0.0, DefectSettings(size=9, contrast=0.10)).any()


def test_fill_without_defects_is_a_copy(clean_scene):
    out = fast_marching(clean_scene, np.zeros(clean_scene.shape, bool))
    assert out is not clean_scene and np.array_equal(out, clean_scene)
