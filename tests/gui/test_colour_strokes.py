"""Colour strokes and object fills in the app: painted, selected, dragged, recoloured, undone,
saved; a fill is outlined before it is committed and covers the clicked object."""

import json

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.gui.conftest import click, drag, make_window, messages, qsettings, show, wait_rendered  # noqa: F401

ROW = 10.0  # the painted stroke runs along this row, on the ramp above the dark square


@pytest.fixture
def shown(qtbot, window):
    show(qtbot, window)
    window.doc.set_current_ab((44.0, -65.0))
    return window


def result_ab(window) -> np.ndarray:
    """(2,h,w) ab of the result on screen (the fake backend paints hint colour where hinted)."""
    return window.last_result.ab_small.numpy()


def test_the_brush_paints_one_stroke_of_the_colour_in_one_undo_step(qtbot, shown):
    window, doc = shown, shown.doc
    window.named_actions["colour_brush"].trigger()
    assert window.canvas.strokes.tool == "brush"
    drag(window, [(10.0, ROW), (30.0, ROW), (50.0, ROW)])
    assert len(doc.hints.strokes) == 1 and doc.hints.points == ()
    stroke = doc.hints.strokes[0]
    assert stroke.ab == (44.0, -65.0) and stroke.size == doc.patch_size
    assert stroke.points[0] == pytest.approx((10.0, ROW), abs=0.6)
    assert stroke.points[-1] == pytest.approx((50.0, ROW), abs=0.6)
    assert window.stack.undo_text() == "paint stroke" and len(window.stack) == 1
    wait_rendered(qtbot, window)
    ab = result_ab(window)  # working 32 x 21: photo row 10 -> row 3, columns 10-50 -> 3-16
    assert np.allclose(ab[:, 3, 4:16].T, (44.0, -65.0)) and not np.allclose(ab[:, 15, 4:16].T, (44.0, -65.0))
    window.stack.undo()
    assert doc.hints.strokes == ()
    window.stack.redo()
    assert doc.hints.strokes == (stroke,)


def test_a_stroke_is_selected_dragged_as_one_recoloured_and_deleted(qtbot, shown):
    window, doc = shown, shown.doc
    window.named_actions["colour_brush"].trigger()
    drag(window, [(10.0, ROW), (50.0, ROW)])
    QTest.keyClick(window.canvas.viewport, Qt.Key.Key_Escape)
    assert window.canvas.strokes.tool is None
    doc.set_selected_stroke(None)
    click(window, 30.0, ROW)
    assert doc.selected_stroke == 0 and doc.hints.points == ()  # selected, no point added
    before = doc.hints.strokes[0]
    drag(window, [(30.0, ROW), (35.0, ROW + 4), (40.0, ROW + 8)])
    moved = doc.hints.strokes[0]
    assert np.allclose(np.subtract(moved.points, before.points), (10.0, 8.0), atol=0.6)
    assert window.stack.undo_text() == "move stroke" and len(window.stack) == 2  # the drag: one step
    window.colour_panel.colourPicked.emit(-30.0, 35.0)  # a colour picked in the panel
    assert doc.hints.strokes[0].ab == (-30.0, 35.0) and doc.hints.strokes[0].points == moved.points
    window.named_actions["delete"].trigger()
    assert doc.hints.strokes == ()
    window.stack.undo()
    assert doc.hints.strokes[0].ab == (-30.0, 35.0)


def test_shift_click_outlines_the_object_and_a_click_inside_fills_it(qtbot, shown):
    window, doc = shown, shown.doc
    tools = window.stroke_tools
    with qtbot.waitSignal(tools.task.finished, timeout=20000):
        QTest.mouseClick(
            window.canvas.viewport,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.ShiftModifier,
            window.canvas.widget_pos(72.0, 32.0),
        )  # in the dark square (rows 20-43, cols 60-83)
    assert window.canvas.strokes.outline_shown and doc.hints.strokes == () and doc.hints.points == ()
    region = tools.pending.region  # working 21 x 32: the square is rows 7-14, cols 20-27
    assert region[8:14, 21:27].all() and not region[:, :16].any() and not region[:4].any()
    click(window, 72.0, 32.0)
    assert not window.canvas.strokes.outline_shown and len(doc.hints.strokes) == 1
    assert window.stack.undo_text() == "fill object"
    wait_rendered(qtbot, window)
    ab = result_ab(window)
    filled = np.all(np.isclose(ab.transpose(1, 2, 0), (44.0, -65.0)), axis=-1)
    assert filled[8:14, 21:27].mean() > 0.6 and not filled[:, :16].any() and not filled[:4].any()


def test_a_click_outside_the_outline_or_escape_cancels_the_fill(qtbot, shown):
    window, doc = shown, shown.doc
    window.named_actions["fill_object"].trigger()
    with qtbot.waitSignal(window.stroke_tools.task.finished, timeout=20000):
        click(window, 72.0, 32.0)
    assert window.canvas.strokes.outline_shown
    click(window, 10.0, 10.0)
    assert not window.canvas.strokes.outline_shown and doc.hints.strokes == () and doc.hints.points == ()
    with qtbot.waitSignal(window.stroke_tools.task.finished, timeout=20000):
        click(window, 72.0, 32.0)
    QTest.keyClick(window.canvas.viewport, Qt.Key.Key_Escape)
    assert not window.canvas.strokes.outline_shown and window.canvas.strokes.tool == "fill"
    QTest.keyClick(window.canvas.viewport, Qt.Key.Key_Escape)
    assert window.canvas.strokes.tool is None and doc.hints.strokes == ()


def test_strokes_are_saved_with_the_session(qtbot, shown, small_photo):
    window = shown
    window.named_actions["colour_brush"].trigger()
    drag(window, [(10.0, ROW), (50.0, ROW)])
    assert window.files.save_session()
    data = json.loads(small_photo.with_name("photo.hints.json").read_text())
    assert data["version"] == 2 and data["strokes"][0]["ab"] == [44.0, -65.0]
