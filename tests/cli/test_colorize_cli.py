"""`ideepcolor colorize` and `--help` of every command."""

import numpy as np
import pytest
from PIL import Image

from ideepcolor_app.cli.main import build_parser, main
from ideepcolor_app.engine.backends import create_backend

COMMANDS = [
    ["colorize"],
    ["batch"],
    ["demo"],
    ["bench"],
    ["weights"],
    ["weights", "list"],
    ["weights", "import"],
    ["install-desktop"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: ideepcolor" in capsys.readouterr().out


def test_no_command_opens_the_app(monkeypatch):
    import ideepcolor_app.cli.gui as gui_cmd

    opened = []
    monkeypatch.setattr(gui_cmd, "run", lambda args: opened.append(args) or 0)  # no event loop in tests
    assert main([]) == 0
    assert len(opened) == 1


def hint_file(tmp_path, x=8, ab=(60.0, 40.0)):
    path = tmp_path / "h.hints.json"
    path.write_text(
        '{"version": 1, "image": {"width": 48, "height": 32}, '
        f'"points": [{{"x": {x}, "y": 16, "ab": [{ab[0]}, {ab[1]}], "size": 9}}], '
        '"global": {"saturation": null, "histogram": null}}'
    )
    return path


@pytest.mark.parametrize(
    "suffix,dtype", [(".png", np.uint8), (".jpg", np.uint8), (".webp", np.uint8), (".tif", np.uint16)]
)
def test_colorize_writes_each_format(photo_png, tmp_path, suffix, dtype):
    out = tmp_path / f"out{suffix}"
    assert (
        main(
            [
                "colorize",
                str(photo_png),
                "-o",
                str(out),
                "--backend",
                "levin",
                "--size",
                "16",
                "--hints",
                str(hint_file(tmp_path)),
            ]
        )
        == 0
    )
    with Image.open(out) as image:
        assert image.size == (48, 32)
        pixels = np.asarray(image) if suffix != ".tif" else None
    if pixels is not None:
        assert pixels.dtype == dtype
        red, green = int(pixels[16, 5, 0]), int(pixels[16, 5, 1])
        assert red > green + 20  # the red hint coloured the dark left half


def test_colorize_levin_keeps_colour_on_its_side_of_the_edge(photo_png, tmp_path):
    hints = tmp_path / "two.hints.json"
    hints.write_text(
        '{"version": 1, "image": {"width": 48, "height": 32}, "points": ['
        '{"x": 8, "y": 16, "ab": [60.0, 40.0], "size": 5}, {"x": 40, "y": 16, "ab": [0.0, 0.0], "size": 5}], '
        '"global": {"saturation": null, "histogram": null}}'
    )
    out = tmp_path / "out.png"
    assert (
        main(["colorize", str(photo_png), "-o", str(out), "--backend", "levin", "--size", "32", "--hints", str(hints)])
        == 0
    )
    pixels = np.asarray(Image.open(out)).astype(int)
    left, right = pixels[4:28, 2:20].reshape(-1, 3), pixels[4:28, 28:46].reshape(-1, 3)
    assert (left[:, 0] - left[:, 1]).min() > 20  # red all over the dark half
    assert np.abs(right[:, 0] - right[:, 1]).max() < 8  # no colour leaks across the luminance edge


def test_colorize_refuses_to_overwrite_its_input(photo_png, capsys):
    before = photo_png.read_bytes()
    assert main(["colorize", str(photo_png), "-o", str(photo_png), "--backend", "levin", "--size", "16"]) == 1
    assert "overwrite" in capsys.readouterr().err
    assert photo_png.read_bytes() == before


def test_colorize_bad_hints_file_names_the_field(photo_png, tmp_path, capsys):
    bad = tmp_path / "bad.hints.json"
    bad.write_text(
        '{"version": 1, "image": {"width": 48, "height": 32}, "points": '
        '[{"x": 1, "y": 1, "ab": "red", "size": 3}], "global": {"saturation": null, "histogram": null}}'
    )
    out = tmp_path / "out.png"
    assert main(["colorize", str(photo_png), "-o", str(out), "--hints", str(bad), "--backend", "levin"]) == 1
    err = capsys.readouterr().err
    assert "bad.hints.json" in err and "points[0].ab" in err
    assert not out.exists()


def test_colorize_hints_for_another_size_are_refused(photo_png, tmp_path, capsys):
    wrong = tmp_path / "w.hints.json"
    wrong.write_text(
        '{"version": 1, "image": {"width": 480, "height": 320}, "points": [], '
        '"global": {"saturation": null, "histogram": null}}'
    )
    command = ["colorize", str(photo_png), "-o", str(tmp_path / "o.png"), "--hints", str(wrong), "--backend", "levin"]
    assert main(command) == 1
    assert "480x320" in capsys.readouterr().err


def test_colorize_corrupt_photo_is_a_clear_error(tmp_path, capsys):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0garbage")
    assert main(["colorize", str(broken), "-o", str(tmp_path / "o.png"), "--backend", "levin"]) == 1
    assert "broken.jpg" in capsys.readouterr().err


def test_untrained_backend_is_announced(photo_png, tmp_path, capsys):
    out = tmp_path / "o.png"
    assert main(["colorize", str(photo_png), "-o", str(out), "--size", "32"]) == 0
    untrained = not create_backend("hints", device="cpu").trained
    assert ("UNTRAINED" in capsys.readouterr().err) == untrained
    assert Image.open(out).size == (48, 32)


def test_parser_lists_all_backends():
    help_text = build_parser()._subparsers._group_actions[0].choices["colorize"].format_help()
    for name in ("hints", "zhang", "gan", "fusion", "levin"):
        assert name in help_text


def test_colorize_warns_about_hints_the_backend_ignores(photo_png, tmp_path, capsys):
    hints = tmp_path / "g.hints.json"
    hints.write_text(
        '{"version": 1, "image": {"width": 48, "height": 32}, '
        '"points": [{"x": 8, "y": 16, "ab": [60.0, 40.0], "size": 3}], '
        '"global": {"saturation": 0.5, "histogram": null}}'
    )
    out = tmp_path / "o.png"
    assert main(["colorize", str(photo_png), "-o", str(out), "--backend", "levin", "--hints", str(hints)]) == 0
    err = capsys.readouterr().err
    assert "no global hints" in err and "ignores the points" not in err
    assert main(["colorize", str(photo_png), "-o", str(out), "--backend", "gan", "--hints", str(hints)]) == 0
    assert "ignores the points" in capsys.readouterr().err
