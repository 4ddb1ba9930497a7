"""Starting the app: a plain message when Qt's xcb plugin cannot load, a window before torch,
and GUI modules that import only downward (no cycle through the main window)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from ideepcolor_app.gui import app as app_module
from ideepcolor_app.gui.platform_check import APT_COMMAND, platform_problem, uses_xcb

X11 = {"DISPLAY": ":0"}
GUI = Path(app_module.__file__).parent


def test_missing_xcb_libraries_are_named_with_the_apt_command():
    message = platform_problem(X11, "linux", loads=lambda name: "cursor" not in name)
    assert "libxcb-cursor0" in message and "libxcb-icccm4" not in message.split("\n")[0]
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in message
    assert platform_problem(X11, "linux", loads=lambda name: True) is None


def test_no_check_off_x11():
    never = lambda name: False  # noqa: E731 - every library "missing"
    assert platform_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", loads=never) is None
    assert platform_problem(X11, "darwin", loads=never) is None
    assert not uses_xcb({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, "linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert "no display" in platform_problem({}, "linux", loads=lambda name: True)


def test_main_prints_the_message_and_exits_without_starting_qt(monkeypatch, capsys):
    monkeypatch.setattr(app_module, "platform_problem", lambda: "The desktop app cannot start: " + APT_COMMAND)
    monkeypatch.setattr(app_module, "application", lambda *a, **k: pytest.fail("Qt must not start"))
    assert app_module.main() == 1
    assert APT_COMMAND in capsys.readouterr().err


def test_loading_window_is_shown_before_torch_is_imported():
    code = (
        "import sys\n"
        "from ideepcolor_app.gui.app import application\n"
        "from ideepcolor_app.gui.loading_window import QtLoadingWindow\n"
        "app = application(configure=False)\n"
        "window = QtLoadingWindow()\n"
        "window.show()\n"
        "app.processEvents()\n"
        "assert window.isVisible() and 'Loading' in window.label.text()\n"
        "heavy = [m for m in ('torch', 'pyqtgraph', 'ideepcolor_app.engine.document') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run(
        [sys.executable, "-c", code], check=True, env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin"}, timeout=60
    )


def gui_imports(module: Path) -> set[str]:
    """The ideepcolor_app.gui modules `module` imports, TYPE_CHECKING blocks included."""
    names = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ideepcolor_app.gui"):
            names.add(node.module.rsplit(".", 1)[-1] if node.module != "ideepcolor_app.gui" else node.names[0].name)
        elif isinstance(node, ast.Import):
            names.update(a.name.rsplit(".", 1)[-1] for a in node.names if a.name.startswith("ideepcolor_app.gui."))
    return names


def test_gui_modules_import_only_downward():
    graph = {path.stem: gui_imports(path) for path in GUI.glob("*.py")}
    assert "main_window" in graph["app"]
    for name in ("file_actions", "menus"):
        assert "main_window" not in graph[name], f"{name} imports the main window"

    def visit(name, trail):
        for child in graph.get(name, ()):
            assert child not in trail, f"import cycle: {' -> '.join(trail + [child])}"
            visit(child, trail + [child])

    for name in graph:
        visit(name, [name])
