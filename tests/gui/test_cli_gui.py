"""`ideepcolor gui [PHOTO]`: registered, the default command, and Qt stays out of other commands."""

import subprocess
import sys
from pathlib import Path

from ideepcolor_app.cli import main as cli_main


def test_gui_command_parses_a_photo_and_a_backend():
    args = cli_main.build_parser().parse_args(["gui", "family.jpg", "--backend", "levin"])
    assert args.photo == Path("family.jpg") and args.backend == "levin"
    assert args.run.__module__ == "ideepcolor_app.cli.gui"


def test_bare_command_and_gui_command_start_the_app(monkeypatch):
    calls = []
    import ideepcolor_app.gui.app as app

    monkeypatch.setattr(app, "main", lambda photo=None, backend=None: calls.append((photo, backend)) or 0)
    assert cli_main.main([]) == 0
    assert cli_main.main(["gui", "x.png"]) == 0
    assert calls == [(None, None), (Path("x.png"), None)]


def test_other_commands_never_import_qt():
    code = (
        "import sys\n"
        "from ideepcolor_app.cli import main\n"
        "main.build_parser()\n"
        "import ideepcolor_app.engine.document, ideepcolor_app.engine.history, ideepcolor_app.engine.colorizer\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
