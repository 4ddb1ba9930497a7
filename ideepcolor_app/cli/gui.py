"""`ideepcolor gui [PHOTO]`: the desktop app (also what a bare `ideepcolor` starts).

Qt is imported only inside `run`, so the other sub-commands never load it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ideepcolor_app.engine.backends import BACKENDS


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gui", help="open the desktop app (the default command)",
        description="Open the desktop app on PHOTO (default: the bundled sample photo and its hints).",
    )
    add_arguments(parser)
    parser.set_defaults(run=run)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("photo", nargs="?", type=Path, metavar="PHOTO", help="photo to open")
    parser.add_argument("--backend", choices=sorted(BACKENDS), default=None,
                        help="backend to start with (default: the one used last)")


def run(args: argparse.Namespace) -> int:
    from ideepcolor_app.gui.app import main  # Qt only now

    return main(getattr(args, "photo", None), getattr(args, "backend", None))
