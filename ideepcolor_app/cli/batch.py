"""`ideepcolor batch IN_DIR OUT_DIR`: colourize a folder, resumable, past bad files.

A thin wrapper over `engine.batch` (which the GUI's batch dialog uses too): options, a tqdm
progress bar fed by the engine's progress callback, a log line per photo naming the backend
that colourized it, and the summary with counts per backend (`--report` writes it as JSON).
Without --backend each photo gets the automatic default (`engine.backend_choice`). Ctrl+C ends
with the summary of what finished and exit status 130.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

from tqdm import tqdm

from ideepcolor_app.atomic import atomic_write_bytes
from ideepcolor_app.cli.common import USER_ERRORS, add_backend_options, add_quality_option, fail, open_named_backend
from ideepcolor_app.cli.restore import add_restore_switch, restore_from_args
from ideepcolor_app.cli.text import say, shown
from ideepcolor_app.engine.backend_choice import HINTS_BACKEND, BackendChoice, best_automatic
from ideepcolor_app.engine.batch import (
    BESIDE_MARK,
    OUTPUT_FORMATS,
    BatchJob,
    BatchOutcome,
    BatchReport,
    configure_batch_threads,
    run_batch,
)
from ideepcolor_app.engine.export import SIDECAR_SUFFIX
from ideepcolor_app.engine.shard import Shard


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "batch",
        help="colourize every photo in a folder",
        description=(
            "Colourize every photo in IN_DIR into OUT_DIR, keeping relative paths and stems. "
            f"Without --backend, a photo with a sidecar <stem>{SIDECAR_SUFFIX} is colourized with "
            "the hints backend and its hints, any other with the automatic option (hints with no points "
            "included) that scores best on the new held-out sources (metrics.new_held_out of the model "
            "cards: the best PSNR among those within the targets for colourfulness, false colour and "
            "gain over grey, or the best PSNR when none is); the log says which and why, names the "
            "backend of each photo and the summary counts them. Outputs that "
            "already exist are skipped (an interrupted run resumes) unless --overwrite is given. "
            "Photos that would share an output name keep their suffix in it (photo_png.jpg). "
            f"When OUT_DIR is IN_DIR, each result goes beside its photo as <name>{BESIDE_MARK}.<format> "
            "(photo.colour.jpg), and those files are skipped as inputs on the next run."
        ),
    )
    parser.add_argument("input_dir", type=Path, metavar="IN_DIR")
    parser.add_argument("output_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--recursive", action="store_true", help="also colourize photos in sub-folders")
    parser.add_argument(
        "--format",
        choices=OUTPUT_FORMATS,
        default="jpg",
        help="output format: jpg, png, webp (8-bit; webp at --quality 100 is lossless) or tif (16-bit) (default: jpg)",
    )
    parser.add_argument("--overwrite", action="store_true", help="replace outputs that already exist")
    parser.add_argument(
        "--shard",
        type=shard_spec,
        metavar="K/N",
        help="do only the K-th of N deterministic parts of the folder (1 <= K <= N), "
        "so N workers can share it, e.g. a job array",
    )
    parser.add_argument(
        "--report",
        type=json_file,
        metavar="FILE.json",
        help="also write the report as JSON: counts per backend and each photo's status, output and backend",
    )
    add_quality_option(parser)
    add_backend_options(
        parser,
        default=None,
        default_help=f"automatic per photo: {HINTS_BACKEND} where a sidecar exists, "
        "else the best automatic option on the new held-out sources",
    )
    add_restore_switch(parser)
    parser.set_defaults(run=run)


def shard_spec(text: str) -> Shard:
    """argparse type for --shard: a clear usage error instead of a traceback."""
    try:
        return Shard.parse(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def json_file(text: str) -> Path:
    """argparse type for --report: a .json path, so a slip never writes over a photo."""
    path = Path(text)
    if path.suffix.lower() != ".json":
        raise argparse.ArgumentTypeError(f"the report must be a .json file, got {shown(text)}")
    return path


def job_from_args(args: argparse.Namespace) -> BatchJob:
    return BatchJob(
        input_dir=args.input_dir,
        output_dir=args.output_dir,
        format=args.format,
        recursive=args.recursive,
        overwrite=args.overwrite,
        quality=args.quality,
        working_size=args.size,
        shard=args.shard,
        restore=restore_from_args(args),
    )


def run_with_progress_bar(job: BatchJob, backend: BackendChoice) -> BatchReport:
    """Run the batch with a tqdm bar on stderr; a line per photo colourized or failed above it."""
    bar = tqdm(total=len(job.plan()), desc="colourizing", unit="photo", file=sys.stderr, disable=None)
    input_dir = Path(job.input_dir).resolve()

    def on_progress(done: int, total: int, photo: Path, outcome: BatchOutcome) -> None:
        name = photo.relative_to(input_dir) if photo.is_relative_to(input_dir) else photo
        if outcome.status == "failed":
            tqdm.write(shown(f"ideepcolor: failed: {name}: {outcome.message}"), file=sys.stderr)
        elif outcome.status == "done":
            hints = f" and {outcome.sidecar.name}" if outcome.sidecar is not None else ""
            tqdm.write(shown(f"colourized {name} with {outcome.backend}{hints}"), file=sys.stdout)
        bar.update(1)

    with bar:
        return run_batch(job, backend, on_progress=on_progress)


def print_report(report: BatchReport) -> None:
    say(report.summary())
    for photo, destination in report.renamed:
        say(f"  renamed: {photo} -> {destination.name} (another photo has the same name)")
    for photo, reason in report.failed:
        say(f"  failed: {photo}: {reason}")
    if report.interrupted:
        say("interrupted: the photo in progress was not written; run the same command again to resume", sys.stderr)


def choose_backends(args: argparse.Namespace) -> BackendChoice:
    """--backend forces one backend (opened now); without it, the automatic default (lazy)."""
    if args.backend is not None:
        return BackendChoice.fixed(open_named_backend(args.backend, args.weights, args.device))
    if args.weights is not None:
        raise ValueError("--weights needs --backend (which backend the weights are for)")
    pick = best_automatic()
    choice = BackendChoice.auto(factory=partial(open_named_backend, device=args.device), automatic=pick)
    others = f"{pick.name} without points" if pick.name == HINTS_BACKEND else pick.name
    say(
        f"automatic backend per photo: {HINTS_BACKEND} for photos with a sidecar {SIDECAR_SUFFIX}, "
        f"{others} for the others"
    )
    say(f"  why: {pick.reason}")
    if pick.figures:
        say(f"  figures: {pick.figures}")
    return choice


def run(args: argparse.Namespace) -> int:
    job = job_from_args(args)
    try:
        job.check()  # options and the output folder, before the backend loads
        configure_batch_threads(restore=job.restore is not None)
        backends = choose_backends(args)
    except USER_ERRORS as err:
        return fail(err)
    if job.beside_inputs:
        say(
            f"the output folder is the input folder: each result is written beside its photo as "
            f"<name>{BESIDE_MARK}.{job.format} (earlier ones are skipped as inputs)"
        )
    report = run_with_progress_bar(job, backends)
    print_report(report)
    if args.report is not None:
        try:
            atomic_write_bytes(args.report, report.to_json().encode("utf-8"))
        except OSError as err:
            fail(f"cannot write the report {args.report}: {err.strerror or err}")
            return 1
    if report.interrupted:
        return 130
    return 1 if report.failed else 0
