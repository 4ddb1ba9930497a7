"""Entry point of the `ideepcolor` command: one sub-command per module.

No traceback reaches the user: Ctrl+C ends with "interrupted" and exit status 130 (also while
torch is still loading: the sub-commands are imported inside `main`), and an unexpected error
is one line (``-v`` adds the traceback).
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback

from ideepcolor_app import __version__
from ideepcolor_app.cli.text import fail, say


def commands(argv: list[str] | None = None) -> tuple:
    """The sub-command modules, in the order `--help` lists them (importing them loads torch).

    Opening the app (a bare `ideepcolor`, or `ideepcolor gui ...`) imports only the GUI's
    command, which does not load torch: the app shows its window first and loads torch behind it.
    """
    if argv is not None and (not argv or argv[0] == "gui"):
        from ideepcolor_app.cli import gui

        return (gui,)
    from ideepcolor_app.cli import batch, bench, colorize, demo, desktop_cmd, gui, restore, weights_cmd

    return gui, colorize, restore, batch, demo, bench, weights_cmd, desktop_cmd


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ideepcolor",
        description="Colourize grayscale photographs, guided by colour hints.",
    )
    parser.add_argument("--version", action="version", version=f"ideepcolor {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the engine does")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in commands(argv):
        module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser(argv).parse_args(argv)
    except KeyboardInterrupt:
        say("ideepcolor: interrupted", sys.stderr)
        return 130
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    try:
        if args.command is None:  # a bare `ideepcolor` opens the app
            from ideepcolor_app.cli import gui

            return gui.run(args)
        return args.run(args)
    except KeyboardInterrupt:
        say("ideepcolor: interrupted; nothing half-written was left behind", sys.stderr)
        return 130
    except MemoryError:
        return fail("out of memory; try a smaller --size or close other programs")
    except Exception as err:  # noqa: BLE001 - the last line of defence: one line, not a traceback
        if args.verbose:
            traceback.print_exc()
        return fail(f"unexpected {type(err).__name__}: {err} (run with -v for details)")


if __name__ == "__main__":
    sys.exit(main())
