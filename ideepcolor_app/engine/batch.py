"""Colourize a folder of photos: the engine behind `ideepcolor batch` and the GUI's batch dialog.

Rules (the same for every front end):

- Photos are found by suffix, in a stable (sorted) order; hidden files and folders are skipped.
- An output folder inside the input folder is never searched, so earlier outputs are not
  colourized again on the next run.
- Each output keeps the photo's relative path and stem, with the suffix of the chosen format.
- An output that would replace its own input photo is refused (reported as a failure).
- An output that already exists is skipped unless `overwrite` is set: an interrupted or
  cancelled run resumes where it stopped.
- A sidecar ``<stem>.hints.json`` beside a photo supplies its hints, but only for a backend that
  uses local hints (and only when `use_sidecar_hints` is on).
- One bad photo is reported and the batch goes on.

No Qt, no progress bar: front ends pass `on_progress` and `should_cancel` callables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal

from ideepcolor_app.engine.backends import Backend, UnknownBackendError
from ideepcolor_app.engine.export import colorize_file, sidecar_hints_path
from ideepcolor_app.engine.session import DEFAULT_WORKING_SIZE, HintsMismatchError
from ideepcolor_app.engine.weights import WeightsError
from ideepcolor_app.hints import HintsError, HintsFileError
from ideepcolor_app.imageio import ImageReadError, ImageWriteError, output_suffix_for

__all__ = [
    "EXPECTED_ERRORS",
    "OUTPUT_FORMATS",
    "PHOTO_SUFFIXES",
    "BatchItem",
    "BatchJob",
    "BatchOutcome",
    "BatchReport",
    "describe_error",
    "find_photos",
    "run_batch",
]

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp", ".gif"}
OUTPUT_FORMATS = ("jpg", "png", "tif")
REPLACES_INPUT = "the output would replace the input photo; choose another output folder or format"

# Errors caused by the user's files, described in one line without the exception type.
EXPECTED_ERRORS = (
    ImageReadError,
    ImageWriteError,
    HintsFileError,
    HintsError,
    HintsMismatchError,
    WeightsError,
    UnknownBackendError,
    FileNotFoundError,
    IsADirectoryError,
    PermissionError,
    ValueError,
)

Status = Literal["done", "skipped", "failed"]


def describe_error(err: BaseException) -> str:
    """One line for a report: the message alone for expected errors, else type and message."""
    return str(err) if isinstance(err, EXPECTED_ERRORS) else f"{type(err).__name__}: {err}"


def find_photos(input_dir: Path, recursive: bool, exclude: Path | None = None) -> list[Path]:
    """Photos under `input_dir` in a stable order, skipping hidden files and `exclude`'s tree.

    `exclude` is the output folder: when it lies inside the input folder, earlier outputs must
    not be colourized again on the next run.
    """
    if exclude == input_dir:
        exclude = None
    pattern = "**/*" if recursive else "*"
    photos = []
    for path in sorted(input_dir.glob(pattern)):
        relative = path.relative_to(input_dir)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if exclude is not None and exclude in path.parents:
            continue
        if path.suffix.lower() in PHOTO_SUFFIXES:
            photos.append(path)
    return photos


@dataclass(frozen=True)
class BatchItem:
    """One photo of a batch: where its output goes and which sidecar hints file it would use."""

    photo: Path
    destination: Path
    sidecar: Path | None


@dataclass(frozen=True)
class BatchOutcome:
    """What happened to one photo: status "done", "skipped" (output exists) or "failed"."""

    status: Status
    message: str = ""


@dataclass
class BatchReport:
    """Photos colourized, skipped (output existed) and failed (with a reason), in run order."""

    done: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    cancelled: bool = False
    total: int = 0

    def summary(self) -> str:
        """The one-line summary the command line prints."""
        return (
            f"{len(self.done)} colourized, {len(self.skipped)} skipped (output exists), "
            f"{len(self.failed)} failed"
        )


@dataclass(frozen=True)
class BatchJob:
    """What to colourize and how. Paths are resolved when the job is planned."""

    input_dir: Path
    output_dir: Path
    format: str = "jpg"
    recursive: bool = False
    overwrite: bool = False
    quality: int = 95
    working_size: int = DEFAULT_WORKING_SIZE
    use_sidecar_hints: bool = True

    def plan(self) -> list[BatchItem]:
        """List the photos with their destinations and sidecar files (existing ones only).

        Raises:
            FileNotFoundError: the input folder does not exist.
            ValueError: unknown output format.
        """
        input_dir, output_dir = Path(self.input_dir).resolve(), Path(self.output_dir).resolve()
        if not input_dir.is_dir():
            raise FileNotFoundError(f"no such folder: {self.input_dir}")
        suffix = output_suffix_for(self.format)
        items = []
        for photo in find_photos(input_dir, self.recursive, exclude=output_dir):
            destination = (output_dir / photo.relative_to(input_dir)).with_suffix(suffix)
            sidecar = sidecar_hints_path(photo)
            items.append(BatchItem(photo, destination, sidecar if sidecar.is_file() else None))
        return items


ProgressCallback = Callable[[int, int, Path, BatchOutcome], None]


def _process(item: BatchItem, job: BatchJob, backend: Backend) -> BatchOutcome:
    if item.destination == item.photo:
        return BatchOutcome("failed", REPLACES_INPUT)
    if item.destination.exists() and not job.overwrite:
        return BatchOutcome("skipped")
    use_hints = job.use_sidecar_hints and backend.uses_local_hints and item.sidecar is not None
    try:
        colorize_file(
            item.photo, item.destination, backend,
            hints=item.sidecar if use_hints else None,
            working_size=job.working_size, quality=job.quality,
        )
    except Exception as err:  # noqa: BLE001 - one bad photo must not stop the batch
        return BatchOutcome("failed", describe_error(err))
    return BatchOutcome("done")


def run_batch(
    job: BatchJob,
    backend: Backend,
    on_progress: ProgressCallback | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> BatchReport:
    """Colourize every photo of `job` with `backend`, going past bad files.

    Args:
        job: the folders and options.
        backend: an open backend (see `engine.backends.create_backend`).
        on_progress: called after each photo with (photos handled so far, total, photo,
            outcome); it runs on the calling thread.
        should_cancel: checked before each photo; when it returns True the run stops there
            (the photo in progress is always finished, so a later run resumes cleanly).

    Returns:
        The report; `cancelled` tells whether the run stopped early.

    Raises:
        FileNotFoundError: the input folder does not exist.
    """
    items = job.plan()
    report = BatchReport(total=len(items))
    for index, item in enumerate(items):
        if should_cancel is not None and should_cancel():
            report.cancelled = True
            break
        outcome = _process(item, job, backend)
        if outcome.status == "done":
            report.done.append(item.photo)
        elif outcome.status == "skipped":
            report.skipped.append(item.photo)
        else:
            report.failed.append((item.photo, outcome.message))
        if on_progress is not None:
            on_progress(index + 1, len(items), item.photo, outcome)
    return report
