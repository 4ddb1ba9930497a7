"""Before Qt starts: can its xcb (X11) platform plugin load here? A plain message if not.

Qt aborts the whole process ("Could not load the Qt platform plugin xcb") when the plugin's
system libraries are missing, so this is checked first, with no Qt imported. Pure functions,
no widget.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

#: The shared libraries Qt 6's xcb plugin needs beyond a minimal X11 install, and the Debian
#: / Ubuntu packages that provide them.
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
}
APT_COMMAND = "sudo apt-get install " + " ".join(XCB_LIBRARIES.values())


def _loads(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def uses_xcb(environ: Mapping[str, str] | None = None, platform: str = sys.platform) -> bool:
    """True when Qt would start with its xcb plugin (Linux, X11, no other platform asked for)."""
    env = os.environ if environ is None else environ
    if not platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    if chosen:
        return chosen == "xcb"
    return not (env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE") == "wayland")


def platform_problem(
    environ: Mapping[str, str] | None = None, platform: str = sys.platform, loads: Callable[[str], bool] = _loads
) -> str | None:
    """A short message saying why the GUI cannot start here, or None when it can."""
    env = os.environ if environ is None else environ
    if not uses_xcb(env, platform):
        return None
    missing = [name for name in XCB_LIBRARIES if not loads(name)]
    if missing:
        packages = ", ".join(XCB_LIBRARIES[name] for name in missing)
        return (
            f"The desktop app cannot start: Qt's X11 (xcb) platform plugin needs system libraries "
            f"that are missing here ({packages}).\nOn Debian or Ubuntu install them with:\n\n"
            f"    {APT_COMMAND}\n"
        )
    if not env.get("DISPLAY"):
        return (
            "The desktop app cannot start: there is no display (DISPLAY is not set). Run it in a "
            "desktop session, or under a virtual display such as xvfb-run."
        )
    return None
