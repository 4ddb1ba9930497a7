"""`ideepcolor batch IN_DIR OUT_DIR`: colourize a folder, resumable, past bad files."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ideepcolor_app.cli.common import USER_ERRORS, add_backend_options, fail, open_backend
from ideepcolor_app.engine.export import SIDECAR_SUFFIX, colorize_file, sidecar_hints_path
from ideepcolor_app.imageio import output_suffix_for

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp", ".gif"}


@dataclass
class BatchReport:
    done: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "batch", help="colourize every photo in a folder",
        description=(
            "Colourize every photo in IN_DIR into OUT_DIR, keeping relative paths and stems. "
            f"A sidecar <stem>{SIDECAR_SUFFIX} beside a photo supplies its hints. Outputs that "
            "already exist are skipped (an interrupted run resumes) unless --overwrite is given."
        ),
    )
    parser.add_argument("input_dir", type=Path, metavar="IN_DIR")
    parser.add_argument("output_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--recursive", action="store_true", help="also colourize photos in sub-folders")
    parser.add_argument("--format", choices=("jpg", "png", "tif"), default="jpg", help="output format (default: jpg)")
    parser.add_argument("--overwrite", action="store_true", help="replace outputs that already exist")
    parser.add_argument("--quality", type=int, default=95, metavar="Q", help="JPEG quality (default: 95)")
    add_backend_options(parser)
    parser.set_defaults(run=run)


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


def run_batch(args: argparse.Namespace, backend) -> BatchReport:
    input_dir, output_dir = args.input_dir.resolve(), args.output_dir.resolve()
    suffix = output_suffix_for(args.format)
    report = BatchReport()
    photos = find_photos(input_dir, args.recursive, exclude=output_dir)
    for photo in tqdm(photos, desc="colourizing", unit="photo", file=sys.stderr, disable=None):
        destination = (output_dir / photo.relative_to(input_dir)).with_suffix(suffix)
        if destination == photo:
            report.failed.append((photo, "the output would replace the input photo; choose another OUT_DIR or --format"))
            continue
        if destination.exists() and not args.overwrite:
            report.skipped.append(photo)
            continue
        sidecar = sidecar_hints_path(photo)
        hints = sidecar if sidecar.is_file() and backend.uses_local_hints else None
        try:
            colorize_file(photo, destination, backend, hints=hints, working_size=args.size, quality=args.quality)
        except Exception as err:  # noqa: BLE001 - one bad photo must not stop the batch
            message = str(err) if isinstance(err, USER_ERRORS) else f"{type(err).__name__}: {err}"
            report.failed.append((photo, message))
            tqdm.write(f"ideepcolor: failed: {photo.name}: {message}", file=sys.stderr)
        else:
            report.done.append(photo)
    return report


def run(args: argparse.Namespace) -> int:
    if not args.input_dir.is_dir():
        return fail(f"no such folder: {args.input_dir}")
    try:
        backend = open_backend(args)
    except USER_ERRORS as err:
        return fail(err)
    report = run_batch(args, backend)
    print(
        f"{len(report.done)} colourized, {len(report.skipped)} skipped (output exists), "
        f"{len(report.failed)} failed"
    )
    for photo, reason in report.failed:
        print(f"  failed: {photo}: {reason}")
    return 1 if report.failed else 0
