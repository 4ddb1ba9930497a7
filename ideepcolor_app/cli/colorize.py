"""`ideepcolor colorize IN -o OUT`: colourize one photo."""

from __future__ import annotations

import argparse
from pathlib import Path

from ideepcolor_app.cli.common import (
    USER_ERRORS,
    add_backend_options,
    add_quality_option,
    add_temperature_option,
    existing_file,
    fail,
    open_backend,
    warn,
)
from ideepcolor_app.cli.restore import add_restore_switch, restore_from_args
from ideepcolor_app.cli.text import say
from ideepcolor_app.engine.export import colorize_file
from ideepcolor_app.hints import DEFAULT_NUM_BINS, Hints, load_hints
from ideepcolor_app.imageio.write import SUPPORTED_OUTPUT_SUFFIXES, check_output_path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "colorize",
        help="colourize one photo",
        description="Colourize one photo (any colour input is treated as its lightness).",
    )
    parser.add_argument("input", type=Path, metavar="IN", help="the photo (JPEG, PNG, TIFF, ...)")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="OUT",
        help="output file; .png, .jpg, .webp or .tif (16-bit) chooses the format (.webp at --quality 100 is lossless)",
    )
    parser.add_argument("--hints", type=existing_file, metavar="FILE", help="a .hints.json file of colour hints")
    add_backend_options(parser)
    add_temperature_option(parser)
    add_quality_option(parser)
    add_restore_switch(parser)
    parser.set_defaults(run=run)


def warn_ignored_hints(backend, hints: Hints, source: Path) -> None:
    """Tell the user which hints in their file this backend cannot use."""
    if hints.has_local and not backend.uses_local_hints:
        warn(f"the {backend.name!r} backend is automatic: it ignores the points and strokes in {source}")
    if not hints.global_hints.is_empty and not backend.uses_global_hints:
        warn(f"the {backend.name!r} backend has no global hints: it ignores those in {source}")


def check_output(output: Path) -> None:
    """Refuse an output that cannot be written, before any work is done.

    Raises:
        ValueError: an unsupported suffix, or a folder given as the output.
        OSError: the output's folder cannot be created or written.
    """
    if output.suffix.lower() not in SUPPORTED_OUTPUT_SUFFIXES:
        raise ValueError(f"{output}: the output must end in {', '.join(SUPPORTED_OUTPUT_SUFFIXES)}")
    check_output_path(output)


def run(args: argparse.Namespace) -> int:
    try:
        check_output(args.output)
        hints = load_hints(args.hints, num_bins=DEFAULT_NUM_BINS) if args.hints else None
        backend = open_backend(args)
        if hints is not None:
            warn_ignored_hints(backend, hints, args.hints)
            if hints.damage_strokes and not args.restore:
                warn(f"the damage strokes in {args.hints} correct the restoration: they apply only with --restore")
        written = colorize_file(
            args.input,
            args.output,
            backend,
            hints=hints,
            hints_source=args.hints,
            working_size=args.size,
            temperature=args.temperature,
            quality=args.quality,
            restore=restore_from_args(args),
        )
    except USER_ERRORS as err:
        return fail(err)
    say(written)
    return 0
