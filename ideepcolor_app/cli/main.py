"""Entry point of the `ideepcolor` command: one sub-command per module."""

from __future__ import annotations

import argparse
import logging
import sys

from ideepcolor_app import __version__
from ideepcolor_app.cli import batch, bench, colorize, demo, gui, weights_cmd

COMMANDS = (gui, colorize, batch, demo, bench, weights_cmd)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ideepcolor",
        description="Colourize grayscale photographs, guided by colour hints.",
    )
    parser.add_argument("--version", action="version", version=f"ideepcolor {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the engine does")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    if args.command is None:  # a bare `ideepcolor` opens the app
        return gui.run(args)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
