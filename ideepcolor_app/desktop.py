"""The Linux desktop entry: a `.desktop` file and the app icon, so that menus list the app.

Files follow the freedesktop.org specifications (Desktop Entry 1.4, Icon Theme): the entry goes
to ``$XDG_DATA_HOME/applications`` and the icons to ``$XDG_DATA_HOME/icons/hicolor`` (SVG and a
256-pixel PNG), with ``$XDG_DATA_HOME`` defaulting to ``~/.local/share``. Every file is written
atomically, so a menu never reads half an entry. No Qt, no torch.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ideepcolor_app.atomic import atomic_write_bytes

APP_ID = "ideepcolor"
#: The class part of the app's X11 WM_CLASS (Qt's application name), how a dock matches its windows.
WM_CLASS = "ideepcolor-app"
DATA = Path(__file__).resolve().parent / "data"
ICON_FILES = {  # bundled file -> path under the icon theme
    "ideepcolor.svg": Path("hicolor/scalable/apps") / f"{APP_ID}.svg",
    "ideepcolor.png": Path("hicolor/256x256/apps") / f"{APP_ID}.png",
}
#: The photo types the entry offers to open ("Open with" in a file manager).
MIME_TYPES = ("image/jpeg", "image/png", "image/tiff", "image/webp", "image/bmp", "image/gif")


def data_home(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset or not absolute (as the spec says)."""
    env = os.environ if environ is None else environ
    value = env.get("XDG_DATA_HOME", "")
    if value and Path(value).is_absolute():
        return Path(value)
    home = env.get("HOME") or str(Path.home())
    return Path(home) / ".local" / "share"


def launch_command() -> list[str]:
    """The command a menu runs to open the app: the `ideepcolor` script beside this Python
    (a virtual environment's), else the one on PATH, else ``python -m ideepcolor_app``."""
    beside = Path(sys.executable).parent / "ideepcolor"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside), "gui"]
    found = shutil.which("ideepcolor")
    if found:
        return [str(Path(found).resolve()), "gui"]
    return [sys.executable, "-m", "ideepcolor_app"]


def _quoted(argument: str) -> str:
    """An Exec argument, quoted as the Desktop Entry spec requires when it holds special characters."""
    if argument and not any(ch in argument for ch in " \t\n\"'\\><~|&;$*?#()`"):
        return argument
    escaped = argument.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
    return f'"{escaped}"'


def desktop_entry(command: list[str]) -> str:
    """The text of ``ideepcolor.desktop`` for a launch `command` (its file argument is added)."""
    exec_line = " ".join(_quoted(part).replace("%", "%%") for part in command) + " %f"
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Version=1.4",
            "Name=ideepcolor",
            "GenericName=Photo Colourizer",
            "Comment=Colourize black-and-white photos, guided by colour hints",
            f"Exec={exec_line}",
            f"TryExec={command[0]}",
            f"Icon={APP_ID}",
            "Terminal=false",
            "StartupNotify=true",
            f"StartupWMClass={WM_CLASS}",
            "Categories=Graphics;2DGraphics;RasterGraphics;Photography;Qt;",
            "Keywords=colourize;colorize;black and white;old photo;restore;",
            "MimeType=" + "".join(f"{mime};" for mime in MIME_TYPES),
            "",
        ]
    )


@dataclass(frozen=True)
class Installed:
    """What `install` wrote: the entry and the icons."""

    entry: Path
    icons: tuple[Path, ...]

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self.entry, *self.icons)


def install(root: Path | None = None, command: list[str] | None = None) -> Installed:
    """Write the desktop entry and the icons under `root` (default: `data_home()`).

    Raises:
        OSError: a folder cannot be created or a file written (nothing half-written is left).
    """
    root = data_home() if root is None else Path(root)
    icons = []
    for name, relative in ICON_FILES.items():
        target = root / "icons" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, (DATA / name).read_bytes())
        icons.append(target)
    entry = root / "applications" / f"{APP_ID}.desktop"
    entry.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(entry, desktop_entry(command or launch_command()).encode("utf-8"))
    _refresh_caches(root)
    return Installed(entry, tuple(icons))


def uninstall(root: Path | None = None) -> list[Path]:
    """Remove the entry and the icons `install` wrote; returns the files removed."""
    root = data_home() if root is None else Path(root)
    removed = []
    for path in [
        root / "applications" / f"{APP_ID}.desktop",
        *(root / "icons" / relative for relative in ICON_FILES.values()),
    ]:
        if path.is_file():
            path.unlink()
            removed.append(path)
    _refresh_caches(root)
    return removed


def _refresh_caches(root: Path) -> None:
    """Ask the desktop's caches to look again, where their tools exist (menus also notice by themselves)."""
    for tool, target in (
        ("update-desktop-database", root / "applications"),
        ("gtk-update-icon-cache", root / "icons" / "hicolor"),
    ):
        if shutil.which(tool) and target.is_dir():
            extra = ["-q"] if tool == "update-desktop-database" else ["-q", "-t", "-f"]
            subprocess.run([tool, *extra, str(target)], check=False, capture_output=True, timeout=30)
