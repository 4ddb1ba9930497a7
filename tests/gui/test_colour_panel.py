"""QtColourPanel wiring: gamut, suggestions, distribution view, recent, typed values, eyedropper."""

import math

import numpy as np
import pyqtgraph as pg
import pytest
import torch
from PIL import Image
from PySide6.QtCore import Qt
from skimage.color import lab2rgb, rgb2lab

from ideepcolor_app.color.bins import BinSet
from ideepcolor_app.color.gamut import ab_to_pixel, gamut_image, in_gamut, pixel_to_ab
from ideepcolor_app.color.swatch import clamp_ab
from ideepcolor_app.engine.backends import Distribution
from ideepcolor_app.gui.colour_panel import NO_DISTRIBUTION, NO_POINT, RECENT_CAP, QtColourPanel

RED_U8 = (200, 60, 40)


def bin_index(a, b):
    """Index of the default (a-major, 23 x 23) bin centred on (a, b)."""
    return int((a + 110) // 10) * 23 + int((b + 110) // 10)


def skimage_hex(l, a, b):
    rgb = lab2rgb(np.array([[[l, a, b]]], dtype=np.float64))[0, 0]
    return "#" + "".join(f"{round(v * 255):02x}" for v in rgb)


def skimage_ab(rgb_u8):
    lab = rgb2lab(np.array([[rgb_u8]], dtype=np.float64) / 255.0)[0, 0]
    return float(lab[1]), float(lab[2])


def assert_in_gamut(l, ab):
    lab = np.array([l, ab[0], ab[1]], dtype=np.float64).reshape(3, 1, 1)
    assert bool(in_gamut(torch.from_numpy(lab), tol=1e-4)[0, 0])


@pytest.fixture
def panel(qtbot):
    pg.setConfigOptions(imageAxisOrder="row-major")
    widget = QtColourPanel()
    qtbot.addWidget(widget)
    widget.resize(320, 760)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def two_mode_dist():
    """529 bins on a 2 x 2 grid; at (row 1, col 0): (20, 30) p = 0.7, (-30, 20) p = 0.2, rest flat."""
    centres = BinSet.default().centres.numpy()
    probs = np.full((529, 2, 2), 1.0 / 529, dtype=np.float32)
    cell = np.full(529, 0.1 / 527, dtype=np.float32)
    cell[bin_index(20, 30)] = 0.7
    cell[bin_index(-30, 20)] = 0.2
    probs[:, 1, 0] = cell
    return Distribution(probs=probs, centres=centres)


def click(qtbot, view, point):
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_colour_panel_gamut_click_emits_the_pixels_ab(qtbot, panel):
    panel.set_lightness(50.0)
    row, col = (int(round(v)) for v in ab_to_pixel(20.0, 30.0, size=panel.gamut.side))
    with qtbot.waitSignal(panel.colourPicked) as blocker:
        click(qtbot, panel.gamut.view, panel.gamut.pixel_to_widget(row, col))
    expected = pixel_to_ab(float(row), float(col), size=panel.gamut.side)
    assert expected == pytest.approx((20.0, 30.0))
    assert blocker.args == pytest.approx(list(expected))
    assert panel.gamut.marker_pixel() == pytest.approx((row, col))
    assert panel.value.hex_edit.text() == skimage_hex(50.0, 20.0, 30.0)


def test_colour_panel_gamut_click_out_of_gamut_is_clamped_on_the_same_hue(qtbot, panel):
    panel.set_lightness(50.0)
    row, col = 10, 10  # (a, b) = (-100, 100): far outside the gamut at L = 50
    raw = pixel_to_ab(float(row), float(col), size=panel.gamut.side)
    assert gamut_image(50.0, size=panel.gamut.side)[row, col, 3] == 0
    with qtbot.waitSignal(panel.colourPicked) as blocker:
        click(qtbot, panel.gamut.view, panel.gamut.pixel_to_widget(row, col))
    a, b = blocker.args
    assert (a, b) == pytest.approx(clamp_ab(50.0, *raw))
    assert_in_gamut(50.0, (a, b))
    assert math.hypot(a, b) < math.hypot(*raw)
    assert math.atan2(b, a) == pytest.approx(math.atan2(raw[1], raw[0]))
    lab_beyond = torch.tensor([[[50.0]], [[a * 1.01]], [[b * 1.01]]], dtype=torch.float64)
    assert not bool(in_gamut(lab_beyond, tol=1e-4)[0, 0])  # on the boundary, not deep inside


def test_colour_panel_set_colour_moves_marker_without_emitting(qtbot, panel):
    panel.set_lightness(60.0)
    with qtbot.assertNotEmitted(panel.colourPicked):
        panel.set_colour((-30.0, 40.0))
    assert panel.gamut.marker_pixel() == pytest.approx(ab_to_pixel(-30.0, 40.0, size=panel.gamut.side))
    assert panel.value.a_spin.value() == pytest.approx(-30.0)
    assert panel.value.b_spin.value() == pytest.approx(40.0)
    assert panel.value.hex_edit.text() == skimage_hex(60.0, -30.0, 40.0)
    assert panel.value.l_label.text() == "L 60.0"
    with qtbot.assertNotEmitted(panel.colourPicked):
        panel.set_colour(None)
    assert panel.gamut.marker_pixel() is None and panel.value.hex_edit.text() == ""


def test_colour_panel_no_point_shows_the_gamut_at_l50(panel):
    panel.set_lightness(80.0)
    panel.set_lightness(None)
    assert panel.lightness == 50.0
    assert np.array_equal(panel.gamut.image.image, gamut_image(50.0, size=panel.gamut.side))
    assert "L 50" in panel.l_note.text() and panel.l_note.isVisibleTo(panel)


def test_colour_panel_suggestions_most_likely_first_and_clickable(qtbot, panel, two_mode_dist):
    panel.set_lightness(50.0)
    panel.set_distribution(two_mode_dist, 0.25, 0.75)  # column 0, row 1
    suggested = panel.suggested()
    assert [s.ab for s in suggested[:2]] == [(20.0, 30.0), (-30.0, 20.0)]
    assert suggested[0].probability == pytest.approx(0.7 / (0.9 + 6 * 0.1 / 527), rel=1e-4)
    buttons = panel.suggestions.buttons()
    assert len(buttons) == 8
    assert [b.text() for b in buttons[:2]] == ["78%", "22%"]
    assert skimage_hex(50.0, 20.0, 30.0) in buttons[0].styleSheet()
    assert skimage_hex(50.0, -30.0, 20.0) in buttons[1].styleSheet()
    assert not panel.suggestions.message.isVisibleTo(panel)
    with qtbot.waitSignal(panel.colourPicked) as blocker:
        qtbot.mouseClick(buttons[1], Qt.MouseButton.LeftButton)
    assert blocker.args == pytest.approx([-30.0, 20.0])


def test_colour_panel_suggestions_follow_the_point(panel, two_mode_dist):
    panel.set_lightness(50.0)
    panel.set_distribution(two_mode_dist, 0.9, 0.1)  # a flat cell: equal probabilities
    probabilities = [s.probability for s in panel.suggested()]
    assert probabilities == pytest.approx([1 / 8] * 8)


def test_colour_panel_distribution_view_plots_the_likely_bins(panel, two_mode_dist):
    panel.set_lightness(50.0)
    panel.set_distribution(two_mode_dist, 0.25, 0.75)
    assert panel.distribution.positions().tolist() == [[20.0, 30.0], [-30.0, 20.0]]
    brushes = [p.brush().color().name() for p in panel.distribution.scatter.points()]
    assert brushes == [skimage_hex(50.0, 20.0, 30.0), skimage_hex(50.0, -30.0, 20.0)]
    sizes = [p.size() for p in panel.distribution.scatter.points()]
    assert sizes[0] > sizes[1]


def test_colour_panel_without_distribution_says_so(panel, two_mode_dist):
    panel.set_distribution(two_mode_dist, 0.25, 0.75)
    panel.set_distribution(None, 0.25, 0.75)
    assert panel.suggested() == [] and panel.suggestions.buttons() == []
    assert panel.suggestions.message.text() == NO_DISTRIBUTION
    assert panel.suggestions.message.isVisibleTo(panel)
    assert len(panel.distribution.positions()) == 0
    assert panel.distribution.message.text() == NO_DISTRIBUTION


def test_colour_panel_recent_order_dedupe_and_cap(qtbot, panel):
    panel.set_lightness(50.0)
    for i in range(RECENT_CAP + 2):
        panel.add_recent((3.0 * i, -3.0 * i))
    recent = panel.recent_colours()
    assert len(recent) == RECENT_CAP == len(panel.recent.buttons())
    assert recent[:3] == [(39.0, -39.0), (36.0, -36.0), (33.0, -33.0)]
    assert (0.0, 0.0) not in recent and (3.0, -3.0) not in recent
    panel.add_recent((15.0, -15.0))
    recent = panel.recent_colours()
    assert recent[0] == (15.0, -15.0) and recent.count((15.0, -15.0)) == 1 and len(recent) == RECENT_CAP
    with qtbot.waitSignal(panel.colourPicked) as blocker:
        qtbot.mouseClick(panel.recent.buttons()[2], Qt.MouseButton.LeftButton)
    assert blocker.args == pytest.approx([36.0, -36.0])
    assert panel.recent_colours()[0] == (36.0, -36.0)


def test_colour_panel_recent_keeps_one_of_near_duplicates(qtbot, panel):
    panel.set_lightness(50.0)
    for ab in [(20.0, 30.0), (20.6, 30.4), (21.2, 29.1), (40.0, 10.0)]:  # clicks a pixel or two apart
        panel.add_recent(ab)
    assert panel.recent_colours() == [(40.0, 10.0), (21.2, 29.1)]


def test_colour_panel_gamut_drag_previews_and_picks_once_at_the_end(qtbot, panel):
    from PySide6.QtCore import QPointF

    panel.set_lightness(50.0)
    gamut = panel.gamut
    picked = []
    panel.colourPicked.connect(lambda a, b: picked.append((a, b)))
    path = [(110, 110), (115, 105), (120, 100), (125, 95)]  # (row, col) pixels of the gamut image

    class Drag:
        def __init__(self, row, col, finish):
            self._pos = gamut.image.mapToScene(QPointF(col + 0.5, row + 0.5))
            self._finish = finish

        def button(self):
            return Qt.MouseButton.LeftButton

        def scenePos(self):
            return self._pos

        def isFinish(self):
            return self._finish

        def accept(self):
            pass

    for i, (row, col) in enumerate(path):
        gamut.box.mouseDragEvent(Drag(row, col, i == len(path) - 1))
        if i < len(path) - 1:
            assert picked == [] and panel.recent_colours() == []  # a preview only
            assert gamut.marker_pixel() is not None
    expected = pixel_to_ab(125.0, 95.0, size=gamut.side, ab_max=110.0)
    assert picked == [pytest.approx(clamp_ab(50.0, *expected))]
    assert len(panel.recent_colours()) == 1


def test_colour_panel_pick_adds_to_recent(qtbot, panel, two_mode_dist):
    panel.set_lightness(50.0)
    panel.set_distribution(two_mode_dist, 0.25, 0.75)
    qtbot.mouseClick(panel.suggestions.buttons()[0], Qt.MouseButton.LeftButton)
    assert panel.recent_colours() == [(20.0, 30.0)]
    assert skimage_hex(50.0, 20.0, 30.0) in panel.recent.buttons()[0].styleSheet()


def test_colour_panel_typed_b_is_clamped(qtbot, panel):
    panel.set_lightness(50.0)
    panel.set_colour((0.0, 0.0))
    edit = panel.value.b_spin.lineEdit()
    edit.selectAll()
    with qtbot.waitSignal(panel.colourPicked) as blocker:
        qtbot.keyClicks(edit, "100")
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert blocker.args == pytest.approx(list(clamp_ab(50.0, 0.0, 100.0)))
    assert blocker.args[0] == pytest.approx(0.0) and 50.0 < blocker.args[1] < 100.0
    assert_in_gamut(50.0, blocker.args)


def test_colour_panel_typed_hex_keeps_the_pixels_l(qtbot, panel):
    panel.set_lightness(70.0)
    edit = panel.value.hex_edit
    edit.selectAll()
    with qtbot.waitSignal(panel.colourPicked) as blocker:
        qtbot.keyClicks(edit, "#3060c0")
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    expected = clamp_ab(70.0, *skimage_ab((0x30, 0x60, 0xC0)))
    assert blocker.args == pytest.approx(list(expected), abs=0.05)
    assert_in_gamut(70.0, blocker.args)
    assert panel.value.l_label.text() == "L 70.0"


def test_colour_panel_bad_hex_is_flagged_and_not_emitted(qtbot, panel):
    edit = panel.value.hex_edit
    with qtbot.assertNotEmitted(panel.colourPicked):
        qtbot.keyClicks(edit, "#12zz")
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert "d03030" in edit.styleSheet() and "not a hex colour" in edit.toolTip()


@pytest.fixture
def reference_png(tmp_path):
    rgb = np.zeros((20, 30, 3), dtype=np.uint8)
    rgb[:, :15] = RED_U8
    rgb[:, 15:] = (40, 90, 200)
    path = tmp_path / "reference.png"
    Image.fromarray(rgb).save(path)
    return path


def test_colour_panel_eyedropper_picks_the_reference_colour(qtbot, panel, reference_png):
    l_red = float(rgb2lab(np.array([[RED_U8]], dtype=np.float64) / 255.0)[0, 0, 0])
    panel.set_lightness(l_red)
    assert panel.load_reference(reference_png)
    assert panel.reference.image.image.shape == (20, 30, 3)
    with qtbot.waitSignal(panel.colourPicked) as blocker:
        click(qtbot, panel.reference.view, panel.reference.pixel_to_widget(10, 4))
    assert blocker.args == pytest.approx(list(skimage_ab(RED_U8)), abs=0.05)
    assert panel.value.hex_edit.text() == "#c83c28"


def test_colour_panel_unreadable_reference_leaves_panel_usable(qtbot, panel, tmp_path, reference_png):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n not an image")
    assert panel.load_reference(reference_png)
    assert not panel.load_reference(bad)
    assert "Could not load bad.png" in panel.reference.message.text()
    assert panel.reference.path == reference_png  # the previous reference stays
    assert not panel.load_reference(tmp_path / "missing.png")
    assert "missing.png" in panel.reference.message.text()
    panel.set_lightness(50.0)
    panel.tabs.setCurrentWidget(panel.gamut)
    with qtbot.waitSignal(panel.colourPicked):
        click(qtbot, panel.gamut.view, panel.gamut.pixel_to_widget(110, 110))


def test_colour_panel_deselecting_hides_the_old_points_suggestions(panel, two_mode_dist):
    panel.set_lightness(50.0)
    panel.set_distribution(two_mode_dist, 0.25, 0.75)
    panel.set_lightness(None)
    assert panel.suggested() == [] and panel.suggestions.buttons() == []
    assert panel.suggestions.message.text() == NO_POINT and len(panel.distribution.positions()) == 0
    panel.set_lightness(50.0)  # the point is selected again: its suggestions come back
    assert [s.ab for s in panel.suggested()[:2]] == [(20.0, 30.0), (-30.0, 20.0)]


def test_colour_panel_a_then_b_is_checked_as_a_pair(qtbot, panel):
    panel.set_lightness(50.0)
    panel.set_colour((0.0, 0.0))
    picked = []
    panel.colourPicked.connect(lambda a, b: picked.append((a, b)))
    a_edit, b_edit = panel.value.a_spin.lineEdit(), panel.value.b_spin.lineEdit()
    panel.value.a_spin.setFocus()
    a_edit.selectAll()
    qtbot.keyClicks(a_edit, "80")  # out of the gamut alone (with b = 0 at L 50)
    qtbot.keyClick(a_edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: panel.value.b_spin.hasFocus())
    assert picked == [] and panel.value.a_spin.value() == 80.0  # a is not snapped before b is typed
    b_edit.selectAll()
    qtbot.keyClicks(b_edit, "-60")
    qtbot.keyClick(b_edit, Qt.Key.Key_Return)
    assert picked == [pytest.approx(clamp_ab(50.0, 80.0, -60.0))]  # one pick: the pair, snapped once
    assert_in_gamut(50.0, picked[0])


def test_colour_panel_a_alone_is_entered_when_focus_leaves_the_pair(qtbot, panel):
    panel.set_lightness(50.0)
    panel.set_colour((0.0, 10.0))
    picked = []
    panel.colourPicked.connect(lambda a, b: picked.append((a, b)))
    panel.value.a_spin.setFocus()
    edit = panel.value.a_spin.lineEdit()
    edit.selectAll()
    qtbot.keyClicks(edit, "20")
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # Enter in a: that is the choice
    assert picked == [pytest.approx((20.0, 10.0))]
    panel.value.a_spin.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "25")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)  # to b ...
    qtbot.waitUntil(lambda: panel.value.b_spin.hasFocus())
    panel.value.hex_edit.setFocus()  # ... and on, without typing b
    qtbot.waitUntil(lambda: len(picked) == 2)
    assert picked[1] == pytest.approx((25.0, 10.0))
