"""The ab gamut at a lightness, the picker image and its coordinates."""

import doctest

import numpy as np
import pytest
import torch
from skimage import color as skcolor

from ideepcolor_app.color import (
    PICKER_TOL,
    ab_gamut_at,
    ab_to_pixel,
    gamut_image,
    in_gamut,
    lab_to_rgb,
    pixel_to_ab,
    rgb_to_lab,
)
from ideepcolor_app.color import gamut as gamut_module


def _lab(l: float, a: float, b: float) -> torch.Tensor:
    return torch.tensor([l, a, b], dtype=torch.float64).view(3, 1, 1)


# -- in_gamut ---------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, 1, 1), (3, 4, 5), (2, 3, 4, 5)])
def test_in_gamut_cardinality(shape):
    mask = in_gamut(torch.rand(shape) * 50)
    assert mask.dtype == torch.bool and mask.shape == shape[:-3] + shape[-2:]


def test_in_gamut_rejects_bad_input():
    with pytest.raises(TypeError):
        in_gamut(np.zeros((3, 1, 1)))
    with pytest.raises(ValueError, match=r"\(\*,3,H,W\)"):
        in_gamut(torch.zeros(2, 1, 1))


def test_in_gamut_known_colours():
    red_lab = skcolor.rgb2lab(np.array([[[1.0, 0.0, 0.0]]]))[0, 0]  # (53.24, 80.09, 67.20)
    assert in_gamut(_lab(*red_lab)).item()
    assert in_gamut(_lab(50.0, 0.0, 0.0)).item()
    assert not in_gamut(_lab(95.0, 100.0, -100.0)).item()
    assert not in_gamut(_lab(50.0, 0.0, 100.0)).item()
    # A touch beyond red along its hue is out; the tolerance decides the boundary.
    assert not in_gamut(_lab(red_lab[0], red_lab[1] * 1.01, red_lab[2] * 1.01)).item()


def test_in_gamut_holds_every_srgb_colour():
    rgb = torch.rand(3, 32, 32, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    assert in_gamut(rgb_to_lab(rgb)).all()


def test_in_gamut_agrees_with_unclipped_conversion():
    g = torch.Generator().manual_seed(2)
    scale = torch.tensor([100.0, 200.0, 200.0], dtype=torch.float64).view(3, 1, 1)
    lab = torch.rand(3, 20, 20, dtype=torch.float64, generator=g) * scale
    lab[1:] -= 100
    rgb = lab_to_rgb(lab, clip=False)
    expected = ((rgb >= -1e-6) & (rgb <= 1 + 1e-6)).all(0)
    assert torch.equal(in_gamut(lab), expected)
    assert 0 < expected.sum() < expected.numel()


# -- ab_gamut_at ------------------------------------------------------------------------------


def test_ab_gamut_at_grid_values():
    a, b, mask = ab_gamut_at(50.0)
    assert a.shape == b.shape == (221,) and mask.shape == (221, 221) and mask.dtype == torch.bool
    assert a[0] == -110 and a[110] == 0 and a[-1] == 110 and torch.equal(a, b)
    a, b, mask = ab_gamut_at(50.0, step=10.0, ab_max=30.0)
    assert a.tolist() == [-30.0, -20.0, -10.0, 0.0, 10.0, 20.0, 30.0] and mask.shape == (7, 7)


def test_ab_gamut_at_orientation_rows_are_b():
    a, b, mask = ab_gamut_at(60.0, step=5.0)
    asymmetric = (mask != mask.T).nonzero()
    assert len(asymmetric) > 0
    for i, j in asymmetric[:: max(1, len(asymmetric) // 20)].tolist():
        direct = in_gamut(_lab(60.0, a[j].item(), b[i].item()), PICKER_TOL).item()
        assert mask[i, j].item() == direct


def test_ab_gamut_at_extremes_are_only_grey():
    for l in (0.0, 100.0):
        a, b, mask = ab_gamut_at(l)
        assert mask.nonzero().tolist() == [[110, 110]], l  # (a, b) = (0, 0)
    # scikit-image's matrix maps Lab (100, 0, 0) to sRGB 1.00008, so a tight tol drops white.
    assert not ab_gamut_at(100.0, tol=1e-6)[2].any()


def test_ab_gamut_at_mid_lightness_is_large():
    a, b, mask = ab_gamut_at(50.0, step=2.0)
    assert 0.2 < mask.double().mean() < 0.6


@pytest.mark.parametrize("rgb", [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (0, 1, 1), (1, 0, 1)])
def test_in_gamut_boundary_at_the_primaries(rgb):
    """Each sRGB primary or secondary is a corner of the gamut at its own L."""
    l, a0, b0 = skcolor.rgb2lab(np.array([[rgb]], dtype=np.float64))[0, 0]
    assert in_gamut(_lab(l, a0, b0)).item()
    assert not in_gamut(_lab(l, a0 * 1.02, b0 * 1.02)).item()
    a, b, mask = ab_gamut_at(float(l), step=1.0)
    rows, cols = mask.nonzero().unbind(1)
    assert torch.hypot(a[cols] - a0, b[rows] - b0).min() < 5.0  # the grid reaches the corner


def test_ab_gamut_at_rejects_bad_arguments():
    bad = ({"l": -1.0}, {"l": 101.0}, {"l": 50.0, "step": 0.0}, {"l": 50.0, "ab_max": -1.0})
    for kwargs in bad:
        with pytest.raises(ValueError):
            ab_gamut_at(**kwargs)


# -- the picker image -------------------------------------------------------------------------


def test_gamut_image_shape_and_alpha():
    img = gamut_image(50.0, size=64)
    assert img.shape == (64, 64, 4) and img.dtype == np.uint8
    assert set(np.unique(img[..., 3]).tolist()) == {0, 255}
    assert (img[img[..., 3] == 0][:, :3] == 0).all()  # transparent pixels are black too


def test_gamut_image_alpha_matches_in_gamut_at_pixel_centres():
    size, l = 48, 70.0
    rows, cols = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    a, b = pixel_to_ab(rows.astype(float), cols.astype(float), size)
    lab = torch.from_numpy(np.stack([np.full_like(a, l), a, b]))
    expected = in_gamut(lab, PICKER_TOL).numpy()
    np.testing.assert_array_equal(gamut_image(l, size=size)[..., 3] == 255, expected)


def test_gamut_image_colours_and_orientation():
    size, l = 111, 60.0
    img = gamut_image(l, size=size).astype(int)

    def pixel(a: float, b: float) -> np.ndarray:
        row, col = ab_to_pixel(a, b, size)
        return img[round(row), round(col)]

    yellow, blue, green, magenta = pixel(0, 50), pixel(0, -40), pixel(-40, 30), pixel(50, -20)
    assert yellow[3] == blue[3] == green[3] == magenta[3] == 255
    assert min(yellow[0], yellow[1]) > yellow[2] + 60  # up is yellow
    assert blue[2] > max(blue[0], blue[1]) + 40  # down is blue
    assert green[1] > max(green[0], green[2]) + 40  # left is green
    assert min(magenta[0], magenta[2]) > magenta[1] + 60  # right is red-magenta
    grey = pixel(0, 0)
    expected = np.round(lab_to_rgb(_lab(l, 0, 0)).flatten().numpy() * 255)
    np.testing.assert_array_equal(grey[:3], expected)


def test_pixel_coordinates_round_trip_and_corners():
    assert ab_to_pixel(-110.0, 110.0, 256) == (0.0, 0.0)
    assert ab_to_pixel(110.0, -110.0, 256) == (255.0, 255.0)
    assert pixel_to_ab(255.0, 0.0, 256) == (-110.0, -110.0)
    a = np.linspace(-110, 110, 13)
    b = np.linspace(110, -90, 13)
    row, col = ab_to_pixel(a, b, 200, ab_max=110.0)
    a2, b2 = pixel_to_ab(row, col, 200, ab_max=110.0)
    np.testing.assert_allclose(a2, a, atol=1e-12)
    np.testing.assert_allclose(b2, b, atol=1e-12)


def test_gamut_image_rejects_bad_arguments():
    with pytest.raises(ValueError):
        gamut_image(50.0, size=1)
    with pytest.raises(ValueError):
        gamut_image(150.0)
    with pytest.raises(ValueError):
        pixel_to_ab(0.0, 0.0, size=64, ab_max=0.0)


def test_gamut_docstring_examples():
    assert doctest.testmod(gamut_module, extraglobs={"torch": torch, "np": np}).failed == 0
