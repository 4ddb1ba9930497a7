"""Every ab plot puts a known colour where it belongs: a to the right, b up (yellow on top).

The histogram plot once drew b upside down (a red reference showed at negative b), so each
plot is read back: place a colour, find where it is drawn, check what is drawn there.
"""

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from ideepcolor_app.color.gamut import pixel_to_ab
from ideepcolor_app.color.swatch import BinScatter
from ideepcolor_app.engine.history import SetGlobalHints
from ideepcolor_app.gui.distribution_view import QtDistributionView
from ideepcolor_app.gui.gamut_panel import QtGamutPanel
from ideepcolor_app.hints import GlobalHints

GRID = 23  # colour bins: index = ia * 23 + ib, a = -110 + 10 ia, b = -110 + 10 ib


def one_bin_histogram(a: float, b: float) -> tuple[float, ...]:
    hist = [0.0] * GRID * GRID
    hist[int((a + 110) / 10) * GRID + int((b + 110) / 10)] = 1.0
    return tuple(hist)


def drawn_at(item, a: float, b: float) -> np.ndarray:
    """The image pixel an ImageItem draws at plot position (a, b)."""
    local = item.mapFromView(QPointF(a, b))
    return item.image[int(np.floor(local.y())), int(np.floor(local.x()))]


@pytest.mark.parametrize("a, b", [(0.0, -40.0), (40.0, 30.0), (-60.0, 80.0)])
def test_histogram_plot_draws_a_bin_at_its_own_ab(qtbot, window, a, b):
    hist = one_bin_histogram(a, b)
    window.stack.push(SetGlobalHints(window.doc, GlobalHints(None, hist), GlobalHints(None, hist)))
    item = window.global_panel.plot_image
    assert (drawn_at(item, a, b) < 240).any()  # coloured where the bin is
    assert (drawn_at(item, a, -b) == 255).all()  # and white at its mirror image
    assert (drawn_at(item, -a if a else 50.0, b) == 255).all()


def test_histogram_plot_puts_a_yellow_reference_up(qtbot, window):
    hist = one_bin_histogram(0.0, 60.0)
    window.stack.push(SetGlobalHints(window.doc, GlobalHints(None, hist), GlobalHints(None, hist)))
    panel = window.global_panel
    vb = panel.plot.getPlotItem().getViewBox()
    image = panel.plot_image.image
    rows = np.nonzero((image < 240).any(axis=2).any(axis=1))[0]
    row = rows.mean() + 0.5
    scene_y = panel.plot_image.mapToScene(QPointF(image.shape[1] / 2, row)).y()
    centre_y = vb.mapViewToScene(QPointF(0.0, 0.0)).y()
    assert scene_y < centre_y  # drawn above the centre of the plot on screen
    r, g, bl = drawn_at(panel.plot_image, 0.0, 60.0)[:3].astype(int)
    assert r > bl + 40 and g > bl + 40  # and it is yellow


def test_gamut_picker_places_red_right_and_yellow_up(qtbot):
    panel = QtGamutPanel()
    qtbot.addWidget(panel)
    panel.resize(300, 300)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_lightness(60.0)
    places = {}
    for name, ab in {"red": (50.0, 0.0), "green": (-50.0, 0.0), "yellow": (0.0, 50.0), "blue": (0.0, -40.0)}.items():
        panel.set_marker(ab)
        row, col = panel.marker_pixel()
        places[name] = panel.pixel_to_widget(round(row), round(col))
        colour = panel.image.image[round(row), round(col)][:3].astype(int)
        places[name + "_rgb"] = colour
    assert places["red"].x() > places["green"].x() + 50
    assert places["yellow"].y() < places["blue"].y() - 50  # up on screen
    r, g, b = places["red_rgb"]
    assert r > g + 40
    r, g, b = places["yellow_rgb"]
    assert r > b + 40 and g > b + 40


def test_distribution_plot_puts_positive_b_up_and_keeps_b_within_the_bins(qtbot):
    view = QtDistributionView()
    qtbot.addWidget(view)
    view.resize(260, 700)  # a tall panel once stretched b to +-350
    view.show()
    qtbot.waitExposed(view)
    ab = np.array([[0.0, 50.0], [0.0, -50.0], [60.0, 0.0]])
    rgba = np.array([[200, 200, 0, 255], [0, 0, 200, 255], [200, 0, 0, 255]], dtype=np.uint8)
    view.set_scatter(BinScatter(ab=ab, rgba=rgba, size=np.full(3, 10.0), probability=np.full(3, 1 / 3)))
    vb = view.plot.getPlotItem().getViewBox()
    up, down, right = (vb.mapViewToDevice(QPointF(*p)) for p in ab)
    assert up.y() < down.y() - 50 and right.x() > up.x() + 30
    (x0, x1), (y0, y1) = vb.viewRange()
    assert -125 < y0 < -100 and 100 < y1 < 125 and -125 < x0 < -100 and 100 < x1 < 125


def test_gamut_picker_zooms_to_the_small_gamut_of_a_bright_pixel(qtbot):
    panel = QtGamutPanel()
    qtbot.addWidget(panel)
    panel.resize(280, 280)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_lightness(50.0)
    a0, a1, b0, b1 = panel.visible_ab()
    assert a1 - a0 > 150  # mid grey: the gamut is large
    panel.set_lightness(97.0)
    a0, a1, b0, b1 = panel.visible_ab()
    assert max(a1 - a0, b1 - b0) < 135  # zoomed (was 220 wide)
    rows, cols = np.nonzero(panel.image.image[..., 3])
    a, b = pixel_to_ab(rows.astype(float), cols.astype(float), size=panel.side)
    assert a.min() >= a0 and a.max() <= a1 and b.min() >= b0 and b.max() <= b1  # all of it shown
    assert (a1 - a0) * (b1 - b0) < 220 * 220 / 3  # drawn over three times larger than in a +-110 plot
