"""An installed package works outside a checkout: the networks are package data, found through
importlib.resources, and the command line's batch work runs without the `gui` extra (Qt)."""

import glob
import json
import os
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

from ideepcolor_app.bundled import MODELS_PACKAGE, models_dir
from ideepcolor_app.engine.weights import BUNDLED_MODELS_DIR
from ideepcolor_app.restore.detector import MODELS_DIR

REPO = Path(__file__).resolve().parents[1]
SETUPTOOLS = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
#: What the app loads by default: each backend's network and the restoration's damage detector.
SHIPPED = ("hints", "zhang", "gan", "fusion", "damage_detector")


def test_pyproject_lists_every_package_and_maps_the_models_folder():
    found = {
        ".".join(p.parent.relative_to(REPO).parts)
        for top in ("ideepcolor_app", "training")
        for p in (REPO / top).rglob("__init__.py")
    }
    assert "ideepcolor_app.cli" in found and "training.trainers" in found
    assert set(SETUPTOOLS["packages"]) == found | {MODELS_PACKAGE}
    assert SETUPTOOLS["package-dir"] == {MODELS_PACKAGE: "models"}
    assert (REPO / "models" / "__init__.py").is_file()


def test_package_data_globs_cover_every_file_in_models():
    folder = REPO / "models"
    shipped = {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file()
        and p.name != "__init__.py"
        and "__pycache__" not in p.parts
        and not p.name.startswith(".")
        and p.suffix != ".tmp"
    }
    covered = {
        name for pattern in SETUPTOOLS["package-data"][MODELS_PACKAGE] for name in glob.glob(pattern, root_dir=folder)
    }
    assert {f"{name}{suffix}" for name in SHIPPED for suffix in (".safetensors", ".json")} <= shipped
    assert sorted(shipped - covered) == []  # a file in models/ that a wheel would leave out


def test_shipped_networks_are_found_through_importlib_resources():
    root = Path(str(resources.files(MODELS_PACKAGE)))
    assert models_dir() == root == BUNDLED_MODELS_DIR == MODELS_DIR
    for name in SHIPPED:
        assert (root / f"{name}.safetensors").stat().st_size > 100_000
        card = json.loads((root / f"{name}.json").read_text(encoding="utf-8"))
        assert card["name"] == name and card["licence"]["weights"] == "MIT"


NO_QT = """
import sys
for name in ("PySide6", "shiboken6", "pyqtgraph"):
    sys.modules[name] = None  # `import PySide6` now raises ImportError: as if the extra were not installed
from ideepcolor_app.cli.main import main
for argv in {helps!r}:
    try:
        main(argv)
    except SystemExit as end:
        assert end.code == 0, (argv, end.code)
codes = [main(argv) for argv in {refused!r}]
loaded = sorted(name for name, module in sys.modules.items()
                if module is not None and name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"))
print("RESULT", codes, loaded)
"""


def test_the_command_line_runs_without_the_gui_extra(tmp_path):
    helps = [["--help"]] + [
        [command, "--help"] for command in ("demo", "batch", "colorize", "restore", "bench", "weights")
    ]
    refused = [["gui"], [], ["install-desktop"], ["bench", "--gui-only"]]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    run = subprocess.run(
        [sys.executable, "-c", NO_QT.format(helps=helps, refused=refused)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines()[-1] == f"RESULT {[1] * len(refused)} []"
    errors = run.stderr.splitlines()
    assert errors == [
        "ideepcolor: error: the desktop app needs the gui extra (PySide6 and pyqtgraph): "
        'pip install "ideepcolor-app[gui]"'
    ] * len(refused)
    assert not (tmp_path / "data").exists()  # install-desktop wrote no entry that could not start the app
