"""Commands and the UndoStack: undo restores an equal document, each edit emits once."""

import numpy as np
import pytest

from ideepcolor_app.engine.document import Document
from ideepcolor_app.engine.history import (
    AddHint,
    ClearHints,
    MoveHint,
    RecolorHint,
    RemoveHint,
    ReplaceHints,
    ResizeHint,
    SetGlobalHints,
    UndoStack,
)
from ideepcolor_app.hints import GlobalHints, HintPoint, Hints

HIST = tuple([1.0 / 529] * 529)


@pytest.fixture
def doc_with_two_hints() -> Document:
    doc = Document(np.full((20, 30), 50.0, dtype=np.float32), working_size=16)
    doc.set_hints(Hints(30, 20, (HintPoint(5.0, 5.0, (10.0, 20.0), 3), HintPoint(20.0, 10.0, (-30.0, 5.0), 5))))
    return doc


@pytest.fixture
def stack(doc_with_two_hints) -> UndoStack:
    return UndoStack(doc_with_two_hints)


COMMANDS = {
    "add": lambda d: AddHint(d, HintPoint(1.0, 2.0, (0.0, -50.0), 4)),
    "move": lambda d: MoveHint(d, 0, 12.0, 13.5),
    "recolour": lambda d: RecolorHint(d, 1, (40.0, 40.0)),
    "resize": lambda d: ResizeHint(d, 0, 9),
    "remove": lambda d: RemoveHint(d, 0),
    "clear": lambda d: ClearHints(d),
    "global": lambda d: SetGlobalHints(d, GlobalHints(0.6, HIST), GlobalHints(0.6, HIST)),
    "replace": lambda d: ReplaceHints(d, Hints(30, 20, (HintPoint(29.0, 19.0, (1.0, 1.0), 1),))),
}


@pytest.mark.parametrize("name", COMMANDS)
def test_command_undo_restores_an_equal_document_and_redo_reapplies(stack, name):
    doc = stack.doc
    before = doc.state()
    assert stack.push(COMMANDS[name](doc))
    after = doc.state()
    assert after != before
    assert stack.undo() and doc.state() == before
    assert stack.redo() and doc.state() == after
    assert not stack.redo()


@pytest.mark.parametrize("name", COMMANDS)
def test_command_emits_hints_and_changed_exactly_once(stack, name):
    doc = stack.doc
    seen = {"hints": 0, "changed": 0}
    doc.events.hints.connect(lambda _h: seen.__setitem__("hints", seen["hints"] + 1))
    doc.events.changed.connect(lambda _g: seen.__setitem__("changed", seen["changed"] + 1))
    stack.push(COMMANDS[name](doc))
    assert seen == {"hints": 1, "changed": 1}
    stack.undo()
    assert seen == {"hints": 2, "changed": 2}
    stack.redo()
    assert seen == {"hints": 3, "changed": 3}


def test_specific_effects(stack):
    doc = stack.doc
    stack.push(AddHint(doc, HintPoint(1.0, 2.0, (0.0, -50.0), 4)))
    assert doc.selected == 2 and doc.hints.points[2].ab == (0.0, -50.0)
    stack.push(MoveHint(doc, 2, 7.0, 8.0))
    assert (doc.hints.points[2].x, doc.hints.points[2].y) == (7.0, 8.0)
    stack.push(RemoveHint(doc, 2))
    assert len(doc.hints.points) == 2 and doc.selected is None
    stack.push(ClearHints(doc))
    assert doc.hints.points == ()
    assert stack.undo_text() == "clear points"


@pytest.mark.parametrize(
    "make",
    [
        lambda d: MoveHint(d, 0, 5.0, 5.0),
        lambda d: RecolorHint(d, 0, (10.0, 20.0)),
        lambda d: ResizeHint(d, 1, 5),
        lambda d: SetGlobalHints(d, GlobalHints()),
    ],
)
def test_noop_edit_is_dropped_and_emits_nothing(stack, make):
    doc = stack.doc
    seen = []
    for name in doc.events.NAMES:
        getattr(doc.events, name).connect(lambda *a, n=name: seen.append(n))
    stack.can_undo_event.connect(lambda v: seen.append("can_undo"))
    assert not stack.push(make(doc))
    assert seen == [] and len(stack) == 0 and not stack.can_undo


def test_clearing_no_points_is_a_noop():
    stack = UndoStack(Document(np.zeros((4, 4), np.float32)))
    assert not stack.push(ClearHints(stack.doc)) and len(stack) == 0


def test_a_drag_is_one_undo_step(stack):
    doc = stack.doc
    start = doc.state()
    for i in range(50):
        stack.push(MoveHint(doc, 0, 5.0 + i * 0.4, 5.0 + i * 0.2, drag_id=1))
    assert len(stack) == 1
    assert doc.hints.points[0].x == pytest.approx(5.0 + 49 * 0.4)
    stack.close_merge()
    stack.push(MoveHint(doc, 0, 1.0, 1.0, drag_id=2))
    assert len(stack) == 2
    stack.undo()
    stack.undo()
    assert doc.state() == start


def test_a_drag_back_to_the_start_leaves_no_step(stack):
    doc = stack.doc
    stack.push(MoveHint(doc, 0, 9.0, 9.0, drag_id=7))
    stack.push(MoveHint(doc, 0, 5.0, 5.0, drag_id=7))
    assert len(stack) == 0 and not stack.can_undo


def test_moves_of_different_points_or_drags_do_not_merge(stack):
    doc = stack.doc
    stack.push(MoveHint(doc, 0, 9.0, 9.0, drag_id=1))
    stack.push(MoveHint(doc, 1, 9.0, 9.0, drag_id=1))
    stack.push(MoveHint(doc, 1, 8.0, 9.0, drag_id=2))
    stack.push(MoveHint(doc, 1, 7.0, 9.0))
    stack.push(MoveHint(doc, 1, 6.0, 9.0))
    assert len(stack) == 5


def test_slider_moves_with_one_merge_key_merge(stack):
    doc = stack.doc
    for level in (0.1, 0.2, 0.3):
        stack.push(SetGlobalHints(doc, GlobalHints(level), GlobalHints(level), merge_key=("saturation", 1)))
    assert len(stack) == 1 and doc.hints.global_hints.saturation == 0.3
    stack.undo()
    assert doc.hints.global_hints.saturation is None and doc.global_store == GlobalHints()


def test_undo_stack_events_emit_on_change_only(stack):
    doc = stack.doc
    undo_seen, redo_seen = [], []
    stack.can_undo_event.connect(undo_seen.append)
    stack.can_redo_event.connect(redo_seen.append)
    stack.push(MoveHint(doc, 0, 9.0, 9.0))
    stack.push(MoveHint(doc, 0, 8.0, 9.0))
    assert undo_seen == [True] and redo_seen == []
    stack.undo()
    assert redo_seen == [True]
    stack.undo()
    assert undo_seen == [True, False]
    stack.push(RecolorHint(doc, 0, (1.0, 1.0)))  # a new edit drops the redo branch
    assert redo_seen == [True, False] and len(stack) == 1 and not stack.can_redo


def test_undo_after_undo_does_not_merge_the_next_drag(stack):
    doc = stack.doc
    stack.push(MoveHint(doc, 0, 9.0, 9.0, drag_id=1))
    stack.undo()
    stack.redo()
    stack.push(MoveHint(doc, 0, 10.0, 9.0, drag_id=1))
    assert len(stack) == 2


def test_clear_history(stack):
    stack.push(ClearHints(stack.doc))
    stack.clear()
    assert len(stack) == 0 and not stack.can_undo and stack.undo_text() == ""
