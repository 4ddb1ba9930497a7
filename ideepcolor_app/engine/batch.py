"""Colourize a folder of photos: the engine behind `ideepcolor batch` and the GUI's batch dialog.

Rules (the same for every front end):

- Photos are found by suffix, in a stable (sorted) order; hidden files and folders are skipped.
- An output folder inside the input folder is never searched, and images in the output folder
  that this app wrote (`imageio.verify.is_our_output`) are never inputs, so earlier outputs
  are not colourized again on the next run.
- Each output keeps the photo's relative path and stem, with the suffix of the chosen format.
  When the output folder is the input folder, each result goes beside its photo as
  ``<stem>.colour<suffix>`` (`BESIDE_MARK`), so that a JPEG never replaces its own photo; those
  files are recognised as outputs on the next run (by their Software tag, or by their name
  beside a photo of the same stem) and skipped as inputs, so a rerun resumes.
  Photos whose outputs would share a name (``photo.jpg``, ``photo.JPG``, ``photo.png``) each
  get their own: the original suffix joins the stem (``photo_JPG.jpg``); see `assign_outputs`.
- An output that would replace its own input photo is refused (reported as a failure).
- An output that already exists and decodes in full is skipped unless `overwrite` is set: an
  interrupted or cancelled run resumes where it stopped. One that does not decode (cut short
  by a full disk or a crash of another program) is made again.
- The options and the output folder are checked before the first photo (`BatchJob.check`).
- With `restore`, each photo is restored first (`ideepcolor_app.restore`), its damage mask
  corrected by the damage strokes of its sidecar (whatever the backend); resuming is the same.
- Which backend colourizes a photo is a `BackendChoice`: by default a photo with a sidecar
  ``<stem>.hints.json`` gets `hints` with those hints and any other the automatic backend that
  scores best on held-out sources; a forced backend takes every photo (and a sidecar's hints
  only if it uses local hints). Sidecars count only when `use_sidecar_hints` is on. The
  report counts the photos each backend colourized.
- Photos overlap (`prefetch`): the next one is read and converted to L on one thread while the
  network and composition run on the calling thread, and the previous one is encoded and
  written on a third; outputs, their contents and the order of reports are those of one photo
  at a time.
- One bad photo is reported and the batch goes on. Ctrl+C stops after cleaning up the photo in
  progress (the report says what finished); temporaries left by a killed earlier run are removed.

No Qt, no progress bar: front ends pass `on_progress` and `should_cancel` callables.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np

from ideepcolor_app.atomic import check_writable, remove_stale_temporaries
from ideepcolor_app.engine.backend_choice import BackendChoice
from ideepcolor_app.engine.backends import Backend, UnknownBackendError
from ideepcolor_app.engine.batch_report import BatchItem, BatchOutcome, BatchReport
from ideepcolor_app.engine.device import configure_threads, free_cores
from ideepcolor_app.engine.export import (
    LoadedPhoto,
    check_options,
    colorize_loaded,
    load_photo,
    output_bit_depth,
    sidecar_hints_path,
)
from ideepcolor_app.engine.session import DEFAULT_WORKING_SIZE, HintsMismatchError
from ideepcolor_app.engine.shard import Shard
from ideepcolor_app.engine.weights import WeightsError
from ideepcolor_app.hints import HintsError, HintsFileError
from ideepcolor_app.imageio import ImageReadError, ImageWriteError, output_suffix_for, write_image
from ideepcolor_app.imageio.verify import is_our_output, is_whole_image
from ideepcolor_app.restore import RestoreOptions

__all__ = [
    "EXPECTED_ERRORS",
    "OUTPUT_FORMATS",
    "PHOTO_SUFFIXES",
    "BatchItem",
    "BatchJob",
    "BatchOutcome",
    "BatchReport",
    "BESIDE_MARK",
    "BackendChoice",
    "assign_outputs",
    "configure_batch_threads",
    "describe_error",
    "find_photos",
    "run_batch",
    "writes_beside_inputs",
]

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp", ".gif"}
OUTPUT_FORMATS = ("jpg", "png", "webp", "tif")
#: What joins the stem of a result written beside its photo (output folder = input folder).
BESIDE_MARK = ".colour"
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
    OSError,
    ValueError,
)


def describe_error(err: BaseException) -> str:
    """One line for a report: the message alone for expected errors, else type and message."""
    return str(err) if isinstance(err, EXPECTED_ERRORS) else f"{type(err).__name__}: {err}"


def find_photos(input_dir: Path, recursive: bool, exclude: Path | None = None) -> list[Path]:
    """Photos under `input_dir` in a stable order, skipping hidden files and `exclude`'s tree.

    `exclude` is the output folder: when it lies inside the input folder, earlier outputs must
    not be colourized again on the next run; when it is the input folder, the images in it
    that this app wrote are skipped.
    """
    output_dir = exclude
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
        if path.suffix.lower() not in PHOTO_SUFFIXES:
            continue
        if output_dir is not None and output_dir in path.parents and (is_our_output(path) or _beside_output(path)):
            continue
        photos.append(path)
    return photos


def _beside_output(path: Path) -> bool:
    """A `<stem>.colour.<ext>` next to a photo `<stem>.*`: a result written beside its photo
    (recognised by name too, in case another program re-saved it without our Software tag)."""
    if not path.stem.endswith(BESIDE_MARK):
        return False
    stem = path.stem[: -len(BESIDE_MARK)]
    return any(path.with_name(stem + suffix).is_file() for suffix in PHOTO_SUFFIXES)


def writes_beside_inputs(input_dir: Path, output_dir: Path) -> bool:
    """Whether results go beside their photos (`BESIDE_MARK`): the output folder is the input folder."""
    return Path(input_dir).resolve() == Path(output_dir).resolve()


def assign_outputs(
    photos: list[Path], input_dir: Path, output_dir: Path, suffix: str, mark: str = ""
) -> list[tuple[Path, bool]]:
    """Give each photo its own output path: (destination, renamed) in the order of `photos`.

    The output is ``<output_dir>/<relative folder>/<stem><mark><suffix>`` (`mark` is
    `BESIDE_MARK` when results go beside their photos, else empty). Photos whose outputs
    would be the same file (compared case-insensitively, as on macOS and Windows) all get
    their original suffix in the stem instead, and a clash that remains (a case-only one) adds
    ``_2``, ``_3``: ``photo.JPG``, ``photo.jpg``, ``photo.png`` (sorted) -> ``photo_JPG.jpg``,
    ``photo_jpg_2.jpg``, ``photo_png.jpg``. `photos` comes sorted, so a rerun over the
    same photos gives the same names.
    """
    plain = [(output_dir / p.relative_to(input_dir)).with_name(p.stem + mark + suffix) for p in photos]
    groups = Counter(str(path).casefold() for path in plain)
    taken = set(groups)
    assigned = []
    for photo, path in zip(photos, plain, strict=True):
        if groups[str(path).casefold()] == 1:
            assigned.append((path, False))
            continue
        stem = f"{photo.stem}_{photo.suffix.lstrip('.')}{mark}"
        candidate, count = path.with_name(stem + suffix), 1
        while str(candidate).casefold() in taken:
            count += 1
            candidate = path.with_name(f"{stem}_{count}{suffix}")
        taken.add(str(candidate).casefold())
        assigned.append((candidate, True))
    return assigned


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
    shard: Shard | None = None
    restore: RestoreOptions | None = None

    @property
    def beside_inputs(self) -> bool:
        """True when the output folder is the input folder: results go beside their photos
        as ``<stem>.colour.<ext>``."""
        return writes_beside_inputs(self.input_dir, self.output_dir)

    def plan(self) -> list[BatchItem]:
        """List the photos with their destinations and sidecar files (existing ones only);
        with a `shard`, only that shard's photos (named as in a run over the whole folder).

        Raises:
            FileNotFoundError: the input folder does not exist.
            ValueError: unknown output format.
        """
        input_dir, output_dir = Path(self.input_dir).resolve(), Path(self.output_dir).resolve()
        if not input_dir.is_dir():
            raise FileNotFoundError(f"no such folder: {self.input_dir}")
        suffix = output_suffix_for(self.format)
        photos = find_photos(input_dir, self.recursive, exclude=output_dir)
        items = []
        mark = BESIDE_MARK if self.beside_inputs else ""
        outputs = assign_outputs(photos, input_dir, output_dir, suffix, mark)
        for photo, (destination, renamed) in zip(photos, outputs, strict=True):
            if self.shard is not None and not self.shard.holds(photo.relative_to(input_dir)):
                continue
            sidecar = sidecar_hints_path(photo)
            items.append(BatchItem(photo, destination, sidecar if sidecar.is_file() else None, renamed))
        return items

    def check(self) -> None:
        """Check the options and that the output folder takes files, before any photo is done.

        Raises:
            FileNotFoundError: the input folder does not exist.
            ValueError: unknown format, quality outside 1-100, or a working size out of range.
            OSError: the output folder cannot be created or written (PermissionError if read-only).
        """
        if not Path(self.input_dir).is_dir():
            raise FileNotFoundError(f"no such folder: {self.input_dir}")
        output_suffix_for(self.format)
        check_options(working_size=self.working_size, quality=self.quality)
        try:
            check_writable(self.output_dir)
        except OSError as err:
            raise type(err)(f"cannot write into the output folder {self.output_dir}: {err.strerror or err}") from None


ProgressCallback = Callable[[int, int, Path, BatchOutcome], None]


def configure_batch_threads(restore: bool = False) -> int:
    """Set torch's threads (and OpenCV's, for `restore`) for a prefetching batch; return the count.

    Reading and writing run on threads of their own beside the network, so the network gets
    half the free cores (one on two cores): an OpenMP team whose threads share cores with
    them, or with another program, waits for its slowest thread at every parallel region
    (two torch threads beside one busy process ran a 12 MP batch 4-5x slower than one).
    $IDEEPCOLOR_THREADS overrides.
    """
    threads = configure_threads(free_cores() / 2)
    if restore:
        import cv2  # only restoration uses OpenCV

        cv2.setNumThreads(threads)
    return threads


@dataclass(frozen=True, eq=False)
class _Read:
    """A photo after the reading stage: loaded, or already settled (skipped or failed)."""

    backend: str
    loaded: LoadedPhoto | None = None
    outcome: BatchOutcome | None = None
    sidecar: Path | None = None


def _read(item: BatchItem, job: BatchJob, choice: BackendChoice) -> _Read:
    """Reading stage: refuse, skip, or read the photo and its hints for the chosen backend."""
    if item.destination == item.photo:
        return _Read("", outcome=BatchOutcome("failed", REPLACES_INPUT))
    if item.destination.exists() and not job.overwrite and is_whole_image(item.destination):
        return _Read("", outcome=BatchOutcome("skipped"))
    has_hints = job.use_sidecar_hints and item.sidecar is not None
    name = choice.name_for(has_hints)
    hints = item.sidecar if has_hints and choice.uses_local_hints(name) else None
    # With restore, the sidecar's damage strokes count for every backend (read once if both use it).
    damage = item.sidecar if has_hints and job.restore is not None and hints is None else None
    try:
        loaded = load_photo(
            item.photo, hints=hints, working_size=job.working_size, restore=job.restore, damage_hints=damage
        )
    except Exception as err:  # noqa: BLE001 - one bad photo must not stop the batch
        return _Read(name, outcome=BatchOutcome("failed", describe_error(err), name))
    return _Read(name, loaded=loaded, sidecar=hints)


def _compute(read: _Read, item: BatchItem, job: BatchJob, choice: BackendChoice) -> np.ndarray | BatchOutcome:
    """Network stage: the composed sRGB array, or the outcome of a photo that failed here."""
    assert read.loaded is not None  # a read without an outcome has its photo
    try:
        return colorize_loaded(
            read.loaded,
            choice.backend(read.backend),
            working_size=job.working_size,
            bit_depth=output_bit_depth(item.destination),
        )
    except Exception as err:  # noqa: BLE001
        return BatchOutcome("failed", describe_error(err), read.backend)


def _write(rgb: np.ndarray, item: BatchItem, read: _Read, job: BatchJob) -> BatchOutcome:
    """Writing stage: encode and write atomically (never over the photo)."""
    assert read.loaded is not None  # only a computed photo is written
    try:
        write_image(item.destination, rgb, quality=job.quality, exif=read.loaded.exif, protect=[item.photo])
    except Exception as err:  # noqa: BLE001
        return BatchOutcome("failed", describe_error(err), read.backend)
    return BatchOutcome("done", backend=read.backend, sidecar=read.sidecar)


_T = TypeVar("_T")


class _Submitter(Protocol):
    """What a batch stage runs its tasks on: a one-thread pool, or `_Inline`."""

    def submit(self, fn: Callable[..., _T], /, *args: Any) -> Future[_T]: ...


class _Inline:
    """An executor that runs each task at once on the calling thread (no prefetch)."""

    def submit(self, fn: Callable[..., _T], *args: Any) -> Future[_T]:
        future: Future[_T] = Future()
        try:
            future.set_result(fn(*args))
        except Exception as err:  # noqa: BLE001 - kept in the future, as a thread pool does
            future.set_exception(err)
        return future


@contextlib.contextmanager
def _stage(prefetch: bool, name: str) -> Iterator[_Submitter]:
    if not prefetch:
        yield _Inline()
        return
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"batch-{name}")
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_batch(
    job: BatchJob,
    backend: Backend | BackendChoice,
    on_progress: ProgressCallback | None = None,
    should_cancel: Callable[[], bool] | None = None,
    prefetch: bool = True,
) -> BatchReport:
    """Colourize every photo of `job`, going past bad files.

    Args:
        job: the folders and options.
        backend: an open backend for every photo, or a `BackendChoice` (e.g. the automatic
            default, `BackendChoice.auto()`), which opens each backend once, when first needed.
        on_progress: called after each photo with (photos handled so far, total, photo,
            outcome); it runs on the calling thread, in the order of the photos.
        should_cancel: checked before each photo; when it returns True the run stops there
            (the photo in progress is always finished, so a later run resumes cleanly).
        prefetch: overlap reading, the network and writing of consecutive photos on three
            threads (same outputs and reports as one photo at a time).

    Returns:
        The report; `cancelled` tells whether the run stopped early, `interrupted` whether
        Ctrl+C stopped it (the photo in progress is then not written, and no temporary file
        is left).

    Raises:
        FileNotFoundError, ValueError, OSError: see `BatchJob.check`, raised before any photo.
    """
    job.check()
    items = job.plan()
    remove_stale_temporaries(job.output_dir, recursive=True)
    choice = backend if isinstance(backend, BackendChoice) else BackendChoice.fixed(backend)
    report = BatchReport(total=len(items), automatic=choice.automatic)
    report.renamed = [(item.photo, item.destination) for item in items if item.renamed]
    try:
        _run_items(items, job, choice, report, on_progress, should_cancel, prefetch)
    except KeyboardInterrupt:
        report.interrupted = True
    return report


def _run_items(
    items: list[BatchItem],
    job: BatchJob,
    choice: BackendChoice,
    report: BatchReport,
    on_progress: ProgressCallback | None,
    should_cancel: Callable[[], bool] | None,
    prefetch: bool,
) -> None:
    """Photo i is read while photo i-1 is computed and photo i-2 written; outcomes in order."""

    def settle(item: BatchItem, outcome: BatchOutcome) -> None:
        report.record(item, outcome)
        if on_progress is not None:
            on_progress(len(report.outcomes), len(items), item.photo, outcome)

    writing: tuple[BatchItem, Future[BatchOutcome]] | None = None

    def finish_writing() -> None:
        nonlocal writing
        if writing is not None:
            (item, future), writing = writing, None
            settle(item, future.result())

    with _stage(prefetch, "read") as reader, _stage(prefetch, "write") as writer:
        try:
            reading = reader.submit(_read, items[0], job, choice) if items else None
            for index, item in enumerate(items):
                if should_cancel is not None and should_cancel():
                    report.cancelled = True
                    break
                assert reading is not None  # submitted for every item
                read = reading.result()
                reading = reader.submit(_read, items[index + 1], job, choice) if index + 1 < len(items) else None
                result = read.outcome or _compute(read, item, job, choice)
                finish_writing()  # the previous photo, written while this one was computed
                if isinstance(result, BatchOutcome):
                    settle(item, result)
                else:
                    writing = (item, writer.submit(_write, result, item, read, job))
        finally:
            finish_writing()  # the photo in progress is always finished (Ctrl+C too)
