"""`ideepcolor gui [PHOTO]`: the desktop app (also what a bare `ideepcolor` starts).

Qt is imported only inside `run`, so the other sub-commands never load it; neither is torch
here, so that the app's window can appear before torch has loaded.
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

from ideepcolor_app.cli.text import fail

#: What a command that needs the app says when the `gui` extra is not installed.
GUI_MISSING = 'the desktop app needs the gui extra (PySide6 and pyqtgraph): pip install "ideepcolor-app[gui]"'
_GUI_MODULES = ("PySide6", "pyqtgraph")


def gui_installed() -> bool:
    """True when the `gui` extra's packages are importable (checked without importing Qt)."""
    return all(importlib.util.find_spec(name) is not None for name in _GUI_MODULES)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gui",
        help="open the desktop app (the default command)",
        description="Open the desktop app on PHOTO (default: the bundled sample photo and its hints).",
    )
    add_arguments(parser)
    parser.set_defaults(run=run)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("photo", nargs="?", type=Path, metavar="PHOTO", help="photo to open")
    parser.add_argument(
        "--backend",
        default=None,
        metavar="NAME",
        help="backend to start with: hints, zhang, gan, fusion or levin (default: the one used last)",
    )


def run(args: argparse.Namespace) -> int:
    if not gui_installed():
        return fail(GUI_MISSING)
    from ideepcolor_app.gui.app import main  # Qt only now

    return main(getattr(args, "photo", None), getattr(args, "backend", None))
