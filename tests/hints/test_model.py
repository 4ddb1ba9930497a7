"""Tests for the immutable hint data model."""

import dataclasses

import numpy as np
import pytest

from ideepcolor_app.hints import DEFAULT_NUM_BINS, GlobalHints, HintPoint, Hints, HintsError


@pytest.fixture
def two_point_hints() -> Hints:
    """A 300 x 200 photo with two points and no global hints."""
    return Hints(
        300,
        200,
        (HintPoint(10.0, 20.0, (5.0, -5.0), 3), HintPoint(150.0, 100.0, (40.0, 60.0), 6)),
    )


def uniform_histogram(n: int = DEFAULT_NUM_BINS) -> tuple:
    return (1.0 / n,) * n


def test_default_num_bins_is_the_23_by_23_grid():
    assert DEFAULT_NUM_BINS == 23 * 23 == 529


def test_hint_point_normalises_numbers_to_floats_and_tuples():
    p = HintPoint(10, 5, [1, -2], size=np.int64(4))
    assert p == HintPoint(10.0, 5.0, (1.0, -2.0), 4)
    assert isinstance(p.x, float) and isinstance(p.ab, tuple) and type(p.size) is int
    assert hash(p) == hash(HintPoint(10.0, 5.0, (1.0, -2.0), 4))


def test_hint_point_is_frozen():
    p = HintPoint(1.0, 2.0, (0.0, 0.0))
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 3.0  # type: ignore[misc]
    assert p.size == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"size": 12}, "size: must be an integer from 1 to 9, got 12"),
        ({"size": 0}, "size: must be an integer from 1 to 9, got 0"),
        ({"size": 2.0}, "size: must be an integer from 1 to 9, got 2.0"),
        ({"size": True}, "size: must be an integer from 1 to 9, got True"),
        ({"x": True}, "x: expected a number, got True"),
        ({"y": float("nan")}, "y: expected a finite number, got nan"),
        ({"x": 10**400}, "x: expected a finite number, got inf"),
        ({"ab": (1.0,)}, "ab: expected two numbers (a*, b*), got 1"),
        ({"ab": "red"}, "ab: expected two numbers (a*, b*), got 'red'"),
        ({"ab": (0.0, 130.0)}, "ab[1]: must be between -128 and 128, got 130"),
        ({"ab": (-128.5, 0.0)}, "ab[0]: must be between -128 and 128, got -128.5"),
    ],
)
def test_hint_point_validation_names_the_field(kwargs, message):
    fields = {"x": 1.0, "y": 1.0, "ab": (0.0, 0.0), "size": 3} | kwargs
    with pytest.raises(HintsError) as info:
        HintPoint(**fields)
    assert str(info.value) == message
    assert info.value.field == message.split(":")[0]


def test_hint_point_accepts_ab_limits_and_size_range():
    assert HintPoint(0.0, 0.0, (-128.0, 128.0), 1).ab == (-128.0, 128.0)
    assert HintPoint(0.0, 0.0, (0.0, 0.0), 9).size == 9


def test_hints_error_is_value_error_and_prefixes():
    err = HintsError("size", "bad").within("points[2]")
    assert isinstance(err, ValueError)
    assert str(err) == "points[2].size: bad"
    assert err.field == "points[2].size" and err.reason == "bad"


def test_hints_validation_names_the_point_index():
    good = HintPoint(1.0, 1.0, (0.0, 0.0))
    with pytest.raises(HintsError) as info:
        Hints(3000, 2000, (good, HintPoint(3500.0, 1.0, (0.0, 0.0))))
    assert str(info.value) == "points[1].x: 3500 is outside the image (width 3000)"
    with pytest.raises(HintsError) as info:
        Hints(3000, 2000, (HintPoint(1.0, 2000.0, (0.0, 0.0)),))
    assert str(info.value) == "points[0].y: 2000 is outside the image (height 2000)"
    with pytest.raises(HintsError, match=r"^points\[0\]\.x: -0.5 is outside"):
        Hints(3000, 2000, (HintPoint(-0.5, 1.0, (0.0, 0.0)),))
    with pytest.raises(HintsError, match=r"^points\[1\]: expected a HintPoint, got tuple"):
        Hints(10, 10, (good, (1, 2)))


def test_hints_accepts_the_whole_half_open_image():
    hints = Hints(4, 3, [HintPoint(0.0, 0.0, (0.0, 0.0)), HintPoint(3.999, 2.999, (0.0, 0.0))])
    assert isinstance(hints.points, tuple) and len(hints.points) == 2


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        (0, 10, "width: must be a positive integer, got 0"),
        (10, 2.5, "height: must be a positive integer, got 2.5"),
    ],
)
def test_hints_validates_dimensions(width, height, message):
    with pytest.raises(HintsError) as info:
        Hints(width, height)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"saturation": 1.5}, "saturation: must be between 0 and 1, got 1.5"),
        ({"saturation": -0.1}, "saturation: must be between 0 and 1, got -0.1"),
        ({"saturation": False}, "saturation: expected a number, got False"),
        ({"histogram": (0.5, 0.3)}, "histogram: must sum to 1 (got 0.8)"),
        ({"histogram": (1.2, -0.2)}, "histogram[1]: must be non-negative, got -0.2"),
        ({"histogram": ()}, "histogram: must not be empty (use None to switch it off)"),
        ({"histogram": (0.5, float("inf"))}, "histogram[1]: expected a finite number, got inf"),
    ],
)
def test_global_hints_validation_names_the_field(kwargs, message):
    with pytest.raises(HintsError) as info:
        GlobalHints(**kwargs)
    assert str(info.value) == message


def test_global_hints_histogram_tolerance_and_normalisation():
    g = GlobalHints(saturation=0, histogram=np.array([0.5, 0.5005]))
    assert g.histogram == (0.5, 0.5005) and g.saturation == 0.0
    assert not g.is_empty and GlobalHints().is_empty
    with pytest.raises(HintsError):
        GlobalHints(histogram=(0.5, 0.502))


def test_is_empty(two_point_hints):
    assert Hints(10, 10).is_empty
    assert not two_point_hints.is_empty
    assert not Hints(10, 10, global_hints=GlobalHints(saturation=0.2)).is_empty


def test_edit_helpers_return_new_objects(two_point_hints):
    hints = two_point_hints
    new = HintPoint(1.0, 2.0, (3.0, 4.0), 1)
    added = hints.with_point(new)
    assert added is not hints and added.points == hints.points + (new,)
    assert len(hints.points) == 2  # the original is untouched
    replaced = hints.with_point_replaced(0, new)
    assert replaced.points == (new, hints.points[1])
    assert hints.without_point(0).points == (hints.points[1],)
    assert hints.without_point(-1).points == (hints.points[0],)
    g = GlobalHints(saturation=0.3, histogram=uniform_histogram())
    with_global = hints.with_global(g)
    assert with_global.global_hints is g and with_global.points == hints.points
    with pytest.raises(IndexError):
        hints.without_point(2)
    with pytest.raises(IndexError):
        hints.with_point_replaced(5, new)


def test_edit_helpers_validate(two_point_hints):
    with pytest.raises(HintsError) as info:
        two_point_hints.with_point(HintPoint(300.0, 0.0, (0.0, 0.0)))
    assert str(info.value) == "points[2].x: 300 is outside the image (width 300)"


def test_equality_is_by_value_so_undo_can_compare(two_point_hints):
    hints = two_point_hints
    new = HintPoint(1.0, 2.0, (3.0, 4.0), 1)
    round_trip = hints.with_point(new).without_point(2)
    assert round_trip == hints and round_trip is not hints
    assert hash(round_trip) == hash(hints)
    assert hints.with_point_replaced(0, hints.points[0]) == hints
    assert hints.with_point_replaced(0, new) != hints
    assert hints.with_global(GlobalHints(saturation=0.5)) != hints
    assert hints.with_global(GlobalHints(saturation=0.5)) == hints.with_global(GlobalHints(0.5))


def test_scaled_to_rescales_coordinates_only(two_point_hints):
    g = GlobalHints(saturation=0.4)
    scaled = two_point_hints.with_global(g).scaled_to(600, 100)
    assert (scaled.width, scaled.height) == (600, 100)
    assert [(p.x, p.y) for p in scaled.points] == [(20.0, 10.0), (300.0, 50.0)]
    assert [(p.ab, p.size) for p in scaled.points] == [((5.0, -5.0), 3), ((40.0, 60.0), 6)]
    assert scaled.global_hints == g
    assert scaled.scaled_to(300, 200) == two_point_hints.with_global(g)


def test_scaled_to_keeps_points_inside_the_image():
    hints = Hints(3, 3, (HintPoint(2.9999999999999996, 0.0, (0.0, 0.0)),))
    scaled = hints.scaled_to(7, 7)
    assert scaled.points[0].x < 7.0


def test_point_at_picks_the_nearest_within_radius(two_point_hints):
    hints = two_point_hints
    assert hints.point_at(12.0, 21.0, 5.0) == 0
    assert hints.point_at(149.0, 100.0, 5.0) == 1
    assert hints.point_at(80.0, 60.0, 5.0) is None
    assert hints.point_at(13.0, 24.0, 5.0) == 0  # exactly on the radius counts
    assert hints.point_at(13.0, 24.0, 4.99) is None
    assert Hints(10, 10).point_at(1.0, 1.0, 100.0) is None


def test_point_at_prefers_the_later_point_on_a_tie():
    p = HintPoint(5.0, 5.0, (0.0, 0.0))
    hints = Hints(10, 10, (p, HintPoint(5.0, 5.0, (10.0, 10.0))))
    assert hints.point_at(5.0, 5.0, 1.0) == 1
    near_first = Hints(10, 10, (p, HintPoint(8.0, 5.0, (0.0, 0.0))))
    assert near_first.point_at(6.0, 5.0, 3.0) == 0
