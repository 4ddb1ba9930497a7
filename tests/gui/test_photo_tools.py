"""The photo-tool parts of the main window: before/after divider, loupe, cursor chip, eyedropper,
points list, predicted colour, fit zoom without panning, About."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ideepcolor_app.color.swatch import clamp_ab, labs_to_rgb_u8
from ideepcolor_app.engine.colorizer import gray_u8
from ideepcolor_app.gui.points_panel import NAME, SHOWN
from tests.gui.conftest import click, drag, show, wait_rendered


@pytest.fixture
def shown(qtbot, window):
    show(qtbot, window)
    return window


def pixel(window, x: float, y: float, result: bool = True) -> tuple[int, int, int]:
    """The colour drawn at photo position (x, y) of the result (or input) view, as on screen."""
    canvas = window.canvas
    QApplication.processEvents()
    image = canvas.viewport.grab().toImage()
    pos = canvas.result_widget_pos(x, y) if result else canvas.widget_pos(x, y)
    colour = image.pixelColor(pos)
    return colour.red(), colour.green(), colour.blue()


def grey_of(l_value: float) -> tuple[int, int, int]:
    return tuple(int(v) for v in labs_to_rgb_u8(np.array([l_value]), np.zeros((1, 2)))[0])


def press(window, x: float, y: float, kind=QEvent.Type.MouseButtonPress, held=True) -> None:
    """A left-button event on the input view at photo position (x, y)."""
    viewport = window.canvas.viewport
    pos = QPointF(window.canvas.widget_pos(x, y))
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    button = none if kind == QEvent.Type.MouseMove else left
    event = QMouseEvent(
        kind,
        pos,
        QPointF(viewport.mapToGlobal(pos.toPoint())),
        button,
        left if held else none,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


# -- before/after -----------------------------------------------------------------------------


def test_divider_shows_grey_left_and_colour_right_and_moves(qtbot, shown):
    window = shown
    window.doc.set_backend_name("zhang")  # fake zhang: a = 38 everywhere, a plain red cast
    wait_rendered(qtbot, window)
    x, y = 70.5, 50.5
    red = pixel(window, x, y)
    assert red[0] > red[1] + 20  # the colour result
    window.named_actions["compare"].trigger()
    compare = window.compare
    assert compare.enabled and compare.divider.line.isVisible()
    assert compare.divider.line_x == pytest.approx(48.0)  # half of the 96-pixel photo
    grey = pixel(window, 30.5, y)
    assert abs(grey[0] - grey[1]) <= 2 and abs(grey[1] - grey[2]) <= 2  # left of the line: grey
    assert grey == pytest.approx(grey_of(window.doc.l_full[50, 30]), abs=3)
    assert pixel(window, x, y) == red  # right of the line: the colour result, unchanged
    compare.divider.line.setValue(80.0)  # as a drag of the line does
    assert compare.divider.fraction == pytest.approx(80 / 96)
    moved = pixel(window, x, y)
    assert abs(moved[0] - moved[1]) <= 2  # now left of the line: grey
    assert pixel(window, 90.5, y)[0] > pixel(window, 90.5, y)[1] + 20
    window.named_actions["compare"].trigger()
    assert pixel(window, x, y) == red and not compare.divider.line.isVisible()


def test_divider_line_follows_a_mouse_drag(qtbot, shown):
    window = shown
    window.named_actions["compare"].trigger()
    canvas, divider = window.canvas, window.compare.divider
    viewport = canvas.viewport
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton

    def send(kind, x, button, buttons):
        pos = QPointF(canvas.result_widget_pos(x, 32.0))
        QApplication.sendEvent(
            viewport,
            QMouseEvent(
                kind, pos, QPointF(viewport.mapToGlobal(pos.toPoint())), button, buttons, Qt.KeyboardModifier.NoModifier
            ),
        )

    send(QEvent.Type.MouseButtonPress, 48.0, left, left)
    for x in (44.0, 36.0, 28.0, 24.0):
        send(QEvent.Type.MouseMove, x, none, left)
    send(QEvent.Type.MouseButtonRelease, 24.0, left, none)
    assert divider.line_x == pytest.approx(24.0, abs=1.5)
    assert divider.label.textItem.toPlainText() == "◀ Grey photo  |  Colour ▶"  # still named after the drag
    assert canvas.fitted  # the drag moved the line, not the view


def test_divider_compares_with_another_backend(qtbot, shown):
    window = shown
    window.named_actions["compare"].trigger()
    window.compare.set_source("zhang")
    qtbot.waitUntil(lambda: window.compare.divider.before_name == "Zhang ECCV16", timeout=10000)
    left = pixel(window, 20.5, 50.5)
    assert left[0] > left[1] + 20  # zhang's red left of the line; the hints result right of it
    assert "Zhang ECCV16" in [window.compare_combo.itemText(i) for i in range(window.compare_combo.count())]


# -- loupe and cursor chip ----------------------------------------------------------------------


def test_loupe_shows_the_pixel_under_the_cursor_while_placing(qtbot, shown):
    window = shown
    loupe = window.probe.loupe
    press(window, 70.5, 30.5)  # in the dark square
    assert loupe.isVisible()
    l_value = float(window.doc.l_full[30, 70])
    assert loupe.centre_rgb() == tuple(int(v) for v in gray_u8(window.doc.l_full)[30, 70])  # as the view shows it
    assert loupe.centre_rgb() == pytest.approx(grey_of(l_value), abs=1)
    assert loupe.text.startswith(f"L {l_value:.1f}") and "(70, 30)" in loupe.text
    assert loupe.swatch_text == "predicted"
    press(window, 70.5, 30.5, QEvent.Type.MouseButtonRelease, held=False)
    assert not loupe.isVisible()


def test_drag_at_fit_places_the_point_where_it_is_released(qtbot, shown):
    window = shown
    before = window.canvas.view_rect()
    drag(window, [(70.5, 30.5), (50.5, 20.5), (30.5, 12.5), (20.5, 10.5)])
    (point,) = window.doc.hints.points
    assert point.x == pytest.approx(20.5, abs=0.6) and point.y == pytest.approx(10.5, abs=0.6)
    assert window.canvas.view_rect() == before  # at fit zoom nothing pans


def test_loupe_follows_a_point_being_dragged(qtbot, shown):
    window = shown
    click(window, 20.5, 20.5)
    press(window, 20.5, 20.5)
    press(window, 30.5, 25.5, QEvent.Type.MouseMove)
    loupe = window.probe.loupe
    assert loupe.isVisible() and loupe.swatch_text == "Point 1"
    press(window, 30.5, 25.5, QEvent.Type.MouseButtonRelease, held=False)


def test_cursor_chip_shows_the_colour_a_new_point_takes(qtbot, shown):
    window = shown
    chip = window.probe.chip
    press(window, 40.5, 30.5, QEvent.Type.MouseMove, held=False)
    assert chip.isVisible() and chip.text == "predicted"
    predicted = window.last_result.ab_at(40.5 / 96, 30.5 / 64)
    l_value = window.doc.lightness_at(40.5, 30.5)
    assert chip.rgb == tuple(int(v) for v in labs_to_rgb_u8(np.array([l_value]), np.array([predicted]))[0])
    window.colour_panel.colourPicked.emit(0.0, -50.0)
    press(window, 41.5, 30.5, QEvent.Type.MouseMove, held=False)
    assert chip.text == "new point" and chip.rgb[2] > chip.rgb[0] + 40  # the chosen blue
    window.colour_panel.predicted_button.click()  # one click back to the predicted colour
    assert window.doc.current_ab is None
    press(window, 40.5, 30.5, QEvent.Type.MouseMove, held=False)
    assert chip.text == "predicted"


# -- eyedropper -------------------------------------------------------------------------------


def test_eyedropper_takes_the_results_colour_for_new_points(qtbot, shown):
    window = shown
    window.named_actions["eyedropper"].trigger()
    assert window.canvas.eyedropper and window.colour_panel.eyedropper_button.isChecked()
    QTest.mouseClick(
        window.canvas.viewport,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        window.canvas.result_widget_pos(30.5, 50.5),
    )
    expected = window.last_result.ab_at(30.5 / 96, 50.5 / 64)
    assert window.doc.current_ab == pytest.approx(expected)
    assert window.doc.hints.points == ()  # it took a colour and added no point
    assert not window.canvas.eyedropper and not window.named_actions["eyedropper"].isChecked()  # one click


def test_eyedropper_copies_a_colour_from_one_point_to_another(qtbot, shown):
    window = shown
    window.colour_panel.colourPicked.emit(50.0, 40.0)
    click(window, 15.5, 15.5)
    window.doc.set_selected(None)
    window.colour_panel.colourPicked.emit(-30.0, 20.0)
    click(window, 60.5, 50.5)
    click(window, 15.5, 15.5)  # select the first again
    assert window.doc.selected == 0 and window.doc.hints.points[0].ab == (50.0, 40.0)
    window.named_actions["eyedropper"].trigger()
    click(window, 60.5, 50.5)  # on the second point: its colour
    first, second = window.doc.hints.points
    assert first.ab == second.ab == (-30.0, 20.0) and len(window.doc.hints.points) == 2
    assert window.stack.undo_text() == "recolour point" and window.doc.selected == 0


# -- points list --------------------------------------------------------------------------------


def test_points_list_rows_selection_rename_hide_and_delete(qtbot, shown):
    window = shown
    panel = window.points_panel
    click(window, 15.5, 15.5)
    click(window, 60.5, 50.5)
    assert panel.table.rowCount() == 2
    assert [panel.table.item(i, NAME).text() for i in range(2)] == ["Point 1", "Point 2"]
    assert panel.table.item(1, 2).text() == "60, 50" and panel.table.item(1, 3).text() == "3"
    assert panel.selected_row() == 1  # the new point is selected in the list too
    panel.table.selectRow(0)
    assert window.doc.selected == 0
    panel.table.item(0, NAME).setText("sky")  # as the editor does on Enter
    assert window.point_title(0) == "sky" and panel.table.item(0, NAME).text() == "sky"
    panel.table.item(1, SHOWN).setCheckState(Qt.CheckState.Unchecked)
    assert not window.canvas._rects[1].isVisible() and window.canvas.point_at(60.5, 50.5) is None
    assert len(window.doc.hints.points) == 2  # hidden, not gone: it still colours the photo
    window.stack.push(
        __import__("ideepcolor_app.engine.history", fromlist=["MoveHint"]).MoveHint(window.doc, 0, 20.5, 18.5)
    )
    assert panel.table.item(0, NAME).text() == "sky" and panel.table.item(0, 2).text() == "20, 18"
    panel.table.selectRow(0)
    panel.delete_button.click()
    assert len(window.doc.hints.points) == 1 and panel.table.rowCount() == 1
    assert panel.table.item(0, NAME).text() == "Point 1"  # the hidden one, now first
    assert panel.table.item(0, SHOWN).checkState() == Qt.CheckState.Unchecked
    window.stack.undo()
    assert [window.point_title(i) for i in range(2)] == ["sky", "Point 2"]


def test_points_list_recolours_with_the_chosen_copied_and_predicted_colours(qtbot, shown):
    window = shown
    panel = window.points_panel
    window.colour_panel.colourPicked.emit(40.0, 40.0)
    click(window, 15.5, 15.5)
    window.doc.set_selected(None)
    window.colour_panel.colourPicked.emit(-20.0, -20.0)
    click(window, 60.5, 50.5)
    panel.copied.emit(1)
    panel.recolourChosen.emit(0, "paste")
    l_first = window.doc.lightness_at(15.5, 15.5)
    assert window.doc.hints.points[0].ab == pytest.approx(clamp_ab(l_first, -20.0, -20.0))  # displayable there
    panel.colourPicked.emit(0, "#c03020")
    assert window.doc.hints.points[0].ab[0] > 40  # the dialog's red, as a and b
    panel.recolourChosen.emit(0, "predicted")
    # the fake backend predicts a = (L - 50) * 0.4, b = 0 where no hint is
    assert window.doc.hints.points[0].ab[1] == pytest.approx(0.0, abs=1.0)
    assert window.doc.hints.points[0].ab[0] == pytest.approx((l_first - 50) * 0.4, abs=3.0)


# -- zoom -------------------------------------------------------------------------------------


def test_no_panning_at_fit_and_zooming_out_snaps_back_to_fit(qtbot, shown):
    window = shown
    canvas = window.canvas
    before = canvas.view_rect()
    canvas.set_pan_mode(True)
    drag(window, [(40.5, 30.5), (50.5, 35.5), (60.5, 40.5)])
    canvas.set_pan_mode(False)
    assert canvas.view_rect() == before and canvas.fitted
    canvas.zoom(2.0)
    assert not canvas.fitted
    canvas.input_view.scaleBy((3.0, 3.0))  # zoomed out past the whole photo
    canvas._on_manual_range()
    assert canvas.fitted and canvas.view_rect().contains(95.0, 63.0)


def test_about_lists_every_backend_with_its_card_and_the_licences(qtbot, shown):
    from ideepcolor_app import __version__

    window = shown
    window.named_actions["about"].trigger()
    dialog = window.about_dialog
    qtbot.addWidget(dialog)
    assert __version__ in dialog.version.text()
    text = dialog.backends.toPlainText()
    for title in ("Hints network", "Zhang ECCV16", "pix2pix GAN", "Semantic fusion", "Classic propagation"):
        assert title in text
    assert "Training data" in text and "Held out of training" in text and "dB" in text
    assert "Weights: MIT" in text
    licences = dialog.licences.toPlainText()
    assert "MIT licence" in licences and "LGPL-3.0" in licences and "Apache-2.0" in licences


def test_backend_names_and_the_ignored_hints_note_are_never_cut_off(qtbot, shown):
    window = shown
    window.resizeDocks([window.docks["render"]], [200], Qt.Orientation.Horizontal)  # a narrow dock
    panel = window.backend_panel
    window.doc.set_backend_name("zhang")
    wait_rendered(qtbot, window)
    label = panel.ignored_label
    assert label.text() == "This backend ignores local points and global hints."
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=3000)
    combo = panel.combo
    widest = max(combo.view().fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
    assert combo.view().minimumWidth() > widest  # the open list shows every name whole


def test_points_list_f2_renames_and_typing_leaves_the_tick_alone(qtbot, shown):
    window = shown
    panel = window.points_panel
    click(window, 15.5, 15.5)
    assert panel.table.currentColumn() == NAME
    QTest.keyClick(panel.table, Qt.Key.Key_F2)
    editor = panel.table.focusWidget()
    editor.selectAll()
    QTest.keyClicks(editor, "left face")
    QTest.keyClick(editor, Qt.Key.Key_Return)  # the editor commits on the next turn of the event loop
    qtbot.waitUntil(lambda: window.point_title(0) == "left face", timeout=3000)
    assert panel.table.item(0, SHOWN).checkState() == Qt.CheckState.Checked  # the space typed no tick away


def test_recent_colours_are_the_chosen_ones_and_kept_between_runs(qtbot, make_window, small_photo, qsettings):
    window = make_window(small_photo)
    for ab in [(30.0, 20.0), (30.8, 20.5), (-40.0, 10.0)]:  # the second is a near-duplicate of the first
        window.colour_panel.colourPicked.emit(*ab)
    assert window.colour_panel.recent_colours() == [(-40.0, 10.0), (30.8, 20.5)]
    again = make_window(small_photo, settings=qsettings)  # the next run
    assert again.colour_panel.recent_colours() == [(-40.0, 10.0), (30.8, 20.5)]


def test_points_list_recolour_menu_follows_the_selection(qtbot, shown):
    window = shown
    panel = window.points_panel
    click(window, 15.5, 15.5)
    panel.recolour_menu.aboutToShow.emit()  # as when the button opens it
    entries = {a.text(): a for a in panel.recolour_menu.actions()}
    assert entries["With the predicted colour"].isEnabled() and not entries["Paste colour"].isEnabled()
    entries["Copy colour"].trigger()
    panel.recolour_menu.aboutToShow.emit()
    entries = {a.text(): a for a in panel.recolour_menu.actions()}
    assert entries["Paste colour"].isEnabled()
    window.doc.set_selected(None)
    panel.recolour_menu.aboutToShow.emit()
    assert not any(a.isEnabled() for a in panel.recolour_menu.actions())
