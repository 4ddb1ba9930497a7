"""`ideepcolor install-desktop`: the menu entry and icons under a temporary HOME / XDG_DATA_HOME."""

import configparser
import os

import pytest

from ideepcolor_app import desktop
from ideepcolor_app.cli.main import main


def read_entry(path):
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive in desktop files
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_install_desktop_writes_entry_and_icons_under_xdg_data_home(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["install-desktop"]) == 0
    entry_path = tmp_path / "data" / "applications" / "ideepcolor.desktop"
    entry = read_entry(entry_path)
    assert entry["Type"] == "Application" and entry["Name"] == "ideepcolor"
    assert entry["Icon"] == "ideepcolor" and entry["Terminal"] == "false"
    assert "Graphics" in entry["Categories"].split(";") and "image/webp" in entry["MimeType"].split(";")
    assert entry["Exec"].endswith(" %f")
    svg = tmp_path / "data" / "icons" / "hicolor" / "scalable" / "apps" / "ideepcolor.svg"
    png = tmp_path / "data" / "icons" / "hicolor" / "256x256" / "apps" / "ideepcolor.png"
    assert svg.read_bytes() == (desktop.DATA / "ideepcolor.svg").read_bytes()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (tmp_path / "home").exists()  # XDG_DATA_HOME wins over HOME
    assert [p.name for p in entry_path.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert f"installed {entry_path}" in capsys.readouterr().out


def test_install_desktop_defaults_to_local_share_and_uninstalls(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert main(["install-desktop"]) == 0
    entry = tmp_path / ".local" / "share" / "applications" / "ideepcolor.desktop"
    assert entry.is_file()
    assert main(["install-desktop"]) == 0  # again: replaced in place
    assert main(["install-desktop", "--uninstall"]) == 0
    assert not entry.exists()
    assert "removed 3 files" in capsys.readouterr().out


def test_desktop_entry_exec_quotes_a_path_with_spaces():
    text = desktop.desktop_entry(["/opt/my apps/bin/ideepcolor", "gui"])
    assert 'Exec="/opt/my apps/bin/ideepcolor" gui %f\n' in text


def test_install_desktop_entry_launches_this_installation(tmp_path):
    text = (desktop.install(tmp_path).entry).read_text(encoding="utf-8")
    command = desktop.launch_command()
    assert os.path.isabs(command[0]) and f"TryExec={command[0]}" in text


def test_relative_xdg_data_home_is_ignored_as_the_spec_says(tmp_path):
    assert desktop.data_home({"HOME": str(tmp_path), "XDG_DATA_HOME": "rel/data"}) == tmp_path / ".local" / "share"


def test_install_desktop_unwritable_is_one_clear_line(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "data"
    blocker.write_text("a file where a folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    assert main(["install-desktop"]) == 1
    err = capsys.readouterr().err
    assert "cannot write the desktop entry under" in err and "Traceback" not in err


@pytest.mark.skipif(not __import__("shutil").which("desktop-file-validate"), reason="desktop-file-utils not installed")
def test_desktop_entry_is_valid(tmp_path):
    import subprocess

    entry = desktop.install(tmp_path).entry
    result = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_entry_names_the_window_class_qt_gives_the_app():
    from ideepcolor_app.gui.settings import APPLICATION

    assert f"StartupWMClass={APPLICATION}\n" in desktop.desktop_entry(["/usr/bin/ideepcolor", "gui"])
