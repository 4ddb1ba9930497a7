"""Colour strokes: the value, rasterising along the path, and the hints file (version 2)."""

import json

import numpy as np
import pytest

from ideepcolor_app.hints import (
    ColourStroke,
    DamageStroke,
    HintPoint,
    Hints,
    HintsError,
    HintsFileError,
    dumps,
    hints_to_dict,
    load_hints,
    loads,
    rasterize_hints,
    save_hints,
)
from ideepcolor_app.hints.colour_strokes import rasterize_stroke, stroke_distance

BLUE = ColourStroke((44.0, -65.0), 3, ((20.0, 40.0), (180.0, 40.0)))
DAB = ColourStroke((18.0, 22.0), 5, ((100.0, 150.0),))


@pytest.fixture
def stroked() -> Hints:
    return Hints(200, 160, (HintPoint(15.0, 25.0, (10.0, -20.0), 3),), strokes=(BLUE, DAB))


def test_a_stroke_paints_its_colour_along_its_whole_length():
    tensors = rasterize_hints(Hints(200, 160, strokes=(BLUE,)), (80, 100))
    mask = tensors.mask[0, 0].numpy() > 0
    # The path runs along row 20 (y = 40 of 160 -> 20 of 80) from column 10 to column 90.
    assert mask[20, 10:91].all()
    assert not mask[:18].any() and not mask[23:].any()
    assert np.allclose(tensors.ab[0, :, 20, 10:91].numpy().T, (44.0, -65.0))
    assert np.allclose(tensors.ab[0, :, ~mask].numpy(), 0.0)


def test_a_stroke_is_as_wide_as_its_size_in_working_pixels():
    on_row_20 = ColourStroke(BLUE.ab, 7, ((20.0, 41.0), (180.0, 41.0)))  # y 41 of 160: row 20's centre
    rows = np.flatnonzero(rasterize_stroke(on_row_20, (200, 160), (80, 100))[:, 50])
    assert rows.tolist() == list(range(17, 24))  # 7 rows, 3 either side of row 20


def test_points_are_painted_over_strokes():
    point = HintPoint(100.0, 40.0, (-30.0, 35.0), 3)  # on the stroke's path
    tensors = rasterize_hints(Hints(200, 160, (point,), strokes=(BLUE,)), (80, 100))
    assert tensors.ab[0, :, 20, 50].tolist() == [-30.0, 35.0]
    assert tensors.ab[0, :, 20, 30].tolist() == [44.0, -65.0]


def test_a_one_point_stroke_is_a_dab_of_its_size():
    covered = rasterize_stroke(DAB, (200, 160), (80, 100))
    rows, cols = np.nonzero(covered)
    assert covered[75, 50] and 4 <= rows.max() - rows.min() + 1 <= 6 and 4 <= cols.max() - cols.min() + 1 <= 6


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"ab": (200.0, 0.0), "size": 3, "points": ((1.0, 1.0),)}, "ab[0]"),
        ({"ab": (0.0, 0.0), "size": 10, "points": ((1.0, 1.0),)}, "size"),
        ({"ab": (0.0, 0.0), "size": 3, "points": ()}, "points"),
        ({"ab": (0.0, 0.0), "size": 3, "points": ((float("nan"), 1.0),)}, "points[0].x"),
    ],
)
def test_bad_strokes_name_the_field(kwargs, field):
    with pytest.raises(HintsError) as err:
        ColourStroke(**kwargs)
    assert err.value.field == field


def test_a_stroke_off_the_photo_is_refused():
    with pytest.raises(HintsError, match=r"strokes\[0\]\.points\[1\]\.x: 250 is outside the image"):
        Hints(200, 160, strokes=(ColourStroke((1.0, 2.0), 3, ((10.0, 10.0), (250.0, 10.0))),))


def test_a_stroke_moves_as_one_and_stays_on_the_photo():
    moved = BLUE.moved(50.0, 10.0, 200, 160)
    assert moved.points == ((40.0, 50.0), (200.0, 50.0))  # x shift limited to 20: the end reaches the edge
    assert moved.ab == BLUE.ab and moved.size == BLUE.size


def test_stroke_distance_is_to_the_path():
    assert stroke_distance(BLUE, 100.0, 47.0) == pytest.approx(7.0)
    assert stroke_distance(BLUE, 0.0, 40.0) == pytest.approx(20.0)
    assert stroke_distance(DAB, 103.0, 154.0) == pytest.approx(5.0)


def test_strokes_round_trip_as_version_2(tmp_path, stroked):
    path = tmp_path / "photo.hints.json"
    save_hints(stroked, path)
    data = json.loads(path.read_text())
    assert data["version"] == 2 and "damage_strokes" not in data
    assert data["strokes"] == [
        {"ab": [44.0, -65.0], "size": 3, "points": [[20.0, 40.0], [180.0, 40.0]]},
        {"ab": [18.0, 22.0], "size": 5, "points": [[100.0, 150.0]]},
    ]
    assert load_hints(path) == stroked


def test_both_kinds_of_stroke_round_trip_together(stroked):
    both = stroked.with_damage_strokes((DamageStroke("add", 4.0, ((5.0, 5.0),)),))
    assert loads(dumps(both)) == both


def test_hints_without_any_stroke_are_still_written_as_version_1(stroked):
    data = hints_to_dict(Hints(200, 160, stroked.points))
    assert data["version"] == 1 and list(data) == ["version", "image", "points", "global"]


def test_version_1_files_still_load():
    text = (
        '{"version": 1, "image": {"width": 200, "height": 160}, '
        '"points": [{"x": 15, "y": 25, "ab": [10, -20], "size": 3}], '
        '"global": {"saturation": null, "histogram": null}}'
    )
    hints = loads(text)
    assert hints.points == (HintPoint(15.0, 25.0, (10.0, -20.0), 3),) and hints.strokes == ()


def test_strokes_in_a_version_1_file_are_an_error():
    data = hints_to_dict(Hints(200, 160, strokes=(BLUE,)))
    data["version"] = 1
    with pytest.raises(HintsFileError, match=r'strokes: needs "version": 2'):
        loads(json.dumps(data))


@pytest.mark.parametrize(
    "stroke, message",
    [
        ({"ab": [1, 2], "size": 3}, r'missing key "points" in strokes\[0\]'),
        ({"ab": "red", "size": 3, "points": [[1, 1]]}, r'strokes\[0\]\.ab: expected a list of two numbers, got "red"'),
        ({"ab": [1, 2], "size": 12, "points": [[1, 1]]}, r"strokes\[0\]\.size: must be an integer from 1 to 9, got 12"),
        ({"ab": [1, 2], "size": 3, "points": []}, r"strokes\[0\]\.points: expected a non-empty list"),
        ({"ab": [1, 2], "size": 3, "points": [[1, 1]], "colour": 1}, r'unknown key "colour" in strokes\[0\]'),
    ],
)
def test_bad_strokes_in_a_file_name_the_json_path(stroke, message):
    data = hints_to_dict(Hints(200, 160, strokes=(BLUE,)))
    data["strokes"] = [stroke]
    with pytest.raises(HintsFileError, match=message):
        loads(json.dumps(data), source=None)


def test_strokes_scale_with_the_photo_and_keep_their_width(stroked):
    half = stroked.scaled_to(100, 80)
    assert half.strokes[0].points == ((10.0, 20.0), (90.0, 20.0)) and half.strokes[0].size == 3


def test_strokes_count_as_local_hints():
    assert not Hints(200, 160, strokes=(BLUE,)).is_empty
    assert Hints(200, 160, strokes=(BLUE,)).without_local().strokes == ()
