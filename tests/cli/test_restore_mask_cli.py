"""Damage strokes on the command line: `restore` reads the sidecar (or --hints) and writes the
mask with --mask-out; `colorize --restore` and `batch --restore` apply the strokes they read."""

import json

import numpy as np
import pytest
from PIL import Image

from ideepcolor_app.cli.main import main
from ideepcolor_app.engine.batch import BatchJob, run_batch
from ideepcolor_app.hints import DamageStroke
from ideepcolor_app.imageio import read_photo
from ideepcolor_app.restore import RestoreOptions, restore_lightness
from ideepcolor_app.restore.files import photo_lightness
from tests.engine.conftest import RecordingBackend
from tests.null_detector import null_detector  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("null_detector")

STAIN = (slice(18, 26), slice(28, 36))  # a pale blot on a smooth gradient: rows 18-25, cols 28-35
STROKE = {"mode": "add", "radius": 6.0, "points": [[30.0, 22.0], [34.0, 22.0]]}


def stained_photo(path, mode="L"):
    """64 x 48 smooth horizontal gradient (70-110) with a pale blot that the detector leaves alone."""
    gray = np.repeat(np.linspace(70, 110, 64)[None, :], 48, 0)
    gray[STAIN] = 235
    Image.fromarray(gray.round().astype(np.uint8), mode="L").convert(mode).save(path)
    return path


def write_hints(path, strokes, size=(64, 48)):
    data = {
        "version": 2,
        "image": {"width": size[0], "height": size[1]},
        "points": [],
        "global": {"saturation": None, "histogram": None},
        "damage_strokes": strokes,
    }
    path.write_text(json.dumps(data))
    return path


def gray(path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("L")).astype(int)


def assert_stain_filled(out_path, photo_path):
    """The blot's pixels changed and now match the gradient around them."""
    before, after = gray(photo_path), gray(out_path)
    assert (before[STAIN] > 200).all()
    assert (np.abs(after[STAIN] - before[STAIN]) > 80).all()  # pale no more
    expected = np.repeat(np.linspace(70, 110, 64)[None, :], 48, 0)[STAIN]  # the gradient there
    assert np.abs(after[STAIN] - expected).max() < 15


def test_restore_reads_the_sidecar_and_writes_the_mask_that_was_filled(tmp_path, capsys):
    photo = stained_photo(tmp_path / "old.png")
    write_hints(tmp_path / "old.hints.json", [STROKE])
    out, mask = tmp_path / "restored.png", tmp_path / "masks" / "old_mask.png"
    assert main(["restore", str(photo), "-o", str(out), "--tone", "off", "--mask-out", str(mask)]) == 0
    assert "1 damage stroke from old.hints.json" in capsys.readouterr().out
    expected = restore_lightness(
        photo_lightness(read_photo(photo)),
        RestoreOptions(tone="off"),
        (DamageStroke("add", 6.0, ((30.0, 22.0), (34.0, 22.0))),),
    ).defects
    with Image.open(mask) as image:
        assert image.mode == "L" and image.size == (64, 48)
        written = np.asarray(image)
    assert set(np.unique(written)) <= {0, 255}
    assert np.array_equal(written == 255, expected)
    assert written[STAIN].min() == 255  # the stroke covers the blot
    assert_stain_filled(out, photo)


def test_restore_hints_option_replaces_the_sidecar(tmp_path):
    photo = stained_photo(tmp_path / "old.png")
    write_hints(tmp_path / "old.hints.json", [STROKE])
    other = write_hints(tmp_path / "other.hints.json", [{"mode": "add", "radius": 2.0, "points": [[5.0, 5.0]]}])
    out, mask = tmp_path / "restored.png", tmp_path / "mask.png"
    assert main(["restore", str(photo), "-o", str(out), "--hints", str(other), "--mask-out", str(mask)]) == 0
    written = gray(mask)
    assert written[5, 5] == 255 and written[STAIN].max() == 0  # other's stroke, not the sidecar's
    assert gray(out)[22, 32] > 200  # the blot is kept


def test_restore_without_sidecar_fills_only_what_the_detector_finds(tmp_path):
    photo = stained_photo(tmp_path / "old.png")
    out, mask = tmp_path / "restored.png", tmp_path / "mask.png"
    assert main(["restore", str(photo), "-o", str(out), "--tone", "off", "--mask-out", str(mask)]) == 0
    detected = restore_lightness(photo_lightness(read_photo(photo)), RestoreOptions(tone="off")).defects
    assert np.array_equal(gray(mask) == 255, detected)


@pytest.mark.parametrize(
    ("mask_name", "message"),
    [
        ("mask.jpg", "the mask is written as PNG; its name must end in .png"),
        ("old.png", "this is the photo; choose another name for the mask"),
        ("restored.png", "this is the restored output; choose another name for the mask"),
    ],
)
def test_restore_refuses_a_bad_mask_name_before_any_work(tmp_path, capsys, mask_name, message):
    photo = stained_photo(tmp_path / "old.png")
    before = photo.read_bytes()
    out = tmp_path / "restored.png"
    assert main(["restore", str(photo), "-o", str(out), "--mask-out", str(tmp_path / mask_name)]) == 1
    assert message in capsys.readouterr().err
    assert photo.read_bytes() == before and not out.exists()


def test_restore_reports_a_bad_sidecar_by_its_json_path(tmp_path, capsys):
    photo = stained_photo(tmp_path / "old.png")
    write_hints(tmp_path / "old.hints.json", [{"mode": "paint", "radius": 6.0, "points": [[1, 1]]}])
    out = tmp_path / "restored.png"
    assert main(["restore", str(photo), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert 'old.hints.json: damage_strokes[0].mode: expected "add" or "remove", got "paint"' in err
    assert "Traceback" not in err and not out.exists()


def test_restore_refuses_a_sidecar_of_another_size(tmp_path, capsys):
    photo = stained_photo(tmp_path / "old.png")
    write_hints(tmp_path / "old.hints.json", [{"mode": "add", "radius": 2.0, "points": [[5.0, 5.0]]}], size=(32, 24))
    assert main(["restore", str(photo), "-o", str(tmp_path / "restored.png")]) == 1
    assert "old.hints.json: image: made for a 32x24 photo, but" in capsys.readouterr().err


def test_colorize_restore_applies_the_strokes_of_its_hints_file(tmp_path):
    photo = stained_photo(tmp_path / "old.png")
    hints = write_hints(tmp_path / "strokes.hints.json", [STROKE])
    out = tmp_path / "colour.png"
    assert (
        main(
            [
                "colorize",
                str(photo),
                "-o",
                str(out),
                "--backend",
                "levin",
                "--size",
                "16",
                "--hints",
                str(hints),
                "--restore",
                "--restore-tone",
                "off",
            ]
        )
        == 0
    )
    assert_stain_filled(out, photo)


def test_colorize_warns_that_strokes_need_restore(tmp_path, capsys):
    photo = stained_photo(tmp_path / "old.png")
    hints = write_hints(tmp_path / "strokes.hints.json", [STROKE])
    out = tmp_path / "colour.png"
    assert (
        main(["colorize", str(photo), "-o", str(out), "--backend", "levin", "--size", "16", "--hints", str(hints)]) == 0
    )
    assert "they apply only with --restore" in capsys.readouterr().err
    assert gray(out)[22, 32] > 200


def test_batch_restore_fills_the_region_a_sidecar_stroke_adds(tmp_path):
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    stained_photo(source / "a.png")
    write_hints(source / "a.hints.json", [STROKE])
    assert (
        main(
            [
                "batch",
                str(source),
                str(out),
                "--backend",
                "levin",
                "--size",
                "16",
                "--format",
                "png",
                "--restore",
                "--restore-tone",
                "off",
            ]
        )
        == 0
    )
    assert_stain_filled(out / "a.png", source / "a.png")


class AutomaticBackend(RecordingBackend):
    """A backend that takes no local hints (as zhang or fusion)."""

    name = "automatic"
    uses_local_hints = False


def test_batch_restore_applies_sidecar_strokes_for_a_backend_without_hints(tmp_path):
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    stained_photo(source / "a.png")
    stained_photo(source / "b.png")
    write_hints(source / "a.hints.json", [STROKE])
    job = BatchJob(source, out, format="png", working_size=16, restore=RestoreOptions(tone="off"))
    report = run_batch(job, AutomaticBackend())
    assert sorted(p.name for p in report.done) == ["a.png", "b.png"]
    assert_stain_filled(out / "a.png", source / "a.png")
    assert gray(out / "b.png")[STAIN].min() > 200  # no sidecar, no stroke: the blot stays
