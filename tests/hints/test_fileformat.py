"""Tests for `*.hints.json` load / save and its strict validation."""

import copy
import json
import os
import pathlib

import pytest

from ideepcolor_app.hints import (
    GlobalHints,
    HintPoint,
    Hints,
    HintsFileError,
    dumps,
    fileformat,
    hints_from_dict,
    hints_to_dict,
    load_hints,
    loads,
    save_hints,
)

FILE_NAME = "family.hints.json"


@pytest.fixture
def doc_hints() -> Hints:
    """A version-1 file like the example of docs/hints-format.md, plus a second point and a histogram."""
    histogram = [0.0] * 529
    histogram[11 * 23 + 11] = 0.75  # the neutral bin (a = 0, b = 0)
    histogram[12 * 23 + 8] = 0.25
    return Hints(
        3000,
        2000,
        (
            HintPoint(1520.0, 640.5, (12.0, -30.0), 5),
            HintPoint(0.25, 1999.75, (-127.5, 100.125), 1),
        ),
        GlobalHints(saturation=0.35, histogram=histogram),
    )


def valid_dict() -> dict:
    """The documented example file, as parsed JSON."""
    return {
        "version": 1,
        "image": {"width": 3000, "height": 2000},
        "points": [
            {"x": 1520.0, "y": 640.5, "ab": [12.0, -30.0], "size": 5},
            {"x": 10, "y": 20, "ab": [0, 0], "size": 3},
        ],
        "global": {"saturation": 0.35, "histogram": None},
    }


def write_and_load(tmp_path: pathlib.Path, data, num_bins: int = 529) -> Hints:
    path = tmp_path / FILE_NAME
    text = data if isinstance(data, str) else json.dumps(data)
    path.write_text(text, encoding="utf-8")
    return load_hints(path, num_bins=num_bins)


def test_round_trip_through_a_file(tmp_path, doc_hints):
    path = tmp_path / FILE_NAME
    save_hints(doc_hints, path)
    assert load_hints(path) == doc_hints
    assert os.listdir(tmp_path) == [FILE_NAME]  # no temporary file left behind


def test_saved_file_is_the_documented_json(tmp_path, doc_hints):
    path = tmp_path / FILE_NAME
    save_hints(doc_hints, path)
    text = path.read_bytes().decode("utf-8")
    assert text.endswith("}\n") and text.startswith('{\n  "version": 1,')
    data = json.loads(text)
    assert list(data) == ["version", "image", "points", "global"]
    assert data["image"] == {"width": 3000, "height": 2000}
    assert data["points"][0] == {"x": 1520.0, "y": 640.5, "ab": [12.0, -30.0], "size": 5}
    assert list(data["global"]) == ["saturation", "histogram"]
    assert data["global"]["saturation"] == 0.35
    assert len(data["global"]["histogram"]) == 529
    assert data["global"]["histogram"][11 * 23 + 11] == 0.75
    # One point per line, as in docs/hints-format.md.
    assert '    {"x": 1520.0, "y": 640.5, "ab": [12.0, -30.0], "size": 5},\n' in text


def test_dict_and_string_round_trips(doc_hints):
    assert hints_from_dict(hints_to_dict(doc_hints)) == doc_hints
    assert loads(dumps(doc_hints)) == doc_hints
    off = Hints(5, 4)
    assert hints_to_dict(off) == {
        "version": 1,
        "image": {"width": 5, "height": 4},
        "points": [],
        "global": {"saturation": None, "histogram": None},
    }
    assert loads(dumps(off)) == off


def test_documented_example_loads(tmp_path):
    hints = write_and_load(tmp_path, valid_dict())
    assert (hints.width, hints.height) == (3000, 2000)
    assert hints.points[0] == HintPoint(1520.0, 640.5, (12.0, -30.0), 5)
    assert hints.points[1] == HintPoint(10.0, 20.0, (0.0, 0.0), 3)
    assert hints.global_hints == GlobalHints(saturation=0.35)


def test_empty_file_with_globals_off_is_valid(tmp_path):
    data = valid_dict()
    data["points"] = []
    data["global"]["saturation"] = None
    hints = write_and_load(tmp_path, data)
    assert hints == Hints(3000, 2000) and hints.is_empty


def test_num_bins_sets_the_histogram_length(tmp_path):
    data = valid_dict()
    data["global"]["histogram"] = [1 / 313] * 313
    hints = write_and_load(tmp_path, data, num_bins=313)
    assert len(hints.global_hints.histogram) == 313


def test_utf8_bom_and_unicode_are_accepted(tmp_path):
    path = tmp_path / "fotografía.hints.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(valid_dict()).encode("utf-8"))
    assert load_hints(path).width == 3000


def _mutate(change):
    data = copy.deepcopy(valid_dict())
    change(data)
    return data


def _set(path, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _delete(path):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


BAD_FILES = {
    "ab_not_a_list": (
        _mutate(_set(["points", 1, "ab"], "red")),
        'points[1].ab: expected a list of two numbers, got "red"',
    ),
    "ab_three_numbers": (
        _mutate(_set(["points", 0, "ab"], [1, 2, 3])),
        "points[0].ab: expected a list of two numbers, got a list of 3",
    ),
    "ab_out_of_range": (
        _mutate(_set(["points", 0, "ab"], [0, -129])),
        "points[0].ab[1]: must be between -128 and 128, got -129",
    ),
    "unknown_point_key": (
        _mutate(_set(["points", 0, "colour"], "red")),
        'unknown key "colour" in points[0] (allowed: x, y, ab, size)',
    ),
    "unknown_top_key": (
        _mutate(_set(["author"], "me")),
        'unknown key "author" at the top level (allowed: version, image, points, global)',
    ),
    "unknown_image_key": (
        _mutate(_set(["image", "depth"], 8)),
        'unknown key "depth" in image (allowed: width, height)',
    ),
    "unknown_global_key": (
        _mutate(_set(["global", "hue"], 0.1)),
        'unknown key "hue" in global (allowed: saturation, histogram)',
    ),
    "version_3": (
        _mutate(_set(["version"], 3)),
        "version 3 is not supported (this app reads versions 1 and 2)",
    ),
    "version_string": (_mutate(_set(["version"], "1")), 'version: expected an integer, got "1"'),
    "histogram_wrong_length": (
        _mutate(_set(["global", "histogram"], [1 / 313] * 313)),
        "global.histogram: expected 529 numbers, got 313",
    ),
    "histogram_not_summing_to_1": (
        _mutate(_set(["global", "histogram"], [0.8] + [0.0] * 528)),
        "global.histogram: must sum to 1 (got 0.8)",
    ),
    "histogram_negative": (
        _mutate(_set(["global", "histogram"], [1.5, -0.5] + [0.0] * 527)),
        "global.histogram[1]: must be non-negative, got -0.5",
    ),
    "histogram_string_entry": (
        _mutate(_set(["global", "histogram"], ["x"] + [0.0] * 528)),
        'global.histogram[0]: expected a number, got "x"',
    ),
    "point_outside": (
        _mutate(_set(["points", 0, "x"], 3500)),
        "points[0].x: 3500 is outside the image (width 3000)",
    ),
    "point_y_outside": (
        _mutate(_set(["points", 1, "y"], -1)),
        "points[1].y: -1 is outside the image (height 2000)",
    ),
    "saturation_too_big": (
        _mutate(_set(["global", "saturation"], 1.5)),
        "global.saturation: must be between 0 and 1, got 1.5",
    ),
    "saturation_bool": (
        _mutate(_set(["global", "saturation"], True)),
        "global.saturation: expected a number, got true",
    ),
    "x_bool": (
        _mutate(_set(["points", 0, "x"], False)),
        "points[0].x: expected a number, got false",
    ),
    "size_bool": (
        _mutate(_set(["points", 0, "size"], True)),
        "points[0].size: expected an integer from 1 to 9, got true",
    ),
    "size_float": (
        _mutate(_set(["points", 0, "size"], 5.0)),
        "points[0].size: expected an integer from 1 to 9, got 5.0",
    ),
    "size_too_big": (
        _mutate(_set(["points", 1, "size"], 12)),
        "points[1].size: must be an integer from 1 to 9, got 12",
    ),
    "width_zero": (
        _mutate(_set(["image", "width"], 0)),
        "image.width: must be a positive integer, got 0",
    ),
    "width_float": (
        _mutate(_set(["image", "width"], 30.5)),
        "image.width: expected a positive integer, got 30.5",
    ),
    "missing_version": (_mutate(_delete(["version"])), 'missing key "version" at the top level'),
    "missing_image": (_mutate(_delete(["image"])), 'missing key "image" at the top level'),
    "missing_points": (_mutate(_delete(["points"])), 'missing key "points" at the top level'),
    "missing_global": (_mutate(_delete(["global"])), 'missing key "global" at the top level'),
    "missing_point_size": (
        _mutate(_delete(["points", 0, "size"])),
        'missing key "size" in points[0]',
    ),
    "missing_histogram": (
        _mutate(_delete(["global", "histogram"])),
        'missing key "histogram" in global',
    ),
    "points_not_a_list": (_mutate(_set(["points"], {})), "points: expected a list, got an object"),
    "point_not_an_object": (
        _mutate(_set(["points", 1], [1, 2])),
        "points[1]: expected a JSON object, got a list of 2",
    ),
    "image_not_an_object": (
        _mutate(_set(["image"], [3000, 2000])),
        "image: expected a JSON object, got a list of 2",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_message_names_file_and_field(tmp_path, case):
    data, expected = BAD_FILES[case]
    with pytest.raises(HintsFileError) as info:
        write_and_load(tmp_path, data)
    message = str(info.value)
    assert message == f"{tmp_path / FILE_NAME}: {expected}"
    assert FILE_NAME in message and info.value.source == str(tmp_path / FILE_NAME)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"version": 1,\n  "image": }', "not valid JSON: Expecting value at line 2, column 12"),
        ("", "not valid JSON: Expecting value at line 1, column 1"),
        ("[1, 2]", "expected a JSON object at the top level, got a list of 2"),
        ('"hints"', 'expected a JSON object at the top level, got "hints"'),
        (
            json.dumps(valid_dict()).replace("1520.0", "NaN"),
            "points[0].x: expected a finite number, got NaN",
        ),
        (
            json.dumps(valid_dict()).replace("0.35", "Infinity"),
            "global.saturation: expected a finite number, got Infinity",
        ),
        (
            json.dumps(valid_dict()).replace("640.5", "1e999"),
            "points[0].y: expected a finite number, got inf",
        ),
        (
            json.dumps(valid_dict()).replace("640.5", "1" + "0" * 400),
            "points[0].y: expected a finite number, got 1000000000000000000000000000000000000...",
        ),
        (
            json.dumps(valid_dict()).replace('"size": 5', '"size": 5, "size": 6'),
            'duplicate key "size" in points[0]',
        ),
    ],
)
def test_bad_text_message_names_file(tmp_path, text, expected):
    with pytest.raises(HintsFileError) as info:
        write_and_load(tmp_path, text)
    assert str(info.value) == f"{tmp_path / FILE_NAME}: {expected}"


def test_not_utf8(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_bytes(b'{"version": "\xff"}')
    with pytest.raises(HintsFileError, match=r"family\.hints\.json: not UTF-8 text \(byte 13\)$"):
        load_hints(path)


def test_error_from_dict_has_no_source_and_a_field():
    with pytest.raises(HintsFileError) as info:
        hints_from_dict(BAD_FILES["ab_not_a_list"][0])
    assert info.value.source is None and info.value.field == "points[1].ab"
    assert str(info.value) == 'points[1].ab: expected a list of two numbers, got "red"'
    assert isinstance(info.value, ValueError)


def test_missing_file_raises_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_hints(tmp_path / "nope.hints.json")


def test_save_keeps_existing_file_when_serialisation_fails(tmp_path, doc_hints, monkeypatch):
    path = tmp_path / FILE_NAME
    path.write_text("previous content", encoding="utf-8")

    def broken(hints):
        raise RuntimeError("serialisation failed")

    monkeypatch.setattr(fileformat, "hints_to_dict", broken)
    with pytest.raises(RuntimeError):
        save_hints(doc_hints, path)
    assert path.read_text(encoding="utf-8") == "previous content"
    assert os.listdir(tmp_path) == [FILE_NAME]


def test_save_keeps_existing_file_when_the_write_fails(tmp_path, doc_hints, monkeypatch):
    path = tmp_path / FILE_NAME
    path.write_text("previous content", encoding="utf-8")
    real_write_bytes = pathlib.Path.write_bytes

    def half_write(self, data):
        real_write_bytes(self, data[: len(data) // 2])
        raise OSError("disk full")

    monkeypatch.setattr(pathlib.Path, "write_bytes", half_write)
    with pytest.raises(OSError, match="disk full"):
        save_hints(doc_hints, path)
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == "previous content"
    assert os.listdir(tmp_path) == [FILE_NAME]


def test_save_rejects_non_hints(tmp_path):
    with pytest.raises(TypeError):
        save_hints({"version": 1}, tmp_path / FILE_NAME)
    assert not (tmp_path / FILE_NAME).exists()


@pytest.mark.parametrize("text", ["[" * 50_000 + "]" * 50_000, '{"a":' * 50_000 + "1" + "}" * 50_000])
def test_deeply_nested_json_is_a_file_error(tmp_path, text):
    path = tmp_path / "deep.hints.json"
    path.write_text(text)
    with pytest.raises(HintsFileError, match="deep.hints.json: not a hints file: JSON nested too deeply"):
        load_hints(path)


def test_unknown_key_is_shortened_and_escaped(tmp_path):
    key = "\x1b[2J" + "x" * 5_000_000
    path = tmp_path / "k.hints.json"
    path.write_text(json.dumps({"version": 1, key: 1}))
    with pytest.raises(HintsFileError) as info:
        load_hints(path)
    message = str(info.value)
    assert len(message) < 200 and "\x1b" not in message and "\\u001b[2J" in message
