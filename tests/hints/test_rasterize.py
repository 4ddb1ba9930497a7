"""Tests for rasterising hints to network inputs."""

import pytest
import torch

from ideepcolor_app.hints import (
    GlobalHints,
    HintPoint,
    Hints,
    HintTensors,
    patch_bounds,
    point_to_working,
    rasterize_hints,
)


def one_point(x, y, size, width=16, height=16, ab=(10.0, -20.0)) -> Hints:
    return Hints(width, height, (HintPoint(x, y, ab, size),))


def mask_box(t: HintTensors):
    """Return (row0, row1, col0, col1) of the mask's nonzero pixels, half-open."""
    rows, cols = torch.nonzero(t.mask[0, 0], as_tuple=True)
    return int(rows.min()), int(rows.max()) + 1, int(cols.min()), int(cols.max()) + 1


def test_point_to_working_maps_centre_to_centre():
    assert point_to_working((1500.0, 1000.0), (3000, 2000), (256, 256)) == (128.0, 128.0)
    assert point_to_working((0.0, 0.0), (3000, 2000), (256, 256)) == (0.0, 0.0)
    assert point_to_working((300.0, 50.0), (600, 100), (64, 32)) == (16.0, 32.0)


@pytest.mark.parametrize(
    ("x", "y", "size", "box"),
    [
        # odd sides, point at a pixel centre: centred on that pixel
        (8.5, 8.5, 1, (8, 9, 8, 9)),
        (8.5, 8.5, 3, (7, 10, 7, 10)),
        (8.5, 4.5, 9, (0, 9, 4, 13)),
        # odd side, point on a grid line: halves round up
        (8.0, 8.0, 3, (7, 10, 7, 10)),
        (7.9, 7.9, 3, (6, 9, 6, 9)),
        # even sides, point on a grid line: centred on it
        (8.0, 8.0, 2, (7, 9, 7, 9)),
        (8.0, 8.0, 6, (5, 11, 5, 11)),
        # even side, point at a pixel centre: that pixel and the next
        (8.5, 8.5, 2, (8, 10, 8, 10)),
        (8.5, 8.5, 4, (7, 11, 7, 11)),
        # image centre of a 16 x 16 grid
        (8.0, 8.0, 5, (6, 11, 6, 11)),
    ],
)
def test_patch_position_odd_and_even_sizes(x, y, size, box):
    hints = one_point(x, y, size)
    assert patch_bounds(hints.points[0], (16, 16), (16, 16)) == box
    t = rasterize_hints(hints, (16, 16))
    r0, r1, c0, c1 = box
    assert mask_box(t) == box
    assert t.mask.sum().item() == (r1 - r0) * (c1 - c0)


@pytest.mark.parametrize(
    ("x", "y", "size", "box"),
    [
        (0.0, 0.0, 3, (0, 2, 0, 2)),  # top-left corner: clipped to 2 x 2
        (0.5, 0.5, 3, (0, 2, 0, 2)),
        (0.5, 0.5, 1, (0, 1, 0, 1)),
        (15.5, 15.5, 3, (14, 16, 14, 16)),  # bottom-right corner
        (15.99, 15.99, 4, (14, 16, 14, 16)),
        (15.5, 0.5, 9, (0, 5, 11, 16)),  # top-right corner, 5 x 5 left
        (0.5, 8.5, 6, (6, 12, 0, 4)),  # left edge
        (8.0, 15.5, 2, (15, 16, 7, 9)),  # bottom edge
    ],
)
def test_patches_are_clipped_at_corners_and_edges(x, y, size, box):
    t = rasterize_hints(one_point(x, y, size), (16, 16))
    r0, r1, c0, c1 = box
    assert mask_box(t) == box
    assert t.mask.sum().item() == (r1 - r0) * (c1 - c0)


def test_ab_values_fill_the_patch_and_are_zero_elsewhere():
    t = rasterize_hints(one_point(8.5, 8.5, 3, ab=(12.5, -30.25)), (16, 16))
    assert t.ab.shape == (1, 2, 16, 16) and t.ab.dtype == torch.float32
    assert t.mask.shape == (1, 1, 16, 16) and t.mask.dtype == torch.float32
    assert torch.all(t.ab[0, 0, 7:10, 7:10] == 12.5)
    assert torch.all(t.ab[0, 1, 7:10, 7:10] == -30.25)
    assert t.ab[0, 0].sum().item() == 9 * 12.5
    assert t.ab[0, 1].sum().item() == 9 * -30.25
    assert set(t.mask.unique().tolist()) == {0.0, 1.0}
    assert torch.allclose(t.ab_norm, t.ab / 110.0)
    assert t.ab_norm[0, 0, 8, 8].item() == pytest.approx(12.5 / 110.0)


def test_later_points_overwrite_earlier_ones():
    first = HintPoint(6.5, 6.5, (10.0, 10.0), 5)  # rows/cols 4..8
    second = HintPoint(8.5, 8.5, (-50.0, 20.0), 3)  # rows/cols 7..9
    t = rasterize_hints(Hints(16, 16, (first, second)), (16, 16))
    assert t.ab[0, :, 8, 8].tolist() == [-50.0, 20.0]  # overlap: second wins
    assert t.ab[0, :, 7, 7].tolist() == [-50.0, 20.0]
    assert t.ab[0, :, 4, 4].tolist() == [10.0, 10.0]
    assert t.mask.sum().item() == 25 + 9 - 4  # union of the two patches
    swapped = rasterize_hints(Hints(16, 16, (second, first)), (16, 16))
    assert swapped.ab[0, :, 8, 8].tolist() == [10.0, 10.0]
    assert swapped.ab[0, :, 9, 9].tolist() == [-50.0, 20.0]


def test_no_hints_gives_zeros_and_no_globals():
    t = rasterize_hints(Hints(40, 30), (8, 12))
    assert t.ab.shape == (1, 2, 8, 12) and t.mask.shape == (1, 1, 8, 12)
    assert t.ab.abs().sum().item() == 0.0 and t.mask.sum().item() == 0.0
    assert t.histogram is None and t.saturation is None


def test_global_hints_become_tensors():
    histogram = [0.0] * 529
    histogram[3] = 0.25
    histogram[528] = 0.75
    hints = Hints(40, 30, global_hints=GlobalHints(saturation=0.35, histogram=histogram))
    t = rasterize_hints(hints, (8, 8))
    assert t.histogram.shape == (1, 529) and t.histogram.dtype == torch.float32
    assert t.histogram[0, 3].item() == 0.25 and t.histogram[0, 528].item() == 0.75
    assert t.histogram.sum().item() == pytest.approx(1.0)
    assert t.saturation.shape == (1, 1) and t.saturation.dtype == torch.float32
    assert t.saturation.item() == pytest.approx(0.35)
    only_sat = rasterize_hints(Hints(40, 30, global_hints=GlobalHints(saturation=0.0)), (8, 8))
    assert only_sat.histogram is None and only_sat.saturation.item() == 0.0


def test_wide_image_into_square_grid_scales_each_axis():
    # 3000 x 1000 photo on a 256 x 256 grid: x scales by 256/3000, y by 256/1000.
    hints = Hints(3000, 1000, (HintPoint(1500.0, 500.0, (5.0, 5.0), 4), HintPoint(2999.0, 10.0, (1.0, 2.0), 3)))
    assert point_to_working((2999.0, 10.0), (3000, 1000), (256, 256)) == pytest.approx((2999.0 * 256 / 3000, 2.56))
    t = rasterize_hints(hints, (256, 256))
    assert t.mask[0, 0, 126:130, 126:130].sum().item() == 16  # centre patch, centred
    assert t.mask[0, 0, 125, :].sum().item() == 0 and t.mask[0, 0, 130, :].sum().item() == 0
    # col 255.9 -> top-left floor(255.9 - 1.5 + 0.5) = 254, clipped to 254..255;
    # row 2.56 -> floor(2.56 - 1.0) = 1, rows 1..3.
    assert patch_bounds(hints.points[1], (3000, 1000), (256, 256)) == (1, 4, 254, 256)
    assert t.ab[0, :, 2, 255].tolist() == [1.0, 2.0]
    assert t.mask.sum().item() == 16 + 6


def test_non_square_working_grid():
    hints = Hints(100, 100, (HintPoint(50.0, 50.0, (1.0, 1.0), 2),))
    t = rasterize_hints(hints, (20, 40))  # (h, w)
    assert t.ab.shape == (1, 2, 20, 40)
    assert mask_box(t) == (9, 11, 19, 21)


def test_hint_tensors_to_device_keeps_values():
    hints = Hints(8, 8, (HintPoint(4.0, 4.0, (3.0, 4.0), 2),), GlobalHints(saturation=0.5))
    t = rasterize_hints(hints, (8, 8)).to("cpu")
    assert t.mask.sum().item() == 4 and t.saturation.item() == 0.5 and t.histogram is None


@pytest.mark.parametrize("size", [(0, 8), (8, -1), (8.5, 8)])
def test_bad_working_size_raises(size):
    with pytest.raises(ValueError):
        rasterize_hints(Hints(8, 8), size)
