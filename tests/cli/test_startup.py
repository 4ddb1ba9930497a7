"""Opening the app from the command line does not load torch before the window shows."""

import subprocess
import sys

import pytest

PROBE = (
    "import sys; from ideepcolor_app.cli.main import build_parser; "
    "build_parser({argv!r}).parse_args({argv!r}); print('torch' in sys.modules)"
)


@pytest.mark.parametrize(
    "argv, loads_torch", [([], False), (["gui", "family.jpg"], False), (["colorize", "a.jpg", "-o", "b.png"], True)]
)
def test_only_the_command_that_needs_torch_imports_it(argv, loads_torch):
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == str(loads_torch)
