"""PointLabels: names and hidden flags follow the points through edits, undo and redo."""

import numpy as np

from ideepcolor_app.engine.document import Document
from ideepcolor_app.engine.history import AddHint, ClearHints, MoveHint, RecolorHint, RemoveHint, UndoStack
from ideepcolor_app.engine.point_labels import PointLabel, PointLabels
from ideepcolor_app.hints import HintPoint


def labelled_doc():
    doc = Document(np.full((20, 30), 50.0, np.float32))
    stack = UndoStack(doc)
    labels = PointLabels()
    doc.events.hints.connect(lambda hints: labels.follow(hints.points))
    for x in (5.0, 10.0, 15.0):
        stack.push(AddHint(doc, HintPoint(x, 5.0, (10.0, 20.0))))
    labels.set_name(0, "  sky  ")
    labels.set_name(1, "coat")
    labels.set_hidden(1, True)
    return doc, stack, labels


def test_labels_follow_a_move_and_a_recolour():
    doc, stack, labels = labelled_doc()
    stack.push(MoveHint(doc, 1, 12.0, 7.0))
    stack.push(RecolorHint(doc, 1, (-5.0, 30.0)))
    assert labels.labels == (PointLabel("sky"), PointLabel("coat", True), PointLabel())
    assert labels.title(2) == "Point 3" and labels.hidden() == [False, True, False]


def test_delete_shifts_the_labels_and_undo_brings_them_back():
    doc, stack, labels = labelled_doc()
    stack.push(RemoveHint(doc, 0))
    assert labels.labels == (PointLabel("coat", True), PointLabel())
    stack.undo()
    assert labels.labels == (PointLabel("sky"), PointLabel("coat", True), PointLabel())


def test_clear_and_undo_keeps_every_name():
    doc, stack, labels = labelled_doc()
    stack.push(ClearHints(doc))
    assert labels.labels == ()
    stack.undo()
    assert [labels.title(i) for i in range(3)] == ["sky", "coat", "Point 3"]


def test_changed_emits_only_on_a_real_change():
    _, _, labels = labelled_doc()
    seen = []
    labels.changed.connect(seen.append)
    labels.set_name(0, "sky")
    labels.set_hidden(1, True)
    assert seen == []
    labels.set_hidden(1, False)
    assert len(seen) == 1 and not seen[0][1].hidden


def test_reset_forgets_labels_for_another_photo():
    _, _, labels = labelled_doc()
    labels.reset((HintPoint(1.0, 1.0, (0.0, 0.0)),))
    assert labels.labels == (PointLabel(),)
