"""Colour stroke commands: one undo step each, a drag merges, selection follows the stroke."""

import numpy as np
import pytest

from ideepcolor_app.engine.document import Document
from ideepcolor_app.engine.history import (
    AddHint,
    AddStroke,
    ClearHints,
    MoveStroke,
    RecolorStroke,
    RemoveHint,
    RemoveStroke,
    ResizeStroke,
    UndoStack,
)
from ideepcolor_app.hints import ColourStroke, HintPoint, Hints

STROKE = ColourStroke((44.0, -65.0), 3, ((4.0, 4.0), (20.0, 10.0)))


@pytest.fixture
def stack() -> UndoStack:
    doc = Document(np.full((20, 30), 50.0, dtype=np.float32), working_size=16)
    doc.set_hints(Hints(30, 20, (HintPoint(5.0, 5.0, (10.0, 20.0), 3),)))
    return UndoStack(doc)


COMMANDS = {
    "add": lambda d: AddStroke(d, STROKE),
    "move": lambda d: MoveStroke(d, 0, d.hints.strokes[0].moved(3.0, 2.0, 30, 20)),
    "recolour": lambda d: RecolorStroke(d, 0, (-30.0, 35.0)),
    "resize": lambda d: ResizeStroke(d, 0, 7),
    "remove": lambda d: RemoveStroke(d, 0),
    "clear": lambda d: ClearHints(d),
}


@pytest.mark.parametrize("name", COMMANDS)
def test_stroke_commands_undo_to_an_equal_document_and_redo(stack, name):
    doc = stack.doc
    if name != "add":
        stack.push(AddStroke(doc, STROKE))
    before = doc.state()
    seen = []
    doc.events.changed.connect(seen.append)
    assert stack.push(COMMANDS[name](doc))
    after = doc.state()
    assert after != before and len(seen) == 1
    assert stack.undo() and doc.state() == before
    assert stack.redo() and doc.state() == after


def test_adding_a_stroke_selects_it_and_deselects_the_point(stack):
    doc = stack.doc
    doc.set_selected(0)
    stack.push(AddStroke(doc, STROKE))
    assert doc.selected is None and doc.selected_stroke == 0
    stack.push(AddHint(doc, HintPoint(1.0, 1.0, (0.0, 0.0), 3)))
    assert doc.selected == 1 and doc.selected_stroke is None
    stack.undo()
    assert doc.selected is None and doc.selected_stroke == 0


def test_a_stroke_drag_is_one_undo_step_and_moves_the_stroke_as_one(stack):
    doc = stack.doc
    stack.push(AddStroke(doc, STROKE))
    stack.close_merge()
    for step in range(1, 6):
        stack.push(MoveStroke(doc, 0, STROKE.moved(float(step), float(step), 30, 20), drag_id=7))
    assert len(stack) == 2
    assert doc.hints.strokes[0].points == ((9.0, 9.0), (25.0, 15.0))
    stack.undo()
    assert doc.hints.strokes[0] == STROKE


def test_recolouring_changes_the_whole_stroke_only(stack):
    doc = stack.doc
    stack.push(AddStroke(doc, STROKE))
    stack.push(RecolorStroke(doc, 0, (-30.0, 35.0)))
    stroke = doc.hints.strokes[0]
    assert stroke.ab == (-30.0, 35.0) and stroke.points == STROKE.points and stroke.size == STROKE.size
    assert doc.hints.points[0].ab == (10.0, 20.0)


def test_removing_a_point_keeps_the_selected_stroke(stack):
    doc = stack.doc
    stack.push(AddStroke(doc, STROKE))
    stack.push(RemoveHint(doc, 0))
    assert doc.selected_stroke == 0 and doc.hints.points == ()


def test_clear_removes_points_and_strokes_but_not_damage_strokes(stack):
    doc = stack.doc
    stack.push(AddStroke(doc, STROKE))
    stack.push(ClearHints(doc))
    assert doc.hints.points == () and doc.hints.strokes == () and doc.selected_stroke is None
    stack.undo()
    assert doc.hints.strokes == (STROKE,)
