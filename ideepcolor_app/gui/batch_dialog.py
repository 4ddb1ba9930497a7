"""The batch export dialog: colourize a folder in the background with `engine.batch`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt, QThread, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ideepcolor_app.engine.backend_choice import AUTO, BackendChoice
from ideepcolor_app.engine.backends import BACKENDS, Backend, create_backend
from ideepcolor_app.engine.batch import (
    BESIDE_MARK,
    OUTPUT_FORMATS,
    BatchJob,
    BatchOutcome,
    BatchReport,
    describe_error,
    run_batch,
)
from ideepcolor_app.engine.session import DEFAULT_WORKING_SIZE
from ideepcolor_app.gui.backend_panel import BACKEND_TITLES, fit_popup_to_items
from ideepcolor_app.gui.restore_panel import restore_combos
from ideepcolor_app.restore import RestoreOptions

BackendFactory = Callable[[str], Backend]
#: The output folder a new input folder gets, inside it.
OUTPUT_SUBFOLDER = "colourized"
KEYS = (
    "input_dir",
    "output_dir",
    "backend",
    "format",
    "sidecar",
    "recursive",
    "overwrite",
    "restore",
    "restore_tone",
    "restore_strength",
)


class _BatchWorker(QObject):
    """Opens the backend (each one when first needed, for `AUTO`) and runs the batch on its own
    thread; reports through signals."""

    progressed = Signal(int, int, str, str, str)  # done, total, photo path, status, message
    notice = Signal(str)
    finished = Signal(object, str)  # BatchReport or None, error message ("" when it ran)

    def __init__(self, job: BatchJob, backend_name: str, factory: BackendFactory, cancel: threading.Event):
        super().__init__()
        self.job, self.backend_name, self.factory, self.cancel = job, backend_name, factory, cancel

    @Slot()
    def run(self) -> None:
        try:
            backends = self._backends()
        except Exception as err:  # noqa: BLE001 - missing or wrong weights must not crash the app
            self.finished.emit(None, f"Could not open the {self.backend_name!r} backend: {describe_error(err)}")
            return
        try:
            report = run_batch(self.job, backends, on_progress=self._on_progress, should_cancel=self.cancel.is_set)
        except Exception as err:  # noqa: BLE001 - e.g. the input folder vanished
            self.finished.emit(None, describe_error(err))
            return
        self.finished.emit(report, "")

    def _backends(self) -> BackendChoice:
        if self.backend_name == AUTO:
            return BackendChoice.auto(factory=self._open)
        return BackendChoice.fixed(self._open(self.backend_name))

    def _open(self, name: str) -> Backend:
        backend = self.factory(name)
        if not backend.trained:
            self.notice.emit(
                f"The {name!r} backend runs on UNTRAINED weights: its colours are not a real colourization."
            )
        return backend

    def _on_progress(self, done: int, total: int, photo: Path, outcome: BatchOutcome) -> None:
        status = f"{outcome.status} with {outcome.backend}" if outcome.status == "done" else outcome.status
        self.progressed.emit(done, total, str(photo), status, outcome.message)


class QtBatchDialog(QDialog):
    """Colourize every photo of a folder into another folder, in the background.

    The same engine as ``ideepcolor batch`` (`engine.batch.run_batch`): outputs keep relative
    paths, existing outputs are skipped (so Start again resumes a cancelled run), bad files are
    listed and the run goes on. Cancel stops after the photo in progress. The folders, backend,
    format and options are remembered in `settings` (group ``batch``); a remembered backend wins
    over `backend_name`. The first choice, "Automatic (per photo)" (`AUTO`, the default), gives a
    photo with sidecar hints the hints backend and any other the best automatic backend on
    held-out sources (`engine.backend_choice`); the status line names each photo's backend.
    `input_dir` (the open photo's folder) pre-fills the input folder. The output folder follows
    the input folder (its ``colourized`` sub-folder, or the folder itself when it was the input
    folder) unless the user chose another one. An output folder that is the input folder writes
    each result beside its photo as ``<name>.colour.<format>``, and the status line says so.
    Backends are listed by the names the main window uses.

    Signals:
        batchFinished(object): the `BatchReport` when a run ends (also when cancelled), or None
            when it could not start (e.g. the backend failed to open; the reason is shown).
    """

    batchFinished = Signal(object)

    def __init__(
        self,
        settings: QSettings | None = None,
        backend_name: str = AUTO,
        parent: QWidget | None = None,
        *,
        backend_factory: BackendFactory | None = None,
        working_size: int = DEFAULT_WORKING_SIZE,
        input_dir: Path | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Batch export")
        self.settings = settings
        self.backend_factory = backend_factory or (lambda name: create_backend(name))
        self.working_size = working_size
        self._thread: QThread | None = None
        self._worker: _BatchWorker | None = None
        self._cancel = threading.Event()
        self._close_when_done = False
        self.last_report: BatchReport | None = None
        self._build(backend_name)
        self._load_settings(backend_name)
        self._input_shown = self.input_edit.text().strip()
        self.input_edit.textChanged.connect(self._on_input_changed)
        if input_dir is not None:
            self.input_edit.setText(str(input_dir))
        if self.input_edit.text().strip() and not self.output_edit.text().strip():
            self.output_edit.setText(str(Path(self.input_edit.text().strip()) / OUTPUT_SUBFOLDER))
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- layout --------------------------------------------------------------------------------

    def _folder_row(self, edit: QLineEdit, title: str) -> QHBoxLayout:
        button = QPushButton("Browse…")
        button.clicked.connect(lambda: self._browse(edit, title))
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(button)
        return row

    def _build(self, backend_name: str) -> None:
        self.input_edit = QLineEdit()
        self.output_edit = QLineEdit()
        self.backend_combo = QComboBox()
        self.backend_combo.addItem("Automatic (per photo)", AUTO)
        self.backend_combo.setItemData(
            0,
            "Photos with sidecar hints: the hints backend; others: the automatic "
            "option (hints without points included) that scores best on "
            "photos unlike the training set",
            Qt.ItemDataRole.ToolTipRole,
        )
        for index, name in enumerate(BACKENDS, start=1):
            self.backend_combo.addItem(BACKEND_TITLES.get(name, name), name)
            self.backend_combo.setItemData(index, BACKENDS[name].description, Qt.ItemDataRole.ToolTipRole)
        fit_popup_to_items(self.backend_combo)
        self.format_combo = QComboBox()
        self.format_combo.addItems(OUTPUT_FORMATS)
        self.format_combo.setToolTip("jpg, png and webp are 8-bit; tif is a 16-bit master")
        self.sidecar_check = QCheckBox("Use sidecar hints (<name>.hints.json beside a photo)")
        self.sidecar_check.setToolTip("Only backends that take local hints use them")
        self.recursive_check = QCheckBox("Include sub-folders")
        self.overwrite_check = QCheckBox("Replace existing outputs (otherwise they are skipped)")
        self.restore_check = QCheckBox("Restore each photo first (grain, dust, scratches, fading)")
        self.restore_tone, self.restore_strength = restore_combos()
        form = QFormLayout()
        form.addRow("Input folder", self._folder_row(self.input_edit, "Choose the folder of photos"))
        form.addRow("Output folder", self._folder_row(self.output_edit, "Choose the output folder"))
        form.addRow("Backend", self.backend_combo)
        form.addRow("Format", self.format_combo)
        form.addRow(self.sidecar_check)
        form.addRow(self.recursive_check)
        form.addRow(self.overwrite_check)
        form.addRow(self.restore_check)
        form.addRow("Restore tone", self.restore_tone)
        form.addRow("Restore strength", self.restore_strength)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel("Choose the folders, then Start.")
        self.status.setWordWrap(True)
        self.notice = QLabel()  # a warning about the run as a whole (untrained weights)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #b06000;")
        self.notice.hide()
        self.errors = QListWidget()
        self.errors.setToolTip("Photos that could not be colourized, and why")
        self.errors.setWordWrap(True)  # long reasons wrap instead of scrolling sideways
        self.errors.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.errors.setResizeMode(QListView.ResizeMode.Adjust)
        self.errors.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.setToolTip("Stop after the photo in progress; Start again resumes")
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.notice)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(QLabel("Errors"))
        layout.addWidget(self.errors, 1)
        layout.addWidget(buttons)
        self.resize(520, 460)

    def _browse(self, edit: QLineEdit, title: str) -> None:
        folder = QFileDialog.getExistingDirectory(self, title, edit.text())
        if folder:
            edit.setText(folder)

    def _on_input_changed(self, text: str) -> None:
        """A new input folder: the output follows it, unless the user chose an output of their own."""
        old, new = self._input_shown, text.strip()
        self._input_shown = new
        output = self.output_edit.text().strip()
        if not new or not old:
            return
        derived = {str(Path(old) / OUTPUT_SUBFOLDER): str(Path(new) / OUTPUT_SUBFOLDER), str(Path(old)): str(Path(new))}
        if output in derived:
            self.output_edit.setText(derived[output])

    # -- settings ------------------------------------------------------------------------------

    def _load_settings(self, backend_name: str) -> None:
        get = self._setting
        self.input_edit.setText(get("input_dir", ""))
        self.output_edit.setText(get("output_dir", ""))
        backend = get("backend", backend_name)
        name = backend if backend in BACKENDS or backend == AUTO else backend_name
        self.backend_combo.setCurrentIndex(max(0, self.backend_combo.findData(name)))
        fmt = get("format", "jpg")
        self.format_combo.setCurrentText(fmt if fmt in OUTPUT_FORMATS else "jpg")
        self.sidecar_check.setChecked(get("sidecar", True, bool))
        self.recursive_check.setChecked(get("recursive", False, bool))
        self.overwrite_check.setChecked(get("overwrite", False, bool))
        self.restore_check.setChecked(get("restore", False, bool))
        for combo, key in ((self.restore_tone, "restore_tone"), (self.restore_strength, "restore_strength")):
            index = combo.findData(get(key, combo.currentData()))
            combo.setCurrentIndex(index if index >= 0 else combo.currentIndex())

    def _setting(self, key: str, default, kind=str):
        if self.settings is None:
            return default
        return self.settings.value(f"batch/{key}", default, type=kind)

    def _save_settings(self) -> None:
        if self.settings is None:
            return
        values = (
            self.input_edit.text(),
            self.output_edit.text(),
            self.backend_name(),
            self.format_combo.currentText(),
            self.sidecar_check.isChecked(),
            self.recursive_check.isChecked(),
            self.overwrite_check.isChecked(),
            self.restore_check.isChecked(),
            self.restore_tone.currentData(),
            self.restore_strength.currentData(),
        )
        for key, value in zip(KEYS, values, strict=True):
            self.settings.setValue(f"batch/{key}", value)
        self.settings.sync()

    # -- running -------------------------------------------------------------------------------

    def backend_name(self) -> str:
        """The chosen backend's name (as `create_backend` knows it)."""
        return str(self.backend_combo.currentData())

    def set_backend_name(self, name: str) -> None:
        """Choose the backend called `name`."""
        self.backend_combo.setCurrentIndex(self.backend_combo.findData(name))

    def is_running(self) -> bool:
        """True while a batch runs in the background."""
        return self._thread is not None

    def job(self) -> BatchJob:
        """The job described by the dialog's fields."""
        return BatchJob(
            input_dir=Path(self.input_edit.text().strip()),
            output_dir=Path(self.output_edit.text().strip()),
            format=self.format_combo.currentText(),
            recursive=self.recursive_check.isChecked(),
            overwrite=self.overwrite_check.isChecked(),
            working_size=self.working_size,
            use_sidecar_hints=self.sidecar_check.isChecked(),
            restore=RestoreOptions(tone=self.restore_tone.currentData(), strength=self.restore_strength.currentData())
            if self.restore_check.isChecked()
            else None,
        )

    def start(self) -> bool:
        """Start (or resume) the batch in the background; False when the fields are not valid."""
        if self.is_running():
            return False
        input_text, output_text = self.input_edit.text().strip(), self.output_edit.text().strip()
        if not input_text or not Path(input_text).is_dir():
            self._set_status(f"No such input folder: {input_text or '(none)'}", error=True)
            return False
        if not output_text:
            self._set_status("Choose an output folder.", error=True)
            return False
        self._save_settings()
        self.errors.clear()
        self.notice.hide()
        self.progress.setRange(0, 0)  # busy until the first photo is done (opening the backend)
        opening = "backends" if self.backend_name() == AUTO else f"{self.backend_combo.currentText()} backend"
        self._set_status(f"Opening the {opening}…")
        if self.job().beside_inputs:
            self._on_notice(
                f"The output folder is the input folder: each result is written beside its photo "
                f"as <name>{BESIDE_MARK}.{self.format_combo.currentText()}."
            )
        self._cancel = threading.Event()
        self._thread = QThread(self)
        self._worker = _BatchWorker(self.job(), self.backend_name(), self.backend_factory, self._cancel)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self._on_progress)
        self._worker.notice.connect(self._on_notice)
        self._worker.finished.connect(self._on_finished)
        self._set_running(True)
        self._thread.start()
        return True

    def cancel(self) -> None:
        """Stop after the photo in progress (outputs so far are kept; Start again resumes)."""
        if self.is_running():
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self._set_status("Cancelling after the current photo…")

    def shutdown(self) -> None:
        """Cancel a running batch and block until the photo in progress is done (for app exit).

        Called on `QApplication.aboutToQuit`; a window that deletes the dialog earlier should
        call it first, since a QThread must not be destroyed while it runs.
        """
        thread = self._thread
        if thread is None:
            return
        self._cancel.set()
        thread.quit()  # the worker's loop ends as soon as `run` returns
        thread.wait()

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in (
            self.input_edit,
            self.output_edit,
            self.backend_combo,
            self.format_combo,
            self.sidecar_check,
            self.recursive_check,
            self.overwrite_check,
            self.restore_check,
            self.restore_tone,
            self.restore_strength,
        ):
            widget.setEnabled(not running)

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #d03030;" if error else "")

    @Slot(str)
    def _on_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()

    @Slot(int, int, str, str, str)
    def _on_progress(self, done: int, total: int, photo: str, status: str, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if status == "failed":
            item = QListWidgetItem(f"{Path(photo).name}: {message}")
            item.setToolTip(photo)
            self.errors.addItem(item)
        if not self._cancel.is_set():
            self._set_status(f"{done} / {total}: {Path(photo).name} ({status})")

    @Slot(object, str)
    def _on_finished(self, report: BatchReport | None, error: str) -> None:
        thread, self._thread, self._worker = self._thread, None, None
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        self._set_running(False)
        self.last_report = report
        if report is None:
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self._set_status(error, error=True)
        else:
            if report.total == 0:
                self.progress.setRange(0, 1)
            ending = "Cancelled: " if report.cancelled else "Finished: "
            self._set_status(ending + report.summary() + (". Start again to resume." if report.cancelled else "."))
            self.start_button.setText("Start again")
        self.batchFinished.emit(report)
        if self._close_when_done:
            self._close_when_done = False
            super().reject()

    def reject(self) -> None:
        """Close; a running batch is cancelled first and the dialog closes when it stops."""
        if self.is_running():
            self._close_when_done = True
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.is_running():
            self._close_when_done = True
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)
