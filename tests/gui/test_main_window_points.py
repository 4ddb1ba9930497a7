"""Placing hints with the mouse and keyboard on the real main window; every edit undoes and redoes."""

import pytest
from PySide6.QtCore import Qt

from tests.gui.conftest import click, drag, show, wait_rendered, wheel


@pytest.fixture
def shown(qtbot, window):
    show(qtbot, window)
    return window


def test_click_adds_a_point_with_the_predicted_colour(qtbot, shown):
    window = shown
    predicted = window.last_result.ab_at(30.5 / 96, 20.5 / 64)
    click(window, 30.5, 20.5)
    (point,) = window.doc.hints.points
    assert point.x == pytest.approx(30.5, abs=0.5) and point.y == pytest.approx(20.5, abs=0.5)
    assert point.ab == pytest.approx(predicted)
    assert point.size == 3 and window.doc.selected == 0
    assert window.named_actions["undo"].isEnabled() and window.named_actions["undo"].text() == "&Undo add point"
    window.named_actions["undo"].trigger()
    assert window.doc.hints.points == () and window.doc.selected is None
    window.named_actions["redo"].trigger()
    assert window.doc.hints.points == (point,)


def test_click_takes_the_chosen_colour_and_the_canvas_draws_it(qtbot, shown):
    window = shown
    window.colour_panel.colourPicked.emit(10.0, -60.0)
    assert window.doc.current_ab == (10.0, -60.0)
    click(window, 12.5, 40.5)
    assert window.doc.hints.points[0].ab == (10.0, -60.0)
    rect = window.canvas._rects[0]
    assert rect.isVisible()
    assert rect.brush().color().blue() > rect.brush().color().red() + 80  # drawn blue
    assert rect.pen().color().name() == "#ffdc00"  # the selected point is highlighted
    click(window, 80.5, 10.5)
    assert window.canvas._rects[0].pen().color().name() == "#ffffff"
    click(window, 12.5, 40.5)  # clicking a point selects it, adds nothing
    assert len(window.doc.hints.points) == 2 and window.doc.selected == 0


def test_drag_moves_the_point_continuously_as_one_undo_step(qtbot, shown):
    window = shown
    click(window, 20.5, 20.5)
    start = window.doc.hints.points[0]
    seen = []
    window.doc.events.hints.connect(lambda hints: seen.append(hints.points[0].x))
    drag(window, [(20.5 + i * 3, 20.5 + i) for i in range(11)])
    moved = window.doc.hints.points[0]
    assert moved.x == pytest.approx(50.5, abs=0.5) and moved.y == pytest.approx(30.5, abs=0.5)
    assert len(seen) >= 5 and seen == sorted(seen)  # many intermediate positions, in order
    assert len(window.stack) == 2  # add + one move
    window.stack.undo()
    assert window.doc.hints.points[0] == start
    window.stack.redo()
    assert window.doc.hints.points[0] == moved


def test_drag_outside_the_photo_keeps_the_point_inside(qtbot, shown):
    window = shown
    click(window, 90.5, 60.5)
    drag(window, [(90.5, 60.5), (120.0, 90.0), (150.0, 100.0)])
    point = window.doc.hints.points[0]
    assert 95.9 < point.x < 96 and 63.9 < point.y < 64


def test_right_click_removes_and_undo_restores(qtbot, shown):
    window = shown
    click(window, 20.5, 20.5)
    click(window, 60.5, 40.5)
    before = window.doc.hints
    click(window, 20.5, 20.5, right=True)
    assert [p.x for p in window.doc.hints.points] == [before.points[1].x]
    window.stack.undo()
    assert window.doc.hints == before
    window.stack.redo()
    assert len(window.doc.hints.points) == 1


def test_delete_key_removes_the_selected_point(qtbot, shown):
    window = shown
    click(window, 20.5, 20.5)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas.viewport, Qt.Key.Key_Delete)
    assert window.doc.hints.points == ()
    qtbot.keyClick(window.canvas.viewport, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(window.doc.hints.points) == 1
    qtbot.keyClick(
        window.canvas.viewport, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert window.doc.hints.points == ()


def test_wheel_over_a_point_resizes_it_elsewhere_zooms(qtbot, shown):
    window = shown
    click(window, 40.5, 30.5)
    wheel(window, 40.5, 30.5, 1)
    wheel(window, 40.5, 30.5, 1)
    assert window.doc.hints.points[0].size == 5
    window.stack.undo()
    assert window.doc.hints.points[0].size == 4
    for _ in range(8):
        wheel(window, 40.5, 30.5, 1)
    assert window.doc.hints.points[0].size == 9  # clamped at the largest patch
    before = window.canvas.view_rect()
    wheel(window, 5.5, 60.5, 1)  # not over a point: zoom in
    assert window.canvas.view_rect().width() < before.width()
    assert window.doc.hints.points[0].size == 9


def test_size_slider_sets_new_and_selected_point_sizes(qtbot, shown):
    window = shown
    window.size_slider.setValue(6)
    assert window.doc.patch_size == 6 and window.size_label.text() == "6"
    click(window, 40.5, 30.5)
    assert window.doc.hints.points[0].size == 6
    window.size_slider.setValue(2)
    assert window.doc.hints.points[0].size == 2
    window.stack.undo()
    assert window.doc.hints.points[0].size == 6


def test_recolour_selected_point_with_the_colour_panel(qtbot, shown):
    window = shown
    click(window, 40.5, 30.5)
    window.colour_panel.colourPicked.emit(50.0, 40.0)
    assert window.doc.hints.points[0].ab == (50.0, 40.0)
    assert window.stack.undo_text() == "recolour point"
    window.stack.undo()
    assert window.doc.hints.points[0].ab != (50.0, 40.0)
    window.stack.redo()
    assert window.doc.hints.points[0].ab == (50.0, 40.0)


def test_clear_points_undo(qtbot, shown):
    window = shown
    click(window, 20.5, 20.5)
    click(window, 60.5, 20.5)
    window.named_actions["clear"].trigger()
    assert window.doc.hints.points == ()
    window.stack.undo()
    assert len(window.doc.hints.points) == 2


def test_colour_panel_follows_the_selection(qtbot, shown, monkeypatch):
    window = shown
    calls = []
    panel = window.colour_panel
    monkeypatch.setattr(panel, "set_lightness", lambda l: calls.append(("lightness", l)))
    monkeypatch.setattr(panel, "set_colour", lambda ab: calls.append(("colour", ab)))
    monkeypatch.setattr(panel, "set_distribution", lambda d, x, y: calls.append(("dist", d is not None, x, y)))
    window.colour_panel.colourPicked.emit(0.0, -40.0)
    click(window, 70.5, 30.5)  # inside the dark square (L about 16)
    wait_rendered(qtbot, window)
    qtbot.waitUntil(lambda: any(c[0] == "dist" for c in calls), timeout=10000)  # once the edits pause
    assert ("lightness", pytest.approx(window.doc.l_full[30, 70])) in calls
    assert window.doc.l_full[30, 70] < 25
    assert ("colour", (0.0, -40.0)) in calls
    dist_calls = [c for c in calls if c[0] == "dist"]
    assert dist_calls and dist_calls[-1][1] is True
    assert dist_calls[-1][2] == pytest.approx(window.doc.hints.points[0].x / 96)
    calls.clear()
    window.canvas.zoom(0.5)
    click(window, -10.0, 30.5)  # outside the photo: deselect
    assert window.doc.selected is None and ("lightness", None) in calls


def test_zoom_and_pan_stay_in_step(qtbot, shown):
    window = shown
    canvas = window.canvas
    canvas.zoom(2.0)
    assert canvas.result_view.viewRect() == canvas.input_view.viewRect()
    canvas.input_view.translateBy((10, 5))
    assert canvas.result_view.viewRect() == canvas.input_view.viewRect()
    window.named_actions["actual"].trigger()
    assert canvas.input_view.viewPixelSize()[0] == pytest.approx(1.0, rel=0.02)
    window.named_actions["fit"].trigger()
    rect = canvas.view_rect()
    assert rect.contains(0.0, 0.0) and rect.contains(95.9, 63.9)
