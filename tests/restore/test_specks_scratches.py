"""The speck score and the line detector, on a generated photo with texture and shapes."""

import cv2
import numpy as np
import pytest

from ideepcolor_app.restore import RestoreOptions, restore_lightness
from ideepcolor_app.restore.defects import find_defects, tophats
from ideepcolor_app.restore.fill import fast_marching
from ideepcolor_app.restore.scratches import find_scratches, line_margins, scratch_candidates, scratch_score
from ideepcolor_app.restore.specks import speck_candidates, speck_score
from tests.restore.conftest import psnr


def textured_photo(height: int = 240, width: int = 320, seed: int = 4) -> np.ndarray:
    """Shading, two soft shapes, and a fine texture (std 0.02) on the lower half, in [0, 1]."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    x = 0.3 + 0.3 * xx / width + 0.1 * yy / height
    cv2.circle(x, (230, 70), 40, 0.75, -1)
    cv2.rectangle(x, (30, 140), (120, 210), 0.2, -1)
    x = cv2.GaussianBlur(x, (0, 0), 1.5)
    texture = cv2.GaussianBlur(rng.standard_normal((height, width)).astype(np.float32), (0, 0), 0.8)
    x[height // 2 :] += 0.02 * texture[height // 2 :] / texture.std()
    return np.clip(x, 0, 1).astype(np.float32)


def draw_line(x: np.ndarray, start: tuple[int, int], end: tuple[int, int], value: float) -> np.ndarray:
    """A 1-pixel anti-aliased line (90% opaque) from start to end, (col, row) points; its mask."""
    alpha = np.zeros(x.shape, np.uint8)
    cv2.line(alpha, start, end, 255, 1, cv2.LINE_AA)
    a = alpha.astype(np.float32) / 255 * 0.9
    x[:] = x * (1 - a) + a * value
    return alpha > 0


def draw_specks(x: np.ndarray, centres: list[tuple[int, int]], value: float) -> np.ndarray:
    """Round specks of radius 2 at (row, col) centres; their mask."""
    mask = np.zeros(x.shape, np.uint8)
    for row, col in centres:
        cv2.circle(mask, (col, row), 2, 1, -1)
    x[mask > 0] = value
    return mask > 0


CLUSTER = [(40, 40), (46, 58), (60, 44), (52, 70), (34, 64), (70, 60)]


@pytest.fixture
def damaged_photo() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(clean, damaged, planted mask): a thin diagonal white scratch across the shapes and the
    texture, a cluster of six white specks and two dark ones."""
    clean = textured_photo()
    damaged = clean.copy()
    planted = draw_line(damaged, (0, 237), (319, 5), 0.97)
    planted |= draw_specks(damaged, CLUSTER, 0.97)
    planted |= draw_specks(damaged, [(120, 180), (200, 260)], 0.03)
    return clean, damaged, planted


def near(mask: np.ndarray, reach: int) -> np.ndarray:
    return cv2.dilate(mask.astype(np.uint8), np.ones((2 * reach + 1,) * 2, np.uint8)) > 0


def test_planted_scratch_and_speck_cluster_are_found_on_texture(damaged_photo):
    clean, damaged, planted = damaged_photo
    mask = find_defects(damaged, noise=0.0)
    strong = planted & (np.abs(damaged - clean) > 0.1)
    assert (mask & strong).sum() / strong.sum() > 0.95
    assert not (mask & ~near(planted, 3)).any(), "something away from the damage was taken"


def test_planted_damage_on_texture_is_filled_close_to_clean(damaged_photo):
    clean, damaged, planted = damaged_photo
    filled = fast_marching(damaged, find_defects(damaged, noise=0.0))
    assert psnr(filled, clean) > psnr(damaged, clean) + 10
    assert np.abs(filled - clean)[planted].mean() < 0.04


def test_clean_textured_photo_is_untouched():
    clean = textured_photo()
    assert not find_defects(clean, noise=0.0).any()
    assert psnr(restore_lightness(clean * 100, RestoreOptions(tone="off")).l / 100, clean) > 42


def test_crossing_scratches_are_both_found():
    clean = textured_photo()
    x = clean.copy()
    first = draw_line(x, (20, 20), (300, 220), 0.05)
    second = draw_line(x, (20, 220), (300, 30), 0.05)
    white, black = tophats(x, 9)
    mask = find_scratches(x, white, black, 0.15) > 0
    for line in (first, second):
        strong = line & (clean - x > 0.2)  # where the scratch is plain to see
        assert (mask & strong).sum() / strong.sum() > 0.9


def test_a_line_stands_out_and_parallel_ripples_do_not():
    x = np.full((120, 160), 0.5, np.float32)
    x[60, 10:150] = 0.9  # one bright line
    ripples = np.full((120, 160), 0.5, np.float32)
    ripples[::4, :] = 0.9  # rows of bright lines 4 px apart
    for photo, expected in ((x, True), (ripples, False)):
        white, black = tophats(photo, 9)
        (bright, _), _ = line_margins(white, black)
        assert (bright[60, 40:120] > 0.3).all() == expected


def test_speck_score_prefers_a_lone_blob_to_a_pixel_in_texture():
    x = np.full((64, 64), 0.4, np.float32)
    x[30:34, 30:34] = 0.95  # a lone 4 x 4 speck
    rng = np.random.default_rng(1)
    busy = (0.4 + 0.25 * (rng.random((64, 64)) > 0.85)).astype(np.float32)  # sparkling texture
    white, black = tophats(x, 9)
    _, ids, features = speck_candidates(x, white, black, -1, 0.15, 0.0, 9)
    assert ids.size == 1 and speck_score(features)[0] > 0
    white, black = tophats(busy, 9)
    assert (white > 0.15).sum() > 200  # plenty of thin contrast, none of it a speck
    _, ids, features = speck_candidates(busy, white, black, -1, 0.15, 0.0, 9)
    assert not (speck_score(features) > 0).any()


def test_the_corner_of_a_flat_shape_is_no_speck():
    x = np.full((64, 64), 0.3, np.float32)
    x[20:50, 20:50] = 0.8  # a disc cannot reach into the corners: the top-hat keeps them
    white, black = tophats(x, 9)
    assert white[20, 20] > 0.15
    _, ids, _ = speck_candidates(x, white, black, -1, 0.15, 0.0, 9)
    assert ids.size == 0


def test_a_line_across_the_picture_scores_and_the_rim_of_a_shape_is_no_candidate():
    across = textured_photo()
    draw_line(across, (10, 200), (310, 40), 0.97)  # a scratch over shading, shapes and texture
    white, black = tophats(across, 9)
    _, _, candidates = scratch_candidates(across, white, black, 0.15)
    assert candidates and scratch_score(np.stack([c[4] for c in candidates])).max() > 0
    rim = np.full((240, 320), 0.25, np.float32)
    rim[:120] = 0.6
    rim[119:121] = 0.95  # a lit rim along the edge of a shape: different picture either side
    white, black = tophats(rim, 9)
    assert scratch_candidates(rim, white, black, 0.15)[2] == []


def test_a_line_with_its_shadow_beside_it_is_picture_and_the_line_alone_a_scratch():
    for shadow, expected in ((False, True), (True, False)):
        x = textured_photo()
        draw_line(x, (40, 60), (280, 60), 0.97)  # a horizontal bright line, like a ceiling light
        if shadow:
            draw_line(x, (40, 63), (280, 63), 0.1)
        white, black = tophats(x, 9)
        assert find_scratches(x, white, black, 0.15).any() == expected


def line_on_step(degrees: float, step: float) -> np.ndarray:
    """A dark 1-pixel line (0.2) along the border of two flat regions (0.5 and 0.5 + step)
    through the centre, `degrees` from level."""
    height, width = 240, 320
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = np.radians(degrees)
    x = np.where((xx - 160) * np.sin(angle) > (yy - 120) * np.cos(angle), 0.5 + step, 0.5).astype(np.float32)
    x = cv2.GaussianBlur(x, (0, 0), 0.7)
    dx, dy = 150 * np.cos(angle), 150 * np.sin(angle)
    draw_line(x, (int(160 - dx), int(120 - dy)), (int(160 + dx), int(120 + dy)), 0.2)
    return x


@pytest.mark.parametrize(
    "degrees, step, expected",
    [
        (0, 0.0, True),
        (90, 0.0, True),  # a level or upright line on flat ground can be a scratch
        (0, 0.06, False),
        (90, 0.06, False),  # the same line on a step between regions is their edge
        (45, 0.06, True),
        (60, 0.06, True),
        (135, 0.06, True),  # a slanted line keeps the looser limit on its sides
    ],
)
def test_a_level_or_upright_line_between_different_sides_is_no_candidate(degrees, step, expected):
    x = line_on_step(degrees, step)
    white, black = tophats(x, 9)
    _, _, candidates = scratch_candidates(x, white, black, 0.15)
    assert bool(candidates) == expected
    if expected:
        features = np.stack([c[4] for c in candidates])
        assert features[:, 5].max() < 0.3  # sides, over the line's contrast
        assert scratch_score(features).max() > 0
    else:
        assert find_scratches(x, white, black, 0.15).sum() == 0
