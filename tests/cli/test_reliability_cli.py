"""The command line never loses a photo, never lies about success, never shows a traceback."""

import io
import json
import os
import sys

import pytest
import torch
from PIL import Image

import ideepcolor_app.engine.export as export_module
from ideepcolor_app.cli.main import main
from ideepcolor_app.engine.export import colorize_file
from ideepcolor_app.engine.weights import ModelCard, load_weights, save_weights
from ideepcolor_app.nets import build_network, preset_config
from tests.cli.conftest import two_tone_photo


def colorize(photo, out, *extra):
    return main(["colorize", str(photo), "-o", str(out), "--backend", "levin", "--size", "16", *extra])


def one_line_error(capsys):
    err = capsys.readouterr().err
    assert err.startswith("ideepcolor: error: ") and len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err


def test_colorize_on_a_full_disk_exits_1_and_writes_nothing(photo_png, tmp_path, monkeypatch, capsys):
    from ideepcolor_app.imageio import write as write_module

    real = write_module._write_with_pillow

    def cut_short(tmp, *args):  # an encoder that stops at a full disk without raising
        real(tmp, *args)
        tmp.write_bytes(tmp.read_bytes()[:200])

    monkeypatch.setattr(write_module, "_write_with_pillow", cut_short)
    out = tmp_path / "out" / "colour.jpg"
    assert colorize(photo_png, out) == 1
    assert "does not decode" in one_line_error(capsys)
    assert list((tmp_path / "out").iterdir()) == []


def test_nan_prediction_is_an_error_not_a_black_photo(photo_png, tmp_path, monkeypatch):
    from ideepcolor_app.engine.backends import create_backend
    from ideepcolor_app.engine.export import PredictionError

    backend = create_backend("levin")
    monkeypatch.setattr(backend, "predict", lambda cache, hints, t: torch.full((2, 16, 16), float("nan")))
    with pytest.raises(PredictionError, match="NaN or infinite"):
        colorize_file(photo_png, tmp_path / "o.png", backend, working_size=16)
    assert not (tmp_path / "o.png").exists()


@pytest.mark.parametrize("value", ["1e-38", "1e-45", "0", "-1", "1e9", "nan"])
def test_temperature_out_of_range_is_refused_up_front(photo_png, tmp_path, capsys, value):
    with pytest.raises(SystemExit) as exit_info:
        colorize(photo_png, tmp_path / "o.png", "--temperature", value)
    assert exit_info.value.code == 2
    assert "--temperature: must be from 0.01 to 100" in capsys.readouterr().err
    with pytest.raises(ValueError, match="temperature must be from"):
        colorize_file(photo_png, tmp_path / "o.png", None, temperature=float(value))


def test_zhang_at_the_lowest_temperature_is_not_black(photo_png, tmp_path):
    out = tmp_path / "o.png"
    assert main(["colorize", str(photo_png), "-o", str(out), "--backend", "zhang", "--temperature", "0.01"]) == 0
    assert max(Image.open(out).convert("L").getextrema()) > 100


def test_damaged_weights_are_refused_by_their_checksum(photo_png, tmp_path, capsys):
    torch.manual_seed(0)
    config = preset_config("zhang", "compact")
    path = save_weights(
        build_network("zhang", config), ModelCard(name="z", family="zhang", config=config, trained=True), tmp_path
    )
    data = bytearray(path.read_bytes())
    data[-1000] ^= 0x40  # one flipped bit in a weight: still finite, still the right shape
    path.write_bytes(bytes(data))
    out = tmp_path / "o.png"
    code = main(["colorize", str(photo_png), "-o", str(out), "--backend", "zhang", "--weights", str(path)])
    assert code == 1 and "sha256 does not match" in one_line_error(capsys)
    assert not out.exists()


def test_nan_safetensors_are_refused_at_load(tmp_path):
    from safetensors.torch import save_file

    config = preset_config("zhang", "compact")
    net = build_network("zhang", config)
    path = save_weights(net, ModelCard(name="z", family="zhang", config=config, trained=True), tmp_path)
    state = {k: v.clone() for k, v in net.own_state_dict().items()}
    first = next(k for k, v in state.items() if v.is_floating_point())
    state[first][0] = float("nan")
    save_file(state, str(path))
    card = json.loads(path.with_suffix(".json").read_text())
    card["sha256"] = None  # a card from before checksums: the finite check still catches it
    path.with_suffix(".json").write_text(json.dumps(card))
    with pytest.raises(ValueError, match=f'NaN or infinite values in "{first}"'):
        load_weights(path)


def test_deeply_nested_hints_file_is_one_line(photo_png, tmp_path, capsys):
    deep = tmp_path / "deep.hints.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert colorize(photo_png, tmp_path / "o.png", "--hints", str(deep)) == 1
    err = one_line_error(capsys)
    assert "deep.hints.json" in err and "nested too deeply" in err


def test_deeply_nested_model_card_is_one_line(photo_png, tmp_path, capsys):
    (tmp_path / "w.safetensors").write_bytes(b"")
    (tmp_path / "w.json").write_text('{"a":' * 100_000 + "1" + "}" * 100_000)
    code = main(
        ["colorize", str(photo_png), "-o", str(tmp_path / "o.png"), "--weights", str(tmp_path / "w.safetensors")]
    )
    assert code == 1 and "w.json" in one_line_error(capsys)


def test_non_utf8_model_card_names_the_file(photo_png, tmp_path, capsys):
    (tmp_path / "w.safetensors").write_bytes(b"")
    (tmp_path / "w.json").write_bytes(b'{"name": "caf\xe9"}')
    code = main(
        ["colorize", str(photo_png), "-o", str(tmp_path / "o.png"), "--weights", str(tmp_path / "w.safetensors")]
    )
    err = one_line_error(capsys)
    assert code == 1 and "w.json: model card is not UTF-8 text (byte 13)" in err


def test_huge_and_escape_laden_keys_are_cut_and_escaped(photo_png, tmp_path, capsys):
    hints = tmp_path / "h.hints.json"
    key = "\x1b[2J" + "k" * 1_000_000
    hints.write_text(
        json.dumps(
            {
                "version": 1,
                "image": {"width": 48, "height": 32},
                "points": [],
                "global": {"saturation": None, "histogram": None},
                key: 1,
            }
        )
    )
    assert colorize(photo_png, tmp_path / "o.png", "--hints", str(hints)) == 1
    err = one_line_error(capsys)
    assert "\x1b" not in err and len(err) < 500 and "h.hints.json" in err and "unknown key" in err


def test_hints_for_another_size_name_file_and_field(photo_png, tmp_path, capsys):
    hints = tmp_path / "h.hints.json"
    hints.write_text(
        '{"version": 1, "image": {"width": 10, "height": 10}, "points": [], '
        '"global": {"saturation": null, "histogram": null}}'
    )
    assert colorize(photo_png, tmp_path / "o.png", "--hints", str(hints)) == 1
    err = one_line_error(capsys)
    assert f"{hints}: image: made for a 10x10 photo" in err and "48x32" in err


def test_ctrl_c_is_one_line_and_exit_130(photo_png, tmp_path, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("ideepcolor_app.cli.colorize.colorize_file", interrupted)
    assert colorize(photo_png, tmp_path / "o.png") == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_batch_ctrl_c_prints_what_finished_and_exits_130(photo_folder, tmp_path, monkeypatch, capsys):
    import ideepcolor_app.engine.batch as batch_module

    real, calls = batch_module.colorize_loaded, []

    def second_interrupts(*args, **kwargs):  # Ctrl+C while the second photo is computed
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(batch_module, "colorize_loaded", second_interrupts)
    out = tmp_path / "out"
    code = main(["batch", str(photo_folder), str(out), "--backend", "levin", "--size", "16", "--format", "png"])
    assert code == 130
    captured = capsys.readouterr()
    assert "1 colourized (levin 1), 0 skipped (output exists), 0 failed, 2 not started" in captured.out
    assert "run the same command again to resume" in captured.err
    assert [p.name for p in out.iterdir()] == ["a.png"]


def test_non_utf8_file_name_on_a_strict_terminal(tmp_path, monkeypatch):
    name = os.fsdecode(b"caf\xe9.png")
    photo = two_tone_photo(tmp_path / name)
    out = tmp_path / os.fsdecode(b"out\xff.png")
    strict = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    monkeypatch.setattr(sys, "stdout", strict)
    assert colorize(photo, out) == 0
    strict.flush()
    assert strict.buffer.getvalue().decode("utf-8").strip().endswith("out\\xff.png")
    assert out.exists()


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--size", "8192", "--size: must be from 1 to 2048, got 8192"),
        ("--size", "0", "--size: must be from 1 to 2048, got 0"),
        ("--quality", "0", "--quality: must be from 1 to 100, got 0"),
    ],
)
@pytest.mark.parametrize("command", ["colorize", "batch"])
def test_limits_are_checked_before_anything_runs(
    photo_folder, tmp_path, capsys, monkeypatch, option, value, message, command
):
    monkeypatch.setattr(export_module, "read_photo", lambda *a: pytest.fail("a photo was read"))
    target = (
        ["colorize", str(photo_folder / "a.png"), "-o", str(tmp_path / "o.jpg")]
        if command == "colorize"
        else ["batch", str(photo_folder), str(tmp_path / "out")]
    )
    with pytest.raises(SystemExit) as exit_info:
        main([*target, "--backend", "levin", option, value])
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_memory_is_checked_before_colourizing(photo_png, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(export_module, "available_memory_bytes", lambda: 10_000)
    assert colorize(photo_png, tmp_path / "o.png") == 1
    assert "needs about" in one_line_error(capsys)
    assert not (tmp_path / "o.png").exists()


def test_unwritable_output_is_refused_before_colourizing(photo_png, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(export_module, "read_photo", lambda *a: pytest.fail("a photo was read"))
    (tmp_path / "file").write_text("not a folder")
    assert colorize(photo_png, tmp_path / "file" / "o.png") == 1
    assert "cannot write into" in one_line_error(capsys)
    assert colorize(photo_png, tmp_path / "o.bmp") == 1
    assert "the output must end in" in one_line_error(capsys)


def test_threads_follow_the_free_cores(photo_png, tmp_path, monkeypatch):
    import ideepcolor_app.engine.device as device

    before = torch.get_num_threads()
    monkeypatch.setattr(device, "free_cores", lambda *a: 0.2)
    monkeypatch.delenv("IDEEPCOLOR_THREADS", raising=False)
    try:
        torch.set_num_threads(2)
        assert colorize(photo_png, tmp_path / "o.png") == 0
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
