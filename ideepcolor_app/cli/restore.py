"""`ideepcolor restore IN -o OUT`: restore an old photo (grain, dust, scratches, fading)."""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2

from ideepcolor_app.cli.common import USER_ERRORS, add_quality_option
from ideepcolor_app.cli.text import fail, say
from ideepcolor_app.engine.device import configure_threads
from ideepcolor_app.restore import DEFAULT_STRENGTH, DEFAULT_TONE, STRENGTHS, TONES, RestoreOptions
from ideepcolor_app.restore.files import restore_file


def add_restore_options(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    """--tone and --strength (as --restore-tone/--restore-strength with prefix "restore-")."""
    parser.add_argument(f"--{prefix}tone", choices=TONES, default=DEFAULT_TONE,
                        help="auto: stretch a faded print's range; off: leave tone alone (default: auto)")
    parser.add_argument(f"--{prefix}strength", choices=STRENGTHS, default=DEFAULT_STRENGTH,
                        help="how faint a mark counts as dust or a scratch, and how much grain goes "
                             "(default: medium)")


def add_restore_switch(parser: argparse.ArgumentParser) -> None:
    """--restore with --restore-tone and --restore-strength (colorize and batch)."""
    parser.add_argument("--restore", action="store_true",
                        help="restore the photo first: grain, dust, scratches, fading (see `ideepcolor restore`)")
    add_restore_options(parser, prefix="restore-")


def restore_from_args(args: argparse.Namespace) -> RestoreOptions | None:
    """The restoration asked for with --restore, or None."""
    if not getattr(args, "restore", False):
        return None
    return RestoreOptions(tone=args.restore_tone, strength=args.restore_strength)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "restore", help="restore an old photo: grain, dust, scratches, fading",
        description="Restore an old photo: reduce film grain, fill dust specks and scratches, and "
                    "stretch a faded print's tones. Writes the restored grayscale photo at the "
                    "input's size and bit depth (JPEG is 8-bit), keeping its EXIF.",
    )
    parser.add_argument("input", type=Path, metavar="IN", help="the photo (JPEG, PNG, TIFF, ...)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT",
                        help="output file; .png, .jpg or .tif chooses the format")
    add_restore_options(parser)
    add_quality_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    cv2.setNumThreads(configure_threads())  # cores taken by other work would stall both pools
    try:
        options = RestoreOptions(tone=args.tone, strength=args.strength)
        written, result = restore_file(args.input, args.output, options, quality=args.quality)
    except USER_ERRORS as err:
        return fail(err)
    tone = ", ".join(result.tone) or "unchanged"
    say(f"{written} (grain {100 * result.grain:.1f}%, {100 * result.defect_fraction:.2f}% of pixels "
        f"filled, tone {tone}, {result.seconds:.2f} s)")
    return 0
