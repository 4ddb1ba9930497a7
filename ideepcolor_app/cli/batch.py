"""`ideepcolor batch IN_DIR OUT_DIR`: colourize a folder, resumable, past bad files.

A thin wrapper over `engine.batch` (which the GUI's batch dialog uses too): options, a tqdm
progress bar fed by the engine's progress callback, and the summary. Ctrl+C ends with the
summary of what finished and exit status 130.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from ideepcolor_app.cli.common import USER_ERRORS, add_backend_options, add_quality_option, fail, open_backend
from ideepcolor_app.cli.restore import add_restore_switch, restore_from_args
from ideepcolor_app.cli.text import say, shown
from ideepcolor_app.engine.batch import OUTPUT_FORMATS, BatchJob, BatchOutcome, BatchReport, run_batch
from ideepcolor_app.engine.export import SIDECAR_SUFFIX
from ideepcolor_app.engine.shard import Shard


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "batch", help="colourize every photo in a folder",
        description=(
            "Colourize every photo in IN_DIR into OUT_DIR, keeping relative paths and stems. "
            f"A sidecar <stem>{SIDECAR_SUFFIX} beside a photo supplies its hints. Outputs that "
            "already exist are skipped (an interrupted run resumes) unless --overwrite is given. "
            "Photos that would share an output name keep their suffix in it (photo_png.jpg)."
        ),
    )
    parser.add_argument("input_dir", type=Path, metavar="IN_DIR")
    parser.add_argument("output_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--recursive", action="store_true", help="also colourize photos in sub-folders")
    parser.add_argument("--format", choices=OUTPUT_FORMATS, default="jpg", help="output format (default: jpg)")
    parser.add_argument("--overwrite", action="store_true", help="replace outputs that already exist")
    parser.add_argument("--shard", type=shard_spec, metavar="K/N",
                        help="do only the K-th of N deterministic parts of the folder (1 <= K <= N), "
                             "so N workers can share it, e.g. a job array")
    add_quality_option(parser)
    add_backend_options(parser)
    add_restore_switch(parser)
    parser.set_defaults(run=run)


def shard_spec(text: str) -> Shard:
    """argparse type for --shard: a clear usage error instead of a traceback."""
    try:
        return Shard.parse(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def job_from_args(args: argparse.Namespace) -> BatchJob:
    return BatchJob(
        input_dir=args.input_dir, output_dir=args.output_dir, format=args.format,
        recursive=args.recursive, overwrite=args.overwrite, quality=args.quality,
        working_size=args.size, shard=args.shard, restore=restore_from_args(args),
    )


def run_with_progress_bar(job: BatchJob, backend) -> BatchReport:
    """Run the batch with a tqdm bar on stderr; failures are written above the bar."""
    bar = tqdm(total=len(job.plan()), desc="colourizing", unit="photo", file=sys.stderr, disable=None)

    def on_progress(done: int, total: int, photo: Path, outcome: BatchOutcome) -> None:
        if outcome.status == "failed":
            tqdm.write(shown(f"ideepcolor: failed: {photo.name}: {outcome.message}"), file=sys.stderr)
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
        say("interrupted: the photo in progress was not written; run the same command again to resume",
            sys.stderr)


def run(args: argparse.Namespace) -> int:
    job = job_from_args(args)
    try:
        job.check()  # options and the output folder, before the backend loads
        backend = open_backend(args)
    except USER_ERRORS as err:
        return fail(err)
    report = run_with_progress_bar(job, backend)
    print_report(report)
    if report.interrupted:
        return 130
    return 1 if report.failed else 0
