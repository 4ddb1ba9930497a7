"""`ideepcolor batch`: keeps paths, uses sidecar hints, survives bad files, resumes."""

import numpy as np
from PIL import Image

from ideepcolor_app.cli.main import main


def run_batch(photo_folder, out, *extra):
    return main(["batch", str(photo_folder), str(out), "--backend", "levin", "--size", "16", *extra])


def test_batch_colorizes_good_files_and_reports_the_corrupt_one(photo_folder, tmp_path, capsys):
    out = tmp_path / "out"
    assert run_batch(photo_folder, out, "--recursive", "--format", "png") == 1
    stdout = capsys.readouterr().out
    assert "3 colourized (levin 3), 0 skipped (output exists), 1 failed" in stdout
    assert "broken.jpg" in stdout
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["a.png", "b.png", "sub/c.png"]
    assert Image.open(out / "sub" / "c.png").size == (48, 32)


def test_batch_uses_sidecar_hints_only_for_their_photo(photo_folder, tmp_path):
    out = tmp_path / "out"
    run_batch(photo_folder, out, "--format", "png")
    hinted = np.asarray(Image.open(out / "b.png")).astype(int)
    plain = np.asarray(Image.open(out / "a.png")).astype(int)
    assert hinted[16, 8, 0] - hinted[16, 8, 1] > 20  # red from b.hints.json
    assert abs(plain[16, 8, 0] - plain[16, 8, 1]) <= 2  # no hints: grey


def test_batch_without_recursive_skips_subfolders(photo_folder, tmp_path):
    out = tmp_path / "out"
    run_batch(photo_folder, out, "--format", "jpg")
    assert sorted(p.name for p in out.rglob("*.jpg")) == ["a.jpg", "b.jpg"]


def test_batch_resumes_and_overwrites_only_when_asked(photo_folder, tmp_path, capsys):
    out = tmp_path / "out"
    run_batch(photo_folder, out, "--recursive", "--format", "png")
    marker = out / "a.png"
    Image.new("RGB", (5, 5), "red").save(marker)  # the user edited this output
    edited = marker.read_bytes()
    capsys.readouterr()
    assert run_batch(photo_folder, out, "--recursive", "--format", "png") == 1  # broken.jpg still fails
    assert "0 colourized, 3 skipped (output exists), 1 failed" in capsys.readouterr().out
    assert marker.read_bytes() == edited
    run_batch(photo_folder, out, "--recursive", "--format", "png", "--overwrite")
    assert Image.open(marker).size == (48, 32)


def test_batch_all_good_exits_zero(photo_folder, tmp_path):
    (photo_folder / "broken.jpg").unlink()
    assert run_batch(photo_folder, tmp_path / "out", "--format", "png") == 0


def test_batch_into_its_own_folder_never_touches_the_inputs(photo_folder, capsys):
    before = {p: p.read_bytes() for p in photo_folder.rglob("*") if p.is_file()}
    run_batch(photo_folder, photo_folder, "--format", "png")
    for path, content in before.items():
        assert path.read_bytes() == content
    assert "a.png" in capsys.readouterr().out  # reported, not silently skipped


def test_batch_in_in_twice_writes_beside_the_jpegs_and_exits_zero(photo_folder, capsys):
    (photo_folder / "broken.jpg").unlink()
    before = {p: p.read_bytes() for p in photo_folder.rglob("*") if p.is_file()}
    assert run_batch(photo_folder, photo_folder, "--format", "jpg") == 0
    out = capsys.readouterr().out
    assert (
        out.count("the output folder is the input folder: each result is written beside its photo as <name>.colour.jpg")
        == 1
    )
    assert "2 colourized (levin 2), 0 skipped (output exists), 0 failed" in out
    assert Image.open(photo_folder / "a.colour.jpg").size == (48, 32)
    assert Image.open(photo_folder / "b.colour.jpg").size == (48, 32)
    assert run_batch(photo_folder, photo_folder, "--format", "jpg") == 0  # resumes: nothing to do
    assert "0 colourized, 2 skipped (output exists), 0 failed" in capsys.readouterr().out
    for path, content in before.items():
        assert path.read_bytes() == content
    assert sorted(p.name for p in photo_folder.glob("*.jpg")) == ["a.colour.jpg", "b.colour.jpg", "b.jpg"]


def test_batch_webp_output(photo_folder, tmp_path):
    (photo_folder / "broken.jpg").unlink()
    assert run_batch(photo_folder, tmp_path / "out", "--format", "webp", "--quality", "100") == 0
    with Image.open(tmp_path / "out" / "a.webp") as image:
        assert image.format == "WEBP" and image.size == (48, 32)


def test_batch_missing_input_folder(tmp_path, capsys):
    assert run_batch(tmp_path / "nope", tmp_path / "out") == 1
    assert "no such folder" in capsys.readouterr().err


def test_batch_output_inside_input_is_not_colourized_again(photo_folder, capsys):
    out = photo_folder / "colour"
    run_batch(photo_folder, out, "--recursive", "--format", "png", "--overwrite")
    capsys.readouterr()
    run_batch(photo_folder, out, "--recursive", "--format", "png", "--overwrite")
    assert "3 colourized" in capsys.readouterr().out
    assert not (out / "colour").exists()


def test_batch_without_backend_logs_each_photos_backend_and_counts_them(photo_folder, tmp_path, capsys, monkeypatch):
    import json

    import ideepcolor_app.cli.batch as batch_cli
    import ideepcolor_app.engine.backend_choice as choice
    from ideepcolor_app.engine.backends import LevinBackend

    opened = []
    scores = {"zhang": choice.HeldOutScore(21.0, 19.5, 0.7, 0.004), "gan": choice.HeldOutScore(21.5, 19.5, 0.7, 0.004)}
    monkeypatch.setattr(choice, "held_out_score", scores.get)
    monkeypatch.setattr(batch_cli, "open_named_backend", lambda name, *a, **k: opened.append(name) or LevinBackend())
    out, report = tmp_path / "out", tmp_path / "report.json"
    assert main(["batch", str(photo_folder), str(out), "--size", "16", "--recursive", "--report", str(report)]) == 1
    stdout = capsys.readouterr().out
    assert "automatic backend per photo: hints for photos with a sidecar .hints.json, gan for the others" in stdout
    assert "colourized a.png with gan\n" in stdout and "colourized b.jpg with hints and b.hints.json\n" in stdout
    assert "3 colourized (gan 2, hints 1), 0 skipped (output exists), 1 failed" in stdout
    assert sorted(opened) == ["gan", "hints"]
    data = json.loads(report.read_text())
    assert data["backends"] == {"gan": 2, "hints": 1}
    assert data["automatic"]["backend"] == "gan" and "among options within the targets" in data["automatic"]["reason"]
    assert data["automatic"]["figures"].startswith("gan 21.50 dB, colourfulness 70 %, false colour 0.40 %; zhang 21.00")


def test_batch_default_can_be_hints_without_points_and_says_why(photo_folder, tmp_path, capsys, monkeypatch):
    import ideepcolor_app.cli.batch as batch_cli
    import ideepcolor_app.engine.backend_choice as choice
    from ideepcolor_app.engine.backends import LevinBackend

    opened = []
    scores = {
        "zhang": choice.HeldOutScore(21.9, 20.4, 0.55, 0.008),
        "fusion": None,
        "gan": choice.HeldOutScore(22.1, 20.4, 0.52, 0.004),
        "hints": choice.HeldOutScore(22.2, 20.4, 0.54, 0.003, photos=37),
    }
    monkeypatch.setattr(choice, "held_out_score", scores.get)
    monkeypatch.setattr(batch_cli, "open_named_backend", lambda name, *a, **k: opened.append(name) or LevinBackend())
    assert main(["batch", str(photo_folder), str(tmp_path / "out"), "--size", "16", "--recursive"]) == 1
    stdout = capsys.readouterr().out
    assert (
        "automatic backend per photo: hints for photos with a sidecar .hints.json, hints without points for "
        "the others\n  why: best PSNR on the new held-out sources (37 photos, no points); none is within every "
        "target (grey + 1.0 dB, colourfulness at least 65 %, false colour at most 1 %)\n  figures: hints 22.20 dB, "
        "colourfulness 54 %, false colour 0.30 %; gan 22.10 dB, colourfulness 52 %, false colour 0.40 %; zhang "
        "21.90 dB, colourfulness 55 %, false colour 0.80 %; unmeasured: fusion\n"
    ) in stdout
    assert "colourized a.png with hints\n" in stdout and "colourized b.jpg with hints and b.hints.json\n" in stdout
    assert opened == ["hints"]


def test_batch_weights_without_backend_is_a_clear_error(photo_folder, tmp_path, capsys):
    assert main(["batch", str(photo_folder), str(tmp_path / "out"), "--weights", "fusion"]) == 1
    assert "--weights needs --backend" in capsys.readouterr().err


def test_batch_report_must_be_json_so_a_photo_is_never_overwritten(photo_folder, tmp_path, capsys):
    import pytest

    before = (photo_folder / "a.png").read_bytes()
    with pytest.raises(SystemExit) as exit_info:
        main(["batch", str(photo_folder), str(tmp_path / "out"), "--report", str(photo_folder / "a.png")])
    assert exit_info.value.code == 2 and "must be a .json file" in capsys.readouterr().err
    assert (photo_folder / "a.png").read_bytes() == before


def test_batch_applies_a_colour_stroke_from_the_sidecar(photo_folder, tmp_path):
    """A version 2 sidecar with a blue stroke and no point: the photo comes out blue along it."""
    (photo_folder / "a.hints.json").write_text(
        '{"version": 2, "image": {"width": 48, "height": 32}, "points": [], '
        '"global": {"saturation": null, "histogram": null}, '
        '"strokes": [{"ab": [10.0, -50.0], "size": 5, "points": [[4, 16], [20, 16]]}]}'
    )
    out = tmp_path / "out"
    run_batch(photo_folder, out, "--format", "png")
    stroked = np.asarray(Image.open(out / "a.png")).astype(int)
    assert stroked[16, 12, 2] - stroked[16, 12, 0] > 20  # blue along the stroke
