"""`ideepcolor restore IN -o OUT`: restore an old photo (grain, dust, scratches, fading).

The damage strokes painted in the app (saved in the photo's sidecar hints file, or a file given
with --hints) correct the damage mask; --mask-out writes the mask that was filled.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2

from ideepcolor_app.cli.common import USER_ERRORS, add_quality_option, existing_file
from ideepcolor_app.cli.text import fail, say
from ideepcolor_app.engine.device import configure_threads
from ideepcolor_app.engine.export import SIDECAR_SUFFIX, sidecar_hints_path
from ideepcolor_app.hints import DEFAULT_NUM_BINS, Hints, load_hints
from ideepcolor_app.restore import DEFAULT_STRENGTH, DEFAULT_TONE, STRENGTHS, TONES, RestoreOptions
from ideepcolor_app.restore.files import restore_file


def add_restore_options(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    """--tone and --strength (as --restore-tone/--restore-strength with prefix "restore-")."""
    parser.add_argument(
        f"--{prefix}tone",
        choices=TONES,
        default=DEFAULT_TONE,
        help="auto: stretch a faded print's range; off: leave tone alone (default: auto)",
    )
    parser.add_argument(
        f"--{prefix}strength",
        choices=STRENGTHS,
        default=DEFAULT_STRENGTH,
        help="how faint a mark counts as dust or a scratch, and how much grain goes (default: medium)",
    )


def add_restore_switch(parser: argparse.ArgumentParser) -> None:
    """--restore with --restore-tone and --restore-strength (colorize and batch)."""
    parser.add_argument(
        "--restore",
        action="store_true",
        help="restore the photo first: grain, dust, scratches, fading (see `ideepcolor restore`)",
    )
    add_restore_options(parser, prefix="restore-")


def restore_from_args(args: argparse.Namespace) -> RestoreOptions | None:
    """The restoration asked for with --restore, or None."""
    if not getattr(args, "restore", False):
        return None
    return RestoreOptions(tone=args.restore_tone, strength=args.restore_strength)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "restore",
        help="restore an old photo: grain, dust, scratches, fading",
        description="Restore an old photo: reduce film grain, fill dust specks and scratches, and "
        "stretch a faded print's tones. Writes the restored grayscale photo at the "
        "input's size and bit depth (JPEG is 8-bit), keeping its EXIF. The damage "
        f"strokes of the photo's sidecar <stem>{SIDECAR_SUFFIX} (painted in the app) "
        "correct the damage mask.",
    )
    parser.add_argument("input", type=Path, metavar="IN", help="the photo (JPEG, PNG, TIFF, ...)")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="OUT",
        help="output file; .png, .jpg or .tif chooses the format",
    )
    parser.add_argument(
        "--hints",
        type=existing_file,
        metavar="FILE",
        help=f"take the damage strokes from this hints file instead of the sidecar <stem>{SIDECAR_SUFFIX}",
    )
    parser.add_argument(
        "--mask-out",
        type=Path,
        metavar="FILE.png",
        help="also write the mask that was filled: 8-bit PNG, 255 where filled, the photo's size",
    )
    add_restore_options(parser)
    add_quality_option(parser)
    parser.set_defaults(run=run)


def hints_for(args: argparse.Namespace) -> tuple[Hints | None, Path | None]:
    """The hints whose damage strokes apply: --hints, else the photo's sidecar if there is one."""
    path = args.hints if args.hints is not None else sidecar_hints_path(args.input)
    if args.hints is None and not path.is_file():
        return None, None
    return load_hints(path, num_bins=DEFAULT_NUM_BINS), path


def run(args: argparse.Namespace) -> int:
    cv2.setNumThreads(configure_threads())  # cores taken by other work would stall both pools
    try:
        options = RestoreOptions(tone=args.tone, strength=args.strength)
        hints, hints_path = hints_for(args)
        written, result = restore_file(
            args.input,
            args.output,
            options,
            quality=args.quality,
            hints=hints,
            hints_source=hints_path,
            mask_destination=args.mask_out,
        )
    except USER_ERRORS as err:
        return fail(err)
    tone = ", ".join(result.tone) or "unchanged"
    strokes = len(hints.damage_strokes) if hints is not None else 0
    source = hints_path.name if hints_path is not None else "the hints"
    corrected = f", {strokes} damage stroke{'s' * (strokes != 1)} from {source}" if strokes else ""
    say(
        f"{written} (grain {100 * result.grain:.1f}%, {100 * result.defect_fraction:.2f}% of pixels "
        f"filled{corrected}, tone {tone}, {result.seconds:.2f} s)"
    )
    if args.mask_out is not None:
        say(f"{args.mask_out} (the mask that was filled)")
    return 0
