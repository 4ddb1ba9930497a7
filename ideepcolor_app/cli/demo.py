"""`ideepcolor demo -o OUT`: colourize the bundled sample photo with its bundled hints."""

from __future__ import annotations

import argparse
from pathlib import Path

from ideepcolor_app.cli.common import USER_ERRORS, add_backend_options, fail, open_backend
from ideepcolor_app.cli.text import say
from ideepcolor_app.engine.export import colorize_file, sidecar_hints_path

SAMPLE_PHOTO = Path(__file__).resolve().parents[1] / "data" / "sample_pont_du_gard.jpg"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="colourize the bundled sample photo",
        description=f"Colourize the bundled sample photo ({SAMPLE_PHOTO.name}) with its bundled hints.",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("sample_colorized.png"),
        metavar="OUT",
        help="output file (default: sample_colorized.png)",
    )
    add_backend_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        backend = open_backend(args)
        hints = sidecar_hints_path(SAMPLE_PHOTO) if backend.uses_local_hints else None
        written = colorize_file(SAMPLE_PHOTO, args.output, backend, hints=hints, working_size=args.size)
    except USER_ERRORS as err:
        return fail(err)
    say(written)
    return 0
