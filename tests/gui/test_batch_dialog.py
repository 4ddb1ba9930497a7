"""QtBatchDialog: background run, per-file errors, cancel and resume, settings, backend failure."""

import threading

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QSettings

from ideepcolor_app.engine.backends import LevinBackend
from ideepcolor_app.engine.weights import WeightsError
from ideepcolor_app.gui.batch_dialog import QtBatchDialog

TIMEOUT_MS = 20000


@pytest.fixture
def batch_settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def photo_dir(tmp_path):
    """in/a.png, in/b.png (tiny two-tone greys) and in/broken.png (not an image)."""
    root = tmp_path / "in"
    root.mkdir()
    for name, value in (("a.png", 60), ("b.png", 180)):
        l = np.full((12, 20), value, dtype=np.uint8)
        l[:, 10:] = 255 - value
        Image.fromarray(l, mode="L").save(root / name)
    (root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not a png")
    return root


class GatedLevin(LevinBackend):
    """Levin, but each photo waits at `gate` after announcing itself on `entered`."""

    def __init__(self, entered: threading.Event, gate: threading.Event):
        super().__init__()
        self.entered, self.gate = entered, gate

    def prepare(self, l_small):
        self.entered.set()
        assert self.gate.wait(TIMEOUT_MS / 1000)
        return super().prepare(l_small)


def make_dialog(qtbot, settings, photo_dir, out, **kwargs):
    dialog = QtBatchDialog(settings, backend_name="levin", working_size=16, **kwargs)
    qtbot.addWidget(dialog)
    dialog.input_edit.setText(str(photo_dir))
    dialog.output_edit.setText(str(out))
    dialog.set_backend_name("levin")
    dialog.format_combo.setCurrentText("png")
    return dialog


def run_to_end(qtbot, dialog):
    with qtbot.waitSignal(dialog.batchFinished, timeout=TIMEOUT_MS) as blocker:
        assert dialog.start()
    return blocker.args[0]


def test_batch_dialog_runs_in_background_and_lists_the_corrupt_file(qtbot, batch_settings, photo_dir, tmp_path):
    out = tmp_path / "out"
    dialog = make_dialog(qtbot, batch_settings, photo_dir, out)
    report = run_to_end(qtbot, dialog)
    assert [p.name for p in report.done] == ["a.png", "b.png"]
    for name in ("a.png", "b.png"):
        with Image.open(out / name) as image:
            image.load()
            assert image.size == (20, 12)
    assert not (out / "broken.png").exists()
    assert dialog.errors.count() == 1
    assert dialog.errors.item(0).text().startswith("broken.png: ")
    assert (dialog.progress.value(), dialog.progress.maximum()) == (3, 3)
    assert "2 colourized (levin 2), 0 skipped (output exists), 1 failed" in dialog.status.text()
    assert not dialog.is_running() and dialog.start_button.isEnabled()
    assert not dialog.cancel_button.isEnabled()


def test_batch_dialog_cancel_stops_after_the_current_photo_and_start_again_resumes(
    qtbot, batch_settings, photo_dir, tmp_path
):
    out = tmp_path / "out"
    entered, gate = threading.Event(), threading.Event()
    dialog = make_dialog(qtbot, batch_settings, photo_dir, out, backend_factory=lambda name: GatedLevin(entered, gate))
    with qtbot.waitSignal(dialog.batchFinished, timeout=TIMEOUT_MS) as blocker:
        assert dialog.start()
        assert dialog.is_running() and not dialog.start_button.isEnabled()
        qtbot.waitUntil(entered.is_set, timeout=TIMEOUT_MS)  # a.png is in progress
        dialog.cancel()
        gate.set()
    report = blocker.args[0]
    assert report.cancelled
    assert [p.name for p in report.done] == ["a.png"]
    assert sorted(p.name for p in out.iterdir()) == ["a.png"]
    assert dialog.status.text().startswith("Cancelled:")
    assert dialog.start_button.text() == "Start again"
    resumed = run_to_end(qtbot, dialog)
    assert [p.name for p in resumed.skipped] == ["a.png"]
    assert [p.name for p in resumed.done] == ["b.png"]
    assert [p.name for p, _ in resumed.failed] == ["broken.png"]
    assert not resumed.cancelled


def test_batch_dialog_saves_and_restores_its_settings(qtbot, batch_settings, photo_dir, tmp_path):
    out = tmp_path / "out"
    dialog = make_dialog(qtbot, batch_settings, photo_dir, out)
    dialog.sidecar_check.setChecked(False)
    dialog.recursive_check.setChecked(True)
    run_to_end(qtbot, dialog)
    reread = QSettings(batch_settings.fileName(), QSettings.Format.IniFormat)
    assert reread.value("batch/input_dir") == str(photo_dir)
    assert reread.value("batch/output_dir") == str(out)
    assert reread.value("batch/backend") == "levin"
    assert reread.value("batch/format") == "png"
    again = QtBatchDialog(reread, backend_name="hints")
    qtbot.addWidget(again)
    assert again.input_edit.text() == str(photo_dir) and again.output_edit.text() == str(out)
    assert again.backend_name() == "levin" and again.format_combo.currentText() == "png"
    assert not again.sidecar_check.isChecked() and again.recursive_check.isChecked()


def test_batch_dialog_defaults_without_settings(qtbot):
    dialog = QtBatchDialog(None, backend_name="zhang")
    qtbot.addWidget(dialog)
    assert dialog.backend_name() == "zhang"
    assert dialog.format_combo.currentText() == "jpg" and dialog.sidecar_check.isChecked()


def test_batch_dialog_backend_failure_is_reported_not_raised(qtbot, batch_settings, photo_dir, tmp_path):
    def broken_factory(name):
        raise WeightsError("weights file hints.safetensors not found")

    dialog = make_dialog(qtbot, batch_settings, photo_dir, tmp_path / "out", backend_factory=broken_factory)
    report = run_to_end(qtbot, dialog)
    assert report is None
    assert "Could not open the 'levin' backend" in dialog.status.text()
    assert "hints.safetensors not found" in dialog.status.text()
    assert dialog.start_button.isEnabled() and not (tmp_path / "out").exists()


def test_batch_dialog_missing_input_folder_does_not_start(qtbot, batch_settings, tmp_path):
    dialog = make_dialog(qtbot, batch_settings, tmp_path / "nope", tmp_path / "out")
    with qtbot.assertNotEmitted(dialog.batchFinished):
        assert not dialog.start()
    assert "No such input folder" in dialog.status.text() and not dialog.is_running()


def test_batch_dialog_close_while_running_cancels_then_closes(qtbot, batch_settings, photo_dir, tmp_path):
    entered, gate = threading.Event(), threading.Event()
    dialog = make_dialog(
        qtbot, batch_settings, photo_dir, tmp_path / "out", backend_factory=lambda name: GatedLevin(entered, gate)
    )
    dialog.show()
    with qtbot.waitSignal(dialog.batchFinished, timeout=TIMEOUT_MS) as blocker:
        dialog.start()
        qtbot.waitUntil(entered.is_set, timeout=TIMEOUT_MS)
        dialog.reject()
        assert dialog.isVisible() and "Cancelling" in dialog.status.text()
        gate.set()
    assert blocker.args[0].cancelled
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT_MS)


def test_batch_dialog_shutdown_waits_for_the_worker(qtbot, batch_settings, photo_dir, tmp_path):
    entered, gate = threading.Event(), threading.Event()
    dialog = make_dialog(
        qtbot, batch_settings, photo_dir, tmp_path / "out", backend_factory=lambda name: GatedLevin(entered, gate)
    )
    with qtbot.waitSignal(dialog.batchFinished, timeout=TIMEOUT_MS) as blocker:
        dialog.start()
        qtbot.waitUntil(entered.is_set, timeout=TIMEOUT_MS)
        thread = dialog._thread
        gate.set()
        dialog.shutdown()
        assert thread.isFinished()
    assert blocker.args[0] is not None and not dialog.is_running()
    dialog.shutdown()  # idle: nothing to do


class UntrainedLevin(LevinBackend):
    trained = False  # stands in for a network on random-init weights


def test_batch_dialog_warns_about_untrained_weights(qtbot, batch_settings, photo_dir, tmp_path):
    dialog = make_dialog(
        qtbot, batch_settings, photo_dir, tmp_path / "out", backend_factory=lambda name: UntrainedLevin()
    )
    report = run_to_end(qtbot, dialog)
    assert len(report.done) == 2
    assert "UNTRAINED" in dialog.notice.text() and dialog.notice.isVisibleTo(dialog)


def test_batch_dialog_automatic_default_opens_backends_per_photo(qtbot, batch_settings, photo_dir, tmp_path):
    (photo_dir / "b.hints.json").write_text(
        '{"version": 1, "image": {"width": 20, "height": 12}, '
        '"points": [{"x": 5, "y": 6, "ab": [50.0, 0.0], "size": 3}], '
        '"global": {"saturation": null, "histogram": null}}'
    )
    opened = []
    dialog = make_dialog(
        qtbot,
        batch_settings,
        photo_dir,
        tmp_path / "out",
        backend_factory=lambda name: opened.append(name) or LevinBackend(),
    )
    dialog.set_backend_name("auto")
    assert dialog.backend_combo.currentText() == "Automatic (per photo)"
    report = run_to_end(qtbot, dialog)
    automatic = report.automatic.name  # by the model cards; may be hints itself (with no points)
    assert {p.name: name for p, name in report.used.items()} == {"a.png": automatic, "b.png": "hints"}
    assert sorted(opened) == sorted({automatic, "hints"})  # each opened once
    counts = "hints 2" if automatic == "hints" else f"{min(automatic, 'hints')} 1, {max(automatic, 'hints')} 1"
    assert f"2 colourized ({counts})" in dialog.status.text()
    again = QtBatchDialog(batch_settings)
    qtbot.addWidget(again)
    assert again.backend_name() == "auto"  # remembered


def test_batch_dialog_output_follows_the_input_unless_chosen(qtbot, batch_settings, tmp_path):
    first, second, third, mine = (tmp_path / name for name in ("first", "second", "third", "mine"))
    batch_settings.setValue("batch/input_dir", str(first))
    batch_settings.setValue("batch/output_dir", str(first / "colourized"))
    dialog = QtBatchDialog(batch_settings, input_dir=second)  # another photo's folder is open now
    qtbot.addWidget(dialog)
    assert dialog.input_edit.text() == str(second)
    assert dialog.output_edit.text() == str(second / "colourized")  # followed, not left on the old one
    dialog.output_edit.setText(str(mine))  # the user's own choice
    dialog.input_edit.setText(str(third))
    assert dialog.output_edit.text() == str(mine)


def test_batch_dialog_output_in_the_input_folder_writes_beside_the_photos(qtbot, batch_settings, photo_dir):
    (photo_dir / "broken.png").unlink()
    dialog = make_dialog(qtbot, batch_settings, photo_dir, photo_dir)
    dialog.input_edit.setText(str(photo_dir.parent))  # an output that was the input folder follows it
    assert dialog.output_edit.text() == str(photo_dir.parent)
    dialog.input_edit.setText(str(photo_dir))
    dialog.format_combo.setCurrentText("webp")
    report = run_to_end(qtbot, dialog)
    assert len(report.done) == 2 and not report.failed
    assert "beside its photo as <name>.colour.webp" in dialog.notice.text() and dialog.notice.isVisibleTo(dialog)
    assert sorted(p.name for p in photo_dir.glob("*.colour.webp")) == ["a.colour.webp", "b.colour.webp"]
    again = run_to_end(qtbot, dialog)
    assert len(again.skipped) == 2 and not again.done and not again.failed
