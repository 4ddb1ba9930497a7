"""Layering rules, checked on the source: the engine and models never import Qt.

The full set of import contracts (layers, no `training` in the app) is `lint-imports`'s, in
pyproject.toml; this test keeps the Qt rule in the test suite too.
"""

import ast
from pathlib import Path

import ideepcolor_app

PACKAGE = Path(ideepcolor_app.__file__).parent
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "superqt", "qtpy")
QT_FREE = ("atomic.py", "color", "hints", "nets", "imageio", "propagation", "restore", "engine", "cli")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_model_and_engine_code_never_imports_qt():
    checked = []
    for entry in QT_FREE:
        root = PACKAGE / entry
        for path in [root] if root.is_file() else sorted(root.rglob("*.py")):
            offending = {m for m in imported_modules(path) if m.split(".")[0] in QT_MODULES}
            assert not offending, f"{path.relative_to(PACKAGE)} imports {sorted(offending)}"
            checked.append(path)
    assert len(checked) > 30  # the rule really looked at the package
