"""Display values for the colour picker: clamping, hex codes, bin scatter, reference images."""

import math

import numpy as np
import pytest
import torch
from skimage import color as skcolor

from ideepcolor_app.color import BinSet, in_gamut
from ideepcolor_app.color.swatch import (
    bin_scatter,
    clamp_ab,
    contrast_hex,
    hex_to_lab,
    lab_to_hex,
    lab_to_rgb_u8,
    prepare_reference,
    probs_at,
)
from ideepcolor_app.engine.backends import Distribution
from ideepcolor_app.engine.palette import suggested_colours


def _displayable(l, a, b, tol=1e-4):
    return bool(in_gamut(torch.tensor([l, a, b], dtype=torch.float64).view(3, 1, 1), tol)[0, 0])


@pytest.mark.parametrize("l, ab", [(50.0, (10.0, -20.0)), (90.0, (0.0, 0.0)), (30.0, (-15.0, 5.0))])
def test_clamp_ab_keeps_in_gamut_colours(l, ab):
    assert _displayable(l, *ab)
    assert clamp_ab(l, *ab) == ab


@pytest.mark.parametrize(
    "l, ab", [(50.0, (-100.0, 100.0)), (20.0, (80.0, 0.0)), (95.0, (0.0, -90.0)), (70.0, (110.0, 110.0))]
)
def test_clamp_ab_snaps_to_the_boundary_on_the_same_hue(l, ab):
    assert not _displayable(l, *ab)
    a, b = clamp_ab(l, *ab)
    assert _displayable(l, a, b)
    assert not _displayable(l, a * 1.01, b * 1.01)  # on the boundary: a little further is out
    assert math.atan2(b, a) == pytest.approx(math.atan2(ab[1], ab[0]))


def test_clamp_ab_at_the_ends_of_the_lightness_range():
    assert clamp_ab(0.0, 30.0, 30.0) == pytest.approx((0.0, 0.0), abs=0.05)
    assert clamp_ab(100.0, 30.0, -30.0) == pytest.approx((0.0, 0.0), abs=0.05)
    with pytest.raises(ValueError, match="l must be in"):
        clamp_ab(101.0, 0.0, 0.0)


@pytest.mark.parametrize("rgb_u8", [(200, 60, 40), (0, 0, 0), (255, 255, 255), (40, 90, 200), (18, 180, 77)])
def test_hex_round_trip_matches_skimage(rgb_u8):
    code = "#{:02x}{:02x}{:02x}".format(*rgb_u8)
    lab = hex_to_lab(code)
    reference = skcolor.rgb2lab(np.array([[rgb_u8]], dtype=np.float64) / 255.0)[0, 0]  # skimage 0.2x, D65
    assert lab == pytest.approx(tuple(reference), abs=1e-3)
    assert lab_to_hex(*lab) == code
    assert lab_to_rgb_u8(*lab) == rgb_u8


@pytest.mark.parametrize("text", ["ff0000", " #FF0000 ", "#f00"])
def test_hex_to_lab_accepts_common_spellings(text):
    assert hex_to_lab(text) == pytest.approx(hex_to_lab("#ff0000"))


@pytest.mark.parametrize("text", ["", "#12345", "#gg0000", "red", "#ff00001"])
def test_hex_to_lab_rejects_other_text(text):
    with pytest.raises(ValueError, match="not a hex colour"):
        hex_to_lab(text)


def test_lab_to_hex_clips_out_of_gamut_colours():
    assert lab_to_hex(50.0, 0.0, 0.0) == "#777777"
    assert lab_to_hex(50.0, 127.0, 0.0)[1:3] == "ff"


def test_contrast_hex():
    assert contrast_hex(90.0) == "#000000" and contrast_hex(20.0) == "#ffffff"


def test_probs_at_indexes_like_suggested_colours():
    centres = BinSet.default().centres.numpy()
    probs = np.random.default_rng(0).random((529, 3, 5)).astype(np.float32)
    probs /= probs.sum(0, keepdims=True)
    dist = Distribution(probs=probs, centres=centres)
    for x_frac, y_frac, (row, col) in [(0.0, 0.0, (0, 0)), (0.99, 0.5, (1, 4)), (1.0, 1.0, (2, 4)), (0.3, 0.7, (2, 1))]:
        p = probs_at(probs, x_frac, y_frac)
        assert np.array_equal(p, probs[:, row, col].astype(np.float64))
        top = suggested_colours(dist, 50.0, x_frac, y_frac, count=1)[0]
        kept = [i for i in np.argsort(-p) if _displayable(50.0, *centres[i])]
        assert top.ab == tuple(float(v) for v in centres[kept[0]])


def test_bin_scatter_orders_sizes_and_colours_the_bins():
    probs = np.array([0.05, 0.6, 0.0005, 0.3, 0.05])
    centres = np.array([[0.0, 0.0], [20.0, 30.0], [40.0, 40.0], [-30.0, 20.0], [100.0, -100.0]])
    s = bin_scatter(probs, centres, 60.0, max_size=20.0)
    assert s.ab.tolist() == [[20.0, 30.0], [-30.0, 20.0], [0.0, 0.0], [100.0, -100.0]]  # 0.0005 dropped
    assert s.probability.tolist() == [0.6, 0.3, 0.05, 0.05]
    assert s.size == pytest.approx(20.0 * np.sqrt([1.0, 0.5, 1 / 12, 1 / 12]))
    expected = np.round(skcolor.lab2rgb(np.array([[[60.0, 20.0, 30.0]]]))[0, 0] * 255)
    assert s.rgba[0, :3].tolist() == expected.astype(int).tolist()
    assert s.rgba.dtype == np.uint8 and s.rgba[0, 3] == 255 and s.rgba[0, 3] > s.rgba[1, 3] > s.rgba[2, 3]
    assert s.rgba[3, :3].tolist() == list(lab_to_rgb_u8(60.0, 100.0, -100.0))  # out of gamut: clipped


def test_bin_scatter_empty_and_mismatched():
    empty = bin_scatter(np.zeros(3), np.zeros((3, 2)), 50.0)
    assert empty.ab.shape == (0, 2) and empty.rgba.shape == (0, 4)
    with pytest.raises(ValueError, match="2 probabilities for 3 bin centres"):
        bin_scatter(np.zeros(2), np.zeros((3, 2)), 50.0)


def test_prepare_reference_keeps_small_images_and_shrinks_large_ones():
    rgb = np.zeros((10, 16, 3), dtype=np.float32)
    rgb[:, :8] = np.array([200, 60, 40]) / 255.0
    small = prepare_reference(rgb)
    assert small.rgb_u8.shape == (10, 16, 3) and small.rgb_u8[0, 0].tolist() == [200, 60, 40]
    reference = skcolor.rgb2lab(rgb.astype(np.float64))
    assert small.lab == pytest.approx(reference, abs=1e-3)
    big = prepare_reference(np.ones((300, 1200, 3), dtype=np.float32) * 0.5, max_side=400)
    assert big.rgb_u8.shape == (100, 400, 3) and big.lab.shape == (100, 400, 3)
    assert big.lab[..., 0] == pytest.approx(53.389, abs=0.01)
    with pytest.raises(ValueError, match=r"\(H,W,3\)"):
        prepare_reference(np.zeros((4, 4)))
