"""engine.batch never loses a photo: name clashes, its own outputs, cut-short outputs, Ctrl+C."""

import os

import numpy as np
import pytest
from PIL import Image

from ideepcolor_app.engine.batch import BatchJob, run_batch


def photo(path, value, size=(24, 16)):
    """A grey photo whose lightness `value` identifies it in the output."""
    image = Image.fromarray(np.full(size[::-1], value, dtype=np.uint8), mode="L").convert("RGB")
    image.save(path, format="PNG" if path.suffix.lower() == ".png" else "JPEG")
    return path


def lightness(path):
    return float(np.asarray(Image.open(path).convert("L")).mean())


def job(folder, out, **options):
    return BatchJob(folder, out, format="jpg", working_size=16, **options)


@pytest.fixture
def same_stem(tmp_path):
    """in/photo.jpg (dark), in/photo.JPG (mid), in/photo.png (bright)."""
    root = tmp_path / "in"
    root.mkdir()
    photo(root / "photo.jpg", 40)
    photo(root / "photo.JPG", 120)
    photo(root / "photo.png", 200)
    return root


def test_same_stem_photos_each_get_their_own_output(same_stem, tmp_path, recording_backend):
    out = tmp_path / "out"
    report = run_batch(job(same_stem, out), recording_backend)
    assert len(report.done) == 3 and not report.skipped and not report.failed
    # photo_jpg and photo_JPG would be one file on macOS and Windows: the second gets _2.
    assert sorted(p.name for p in out.iterdir()) == ["photo_JPG.jpg", "photo_jpg_2.jpg", "photo_png.jpg"]
    assert [round(lightness(out / n) / 20) for n in ("photo_jpg_2.jpg", "photo_JPG.jpg", "photo_png.jpg")] == [2, 6, 10]
    assert len(report.renamed) == 3 and "3 renamed" in report.summary()


def test_same_stem_rerun_skips_and_overwrite_keeps_all_three(same_stem, tmp_path, recording_backend):
    out = tmp_path / "out"
    run_batch(job(same_stem, out), recording_backend)
    again = run_batch(job(same_stem, out), recording_backend)
    assert (len(again.done), len(again.skipped)) == (0, 3)
    redone = run_batch(job(same_stem, out, overwrite=True), recording_backend)
    assert len(redone.done) == 3 and len(list(out.iterdir())) == 3


def test_batch_into_its_input_folder_recognises_its_own_outputs(tmp_path, recording_backend):
    root = tmp_path / "in"
    root.mkdir()
    photo(root / "a.png", 60)
    photo(root / "b.png", 180)
    first = run_batch(job(root, root), recording_backend)
    assert len(first.done) == 2 and not first.failed
    second = run_batch(job(root, root), recording_backend)
    assert (len(second.done), len(second.skipped), second.failed) == (0, 2, [])
    assert sorted(p.name for p in root.iterdir()) == ["a.colour.jpg", "a.png", "b.colour.jpg", "b.png"]


def test_an_output_cut_short_is_made_again_on_resume(tmp_path, recording_backend):
    root = tmp_path / "in"
    root.mkdir()
    photo(root / "a.png", 100)
    out = tmp_path / "out"
    run_batch(job(root, out), recording_backend)
    whole = (out / "a.jpg").read_bytes()
    (out / "a.jpg").write_bytes(whole[: len(whole) // 2])  # what a full disk left behind
    report = run_batch(job(root, out), recording_backend)
    assert [p.name for p in report.done] == ["a.png"] and not report.skipped
    assert (out / "a.jpg").read_bytes() == whole


def test_ctrl_c_stops_with_a_report_and_no_temporaries(tmp_path, recording_backend, monkeypatch):
    root = tmp_path / "in"
    root.mkdir()
    for i, name in enumerate("abcd"):
        photo(root / f"{name}.png", 50 + 40 * i)
    import ideepcolor_app.imageio.write as write_module

    real = write_module._write_with_pillow
    calls = []

    def interrupting(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # Ctrl+C while the second photo is being written
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(write_module, "_write_with_pillow", interrupting)
    out = tmp_path / "out"
    report = run_batch(job(root, out), recording_backend)
    assert report.interrupted and [p.name for p in report.done] == ["a.png"]
    assert report.not_started == 3 and "3 not started" in report.summary()
    assert sorted(os.listdir(out)) == ["a.jpg"]  # no b.jpg, no hidden temporary


def test_stale_temporaries_in_the_output_tree_are_removed(tmp_path, recording_backend):
    import subprocess
    import sys

    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    photo(root / "sub" / "a.png", 100)
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = out / "sub" / f".old.jpg.{dead.pid}.abcdefgh.tmp"  # a photo no longer in the input
    stale.write_bytes(b"x" * 1000)
    run_batch(job(root, out, recursive=True), recording_backend)
    assert not stale.exists()


@pytest.mark.parametrize(
    "options, message",
    [
        ({"quality": 0}, "quality must be from 1 to 100"),
        ({"working_size": 0}, "working size must be from 1 to 2048"),
        ({"working_size": 8192}, "working size must be from 1 to 2048"),
    ],
)
def test_bad_options_fail_before_the_first_photo(tmp_path, recording_backend, options, message):
    root = tmp_path / "in"
    root.mkdir()
    photo(root / "a.png", 100)
    with pytest.raises(ValueError, match=message):
        run_batch(BatchJob(root, tmp_path / "out", **options), recording_backend)
    assert recording_backend.predict_calls == 0


def test_unwritable_output_folder_fails_before_the_first_photo(tmp_path, recording_backend):
    root = tmp_path / "in"
    root.mkdir()
    photo(root / "a.png", 100)
    blocker = tmp_path / "out"
    blocker.write_bytes(b"a file where the output folder should be")
    with pytest.raises(OSError, match="cannot write into the output folder"):
        run_batch(job(root, blocker), recording_backend)
    assert recording_backend.predict_calls == 0


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_output_folder_fails_before_the_first_photo(tmp_path, recording_backend):
    root = tmp_path / "in"
    root.mkdir()
    photo(root / "a.png", 100)
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        with pytest.raises(PermissionError, match="cannot write into the output folder"):
            run_batch(job(root, out), recording_backend)
    finally:
        out.chmod(0o755)
    assert recording_backend.predict_calls == 0
