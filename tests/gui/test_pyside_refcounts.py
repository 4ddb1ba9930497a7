"""Guard against the PySide6 6.12.0 slot-call bug that made the test run abort.

PySide6 6.12.0 drops one reference to the arguments and the return value of each Python slot a
signal calls. On CPython < 3.12 (None, True and False are not immortal there) the interpreter
aborts with "none_dealloc" or "bool_dealloc" after a few thousand signals. pyproject.toml
excludes that version; this test catches a regression in whatever version is installed.
"""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    flag = Signal(bool)


def test_signals_keep_references_to_slot_arguments_and_results(qapp):
    emitter = _Emitter()
    emitter.flag.connect(lambda value: None)
    before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(50):
        emitter.flag.emit(True)
    after = sys.getrefcount(True), sys.getrefcount(None)
    assert after[0] >= before[0] - 2 and after[1] >= before[1] - 2, (before, after)
