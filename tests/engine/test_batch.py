"""engine.batch: planning rules, progress, cancel, resume and per-file failures."""

import numpy as np
import pytest
from PIL import Image

from ideepcolor_app.engine.batch import REPLACES_INPUT, BatchJob, find_photos, run_batch


def grey_photo(path, value=120, size=(24, 16)):
    Image.fromarray(np.full(size[::-1], value, dtype=np.uint8), mode="L").save(path)
    return path


@pytest.fixture
def folder(tmp_path):
    """in/a.png, in/b.png, in/c.png, in/broken.png (corrupt), in/.hidden.png, in/sub/d.png."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    for name in ("a.png", "b.png", "c.png", ".hidden.png", "sub/d.png"):
        grey_photo(root / name)
    (root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    return root


def job(folder, out, **options):
    return BatchJob(folder, out, format="png", working_size=16, **options)


def test_find_photos_is_sorted_skips_hidden_and_the_output_tree(folder):
    (folder / "out").mkdir()
    grey_photo(folder / "out" / "a.png")
    names = [p.relative_to(folder).as_posix() for p in find_photos(folder, True, exclude=folder / "out")]
    assert names == ["a.png", "b.png", "broken.png", "c.png", "sub/d.png"]


def test_plan_keeps_relative_paths_and_finds_sidecars(folder, tmp_path):
    (folder / "b.hints.json").write_text("{}")
    items = BatchJob(folder, tmp_path / "out", format="jpg", recursive=True).plan()
    out = (tmp_path / "out").resolve()
    assert [i.destination for i in items] == [out / n for n in ("a.jpg", "b.jpg", "broken.jpg", "c.jpg", "sub/d.jpg")]
    assert [i.sidecar is not None for i in items] == [False, True, False, False, False]


def test_plan_missing_input_folder_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        BatchJob(tmp_path / "nope", tmp_path / "out").plan()


def test_progress_counts_every_photo_and_corrupt_file_is_reported(folder, tmp_path, recording_backend):
    calls = []
    report = run_batch(job(folder, tmp_path / "out"), recording_backend, on_progress=lambda *c: calls.append(c))
    assert [(done, total) for done, total, _, _ in calls] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert [(photo.name, outcome.status) for _, _, photo, outcome in calls] == [
        ("a.png", "done"),
        ("b.png", "done"),
        ("broken.png", "failed"),
        ("c.png", "done"),
    ]
    assert [p.name for p in report.done] == ["a.png", "b.png", "c.png"]
    assert [p.name for p, _ in report.failed] == ["broken.png"]
    assert report.failed[0][1] == calls[2][3].message and report.failed[0][1]
    assert not report.cancelled and report.total == 4
    for name in ("a.png", "b.png", "c.png"):
        assert Image.open(tmp_path / "out" / name).size == (24, 16)


def test_cancel_stops_before_the_next_photo_and_a_rerun_resumes(folder, tmp_path, recording_backend):
    out = tmp_path / "out"
    checks = iter([False, False, True])
    report = run_batch(job(folder, out), recording_backend, should_cancel=lambda: next(checks))
    assert report.cancelled
    assert [p.name for p in report.done] == ["a.png", "b.png"]
    assert sorted(p.name for p in out.iterdir()) == ["a.png", "b.png"]
    calls_before = recording_backend.prepare_calls
    resumed = run_batch(job(folder, out), recording_backend)
    assert [p.name for p in resumed.skipped] == ["a.png", "b.png"]
    assert [p.name for p in resumed.done] == ["c.png"]
    assert recording_backend.prepare_calls == calls_before + 1  # only c.png was colourized
    assert not resumed.cancelled


def test_overwrite_replaces_existing_outputs(folder, tmp_path, recording_backend):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.png").write_bytes(b"old")
    report = run_batch(job(folder, out, overwrite=True), recording_backend)
    assert [p.name for p in report.done] == ["a.png", "b.png", "c.png"]
    assert Image.open(out / "a.png").size == (24, 16)


def test_output_folder_is_input_folder_writes_beside_each_photo_and_resumes(folder, recording_backend):
    (folder / "broken.png").unlink()
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    first = run_batch(job(folder, folder, recursive=True), recording_backend)
    assert [p.name for p in first.done] == ["a.png", "b.png", "c.png", "d.png"] and not first.failed
    for photo, content in before.items():
        assert photo.read_bytes() == content  # no photo replaced
    beside = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.colour.png"))
    assert beside == ["a.colour.png", "b.colour.png", "c.colour.png", "sub/d.colour.png"]
    assert Image.open(folder / "a.colour.png").size == (24, 16)
    second = run_batch(job(folder, folder, recursive=True), recording_backend)
    assert [p.name for p in second.skipped] == ["a.png", "b.png", "c.png", "d.png"]  # outputs are not inputs
    assert not second.done and not second.failed


def test_a_result_beside_its_photo_is_known_by_name_without_our_tag(folder, tmp_path):
    Image.new("RGB", (24, 16)).save(folder / "a.colour.png")  # re-saved elsewhere: no Software tag
    Image.new("RGB", (24, 16)).save(folder / "z.colour.png")  # no photo "z": a photo of its own
    names = [p.name for p in find_photos(folder, False, exclude=folder)]
    assert "a.colour.png" not in names and "z.colour.png" in names
    assert "a.colour.png" in [p.name for p in find_photos(folder, False, exclude=tmp_path / "out")]


def test_an_output_that_is_its_own_input_is_still_refused(folder, recording_backend, monkeypatch):
    import ideepcolor_app.engine.batch as batch

    monkeypatch.setattr(batch, "BESIDE_MARK", "")  # the last guard, should naming ever collide
    before = (folder / "a.png").read_bytes()
    report = run_batch(job(folder, folder), recording_backend)
    assert (folder / "a.png").read_bytes() == before
    assert (folder / "a.png", REPLACES_INPUT) in report.failed


def test_sidecar_hints_used_only_when_enabled(folder, tmp_path, recording_backend):
    (folder / "a.hints.json").write_text(
        '{"version": 1, "image": {"width": 24, "height": 16}, '
        '"points": [{"x": 12, "y": 8, "ab": [0.0, 60.0], "size": 9}], '
        '"global": {"saturation": null, "histogram": null}}'
    )
    run_batch(job(folder, tmp_path / "with"), recording_backend)
    run_batch(job(folder, tmp_path / "without", use_sidecar_hints=False), recording_backend)
    hinted = np.asarray(Image.open(tmp_path / "with" / "a.png")).astype(int)
    plain = np.asarray(Image.open(tmp_path / "without" / "a.png")).astype(int)
    assert hinted[8, 12, 0] - hinted[8, 12, 2] > 20  # yellow (b = +60) from the sidecar
    assert abs(plain[8, 12, 0] - plain[8, 12, 2]) < abs(hinted[8, 12, 0] - hinted[8, 12, 2])
