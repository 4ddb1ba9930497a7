"""`ideepcolor install-desktop`: put the app in the Linux desktop's menu (entry and icon)."""

from __future__ import annotations

import argparse

from ideepcolor_app import desktop
from ideepcolor_app.cli.gui import GUI_MISSING, gui_installed
from ideepcolor_app.cli.text import fail, say


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "install-desktop",
        help="add the app to the Linux desktop menu (entry and icon)",
        description=(
            "Write ideepcolor.desktop to $XDG_DATA_HOME/applications and the icon (SVG and a "
            "256-pixel PNG) to $XDG_DATA_HOME/icons/hicolor; $XDG_DATA_HOME defaults to "
            "~/.local/share. The entry starts this installation's `ideepcolor gui` and offers to "
            "open JPEG, PNG, TIFF, WebP, BMP and GIF photos. Files are replaced atomically; "
            "run it again after moving the installation. --uninstall removes them."
        ),
    )
    parser.add_argument("--uninstall", action="store_true", help="remove the entry and the icons instead")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = desktop.data_home()
    try:
        if args.uninstall:
            removed = desktop.uninstall(root)
            say(
                f"removed {len(removed)} file{'s' if len(removed) != 1 else ''} from {root}"
                if removed
                else f"nothing to remove: no ideepcolor entry under {root}"
            )
            return 0
        if not gui_installed():  # an entry that could not start the app
            return fail(GUI_MISSING)
        installed = desktop.install(root)
    except OSError as err:
        return fail(f"cannot write the desktop entry under {root}: {err.strerror or err}")
    say(f"installed {installed.entry}")
    for icon in installed.icons:
        say(f"installed {icon}")
    say("ideepcolor is now in the desktop menu (Graphics); some desktops show it after the next log-in")
    return 0
