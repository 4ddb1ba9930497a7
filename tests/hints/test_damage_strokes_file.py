"""Damage strokes in `Hints` and in the hints file (format version 2)."""

import json

import numpy as np
import pytest

from ideepcolor_app.hints import (
    DamageStroke,
    GlobalHints,
    HintPoint,
    Hints,
    HintsError,
    HintsFileError,
    apply_damage_strokes,
    dumps,
    hints_to_dict,
    load_hints,
    loads,
    save_hints,
)

ADD = DamageStroke("add", 6.0, ((120.5, 80.0), (131.0, 84.5)))
REMOVE = DamageStroke("remove", 2.5, ((10.0, 20.0),))


@pytest.fixture
def stroked() -> Hints:
    return Hints(300, 200, (HintPoint(15.0, 25.0, (10.0, -20.0), 3),), GlobalHints(saturation=0.4), (ADD, REMOVE))


def v2_dict() -> dict:
    return {
        "version": 2,
        "image": {"width": 300, "height": 200},
        "points": [],
        "global": {"saturation": None, "histogram": None},
        "damage_strokes": [{"mode": "add", "radius": 6, "points": [[120.5, 80], [131, 84.5]]}],
    }


def test_strokes_round_trip_as_version_2(tmp_path, stroked):
    path = tmp_path / "photo.hints.json"
    save_hints(stroked, path)
    data = json.loads(path.read_text())
    assert data["version"] == 2
    assert data["damage_strokes"] == [
        {"mode": "add", "radius": 6.0, "points": [[120.5, 80.0], [131.0, 84.5]]},
        {"mode": "remove", "radius": 2.5, "points": [[10.0, 20.0]]},
    ]
    assert load_hints(path) == stroked


def test_hints_without_strokes_are_written_as_version_1(stroked):
    data = hints_to_dict(stroked.with_damage_strokes(()))
    assert data["version"] == 1 and list(data) == ["version", "image", "points", "global"]


def test_version_1_files_still_load():
    text = (
        '{"version": 1, "image": {"width": 300, "height": 200}, '
        '"points": [{"x": 1, "y": 2, "ab": [3, 4], "size": 5}], "global": {"saturation": null, "histogram": null}}'
    )
    hints = loads(text)
    assert hints.points == (HintPoint(1.0, 2.0, (3.0, 4.0), 5),) and hints.damage_strokes == ()


def test_version_2_without_strokes_loads():
    data = v2_dict()
    del data["damage_strokes"]
    assert loads(json.dumps(data)) == Hints(300, 200)


def test_a_long_stroke_is_written_several_points_to_a_line():
    stroke = DamageStroke("add", 3.0, tuple((float(i), float(i) / 2) for i in range(60)))
    text = dumps(Hints(300, 200, damage_strokes=(stroke,)))
    assert max(len(line) for line in text.splitlines()) <= 88
    assert len(text.splitlines()) < 30
    assert loads(text).damage_strokes == (stroke,)


def _with(path, value):
    data = v2_dict()
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


STROKE = ["damage_strokes", 0]
BAD = {
    "mode": (_with(STROKE + ["mode"], "paint"), 'damage_strokes[0].mode: expected "add" or "remove", got "paint"'),
    "mode_number": (_with(STROKE + ["mode"], 1), 'damage_strokes[0].mode: expected "add" or "remove", got 1'),
    "radius_zero": (_with(STROKE + ["radius"], 0), "damage_strokes[0].radius: must be from 0.5 to 500 pixels, got 0"),
    "radius_text": (_with(STROKE + ["radius"], "6"), 'damage_strokes[0].radius: expected a number, got "6"'),
    "radius_bool": (_with(STROKE + ["radius"], True), "damage_strokes[0].radius: expected a number, got true"),
    "no_points": (
        _with(STROKE + ["points"], []),
        "damage_strokes[0].points: expected a non-empty list of [x, y] pairs, got an empty list",
    ),
    "point_triple": (
        _with(STROKE + ["points", 1], [1, 2, 3]),
        "damage_strokes[0].points[1]: expected [x, y], got a list of 3",
    ),
    "point_text": (
        _with(STROKE + ["points", 0, 1], "up"),
        'damage_strokes[0].points[0][1]: expected a number, got "up"',
    ),
    "point_outside": (
        _with(STROKE + ["points", 1, 0], 301),
        "damage_strokes[0].points[1].x: 301 is outside the image (width 300)",
    ),
    "point_negative": (
        _with(STROKE + ["points", 0, 1], -1),
        "damage_strokes[0].points[0].y: -1 is outside the image (height 200)",
    ),
    "unknown_key": (
        _with(STROKE + ["colour"], "red"),
        'unknown key "colour" in damage_strokes[0] (allowed: mode, radius, points)',
    ),
    "missing_key": (_with(STROKE + ["radius"], KeyError), 'missing key "radius" in damage_strokes[0]'),
    "not_an_object": (_with(STROKE, [1, 2]), "damage_strokes[0]: expected a JSON object, got a list of 2"),
    "not_a_list": (_with(["damage_strokes"], {"mode": "add"}), "damage_strokes: expected a list, got an object"),
    "in_version_1": (_with(["version"], 1), 'damage_strokes: needs "version": 2 (this file says version 1)'),
    "unknown_top_key": (
        _with(["brushes"], []),
        'unknown key "brushes" at the top level (allowed: version, image, points, global, damage_strokes, strokes)',
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_stroke_entries_name_the_json_path(tmp_path, case):
    data, message = BAD[case]
    path = tmp_path / "old.hints.json"
    path.write_text(json.dumps(data))
    with pytest.raises(HintsFileError) as info:
        load_hints(path)
    assert str(info.value) == f"{path}: {message}"


def test_every_edit_keeps_the_strokes(stroked):
    point = HintPoint(50.0, 60.0, (1.0, 2.0), 5)
    for edited in (
        stroked.with_point(point),
        stroked.with_point_replaced(0, point),
        stroked.without_point(0),
        stroked.without_points(),
        stroked.with_global(GlobalHints(saturation=0.1)),
    ):
        assert edited.damage_strokes == (ADD, REMOVE)
    assert stroked.with_damage_stroke(ADD).damage_strokes == (ADD, REMOVE, ADD)
    assert stroked.with_damage_strokes(()).damage_strokes == () and stroked.with_damage_strokes(()).points


def test_scaled_to_scales_the_strokes(stroked):
    half = stroked.scaled_to(150, 100)
    assert half.damage_strokes == (
        DamageStroke("add", 3.0, ((60.25, 40.0), (65.5, 42.25))),
        DamageStroke("remove", 1.25, ((5.0, 10.0),)),
    )
    edge = Hints(3, 3, damage_strokes=(DamageStroke("add", 400.0, ((3.0, 3.0),)),)).scaled_to(7, 7)
    assert edge.damage_strokes[0].points == ((7.0, 7.0),) and edge.damage_strokes[0].radius == 500.0


def test_strokes_must_lie_on_the_image():
    with pytest.raises(HintsError, match=r"damage_strokes\[0\].points\[0\].x: 10.5 is outside the image \(width 10\)"):
        Hints(10, 10, damage_strokes=(DamageStroke("add", 1.0, ((10.5, 1.0),)),))
    with pytest.raises(HintsError, match=r"damage_strokes\[0\]: expected a DamageStroke, got tuple"):
        Hints(10, 10, damage_strokes=(("add", 1.0, ((1.0, 1.0),)),))
    assert Hints(10, 10, damage_strokes=(DamageStroke("add", 1.0, ((10.0, 0.0),)),)).damage_strokes


def test_strokes_paint_the_mask_in_order():
    detected = np.zeros((20, 30), bool)
    detected[5, 5] = True
    strokes = (DamageStroke("add", 2.0, ((10.5, 10.5), (20.5, 10.5))), DamageStroke("remove", 1.0, ((15.5, 10.5),)))
    mask = apply_damage_strokes(detected, strokes)
    assert mask[10, 10] and mask[10, 20] and mask[12, 12] and not mask[10, 15] and mask[5, 5]
    assert not mask[14, 14] and not detected[10, 10]
