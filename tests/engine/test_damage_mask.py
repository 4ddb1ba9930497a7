"""Damage strokes in the document: undoable, kept by point edits, no render of their own; the
overlay's labels and the summary's counts."""

import numpy as np

from ideepcolor_app.engine.damage_mask import ADDED, DETECTED, REMOVED, damage_labels, describe_filled
from ideepcolor_app.engine.document import Document
from ideepcolor_app.engine.history import AddDamageStroke, AddHint, ClearHints, UndoStack
from ideepcolor_app.hints import DamageStroke, HintPoint

PAINT = DamageStroke("add", 2.0, ((10.5, 5.5), (20.5, 5.5)))
ERASE = DamageStroke("remove", 1.0, ((15.5, 5.5),))


def test_a_stroke_is_one_undo_step_and_needs_no_render_of_its_own():
    doc = Document(np.full((12, 30), 50.0, np.float32))
    stack = UndoStack(doc)
    seen, generation = [], doc.generation
    doc.events.hints.connect(seen.append)
    assert stack.push(AddDamageStroke(doc, PAINT)) and stack.undo_text() == "paint damage"
    assert doc.hints.damage_strokes == (PAINT,) and doc.modified and len(seen) == 1
    assert doc.generation == generation  # the restored lightness bumps it once refilled
    stack.push(AddDamageStroke(doc, ERASE))
    assert stack.undo_text() == "erase damage" and len(stack) == 2
    stack.undo()
    assert doc.hints.damage_strokes == (PAINT,)
    stack.undo()
    assert doc.hints.damage_strokes == () and not doc.modified
    stack.redo()
    assert doc.hints.damage_strokes == (PAINT,)


def test_point_edits_keep_the_strokes():
    doc = Document(np.full((12, 30), 50.0, np.float32))
    stack = UndoStack(doc)
    stack.push(AddDamageStroke(doc, PAINT))
    stack.push(AddHint(doc, HintPoint(3.0, 3.0, (10.0, 10.0), 3)))
    stack.push(ClearHints(doc))
    assert doc.hints.points == () and doc.hints.damage_strokes == (PAINT,)


def test_labels_and_counts_of_a_corrected_mask():
    detected = np.zeros((12, 30), bool)
    detected[5, 14:17] = True  # under the erase stroke
    detected[10, 2] = True  # left alone
    labels, counts = damage_labels(detected, (PAINT, ERASE))
    assert labels[10, 2] == DETECTED and labels[5, 10] == ADDED and labels[5, 20] == ADDED
    assert labels[5, 15] == REMOVED and labels[0, 0] == 0
    assert counts.pixels == 360 and counts.detected == 4
    assert counts.removed == int((labels == REMOVED).sum()) and counts.added == int((labels == ADDED).sum())
    assert counts.corrected == int(((labels == DETECTED) | (labels == ADDED)).sum())
    assert not detected[5, 10]  # the detector's mask is not changed


def test_summary_line():
    _labels, counts = damage_labels(np.ones((10, 10), bool), ())
    assert describe_filled(counts, 100) == (
        "Filled 100.00% of the photo (edges included): detected 100.00%, painted in 0%, painted out 0%"
    )
    _labels, counts = damage_labels(np.zeros((200, 300), bool), (DamageStroke("add", 0.5, ((1.5, 1.5),)),))
    assert describe_filled(counts, 1) == (
        "Filled <0.01% of the photo (edges included): detected 0%, painted in <0.01%, painted out 0%"
    )
