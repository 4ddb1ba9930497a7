"""Display colours for the GUI and the reference-photo histogram (engine side, no Qt)."""

import numpy as np
import pytest

from ideepcolor_app.color import BinSet, rgb_to_lab_np
from ideepcolor_app.color.swatch import labs_to_rgb_u8
from ideepcolor_app.engine.swatches import hint_colours_u8, histogram_image, reference_histogram
from ideepcolor_app.hints import GlobalHints, HintPoint


def test_reference_histogram_peaks_at_the_photos_colour():
    rgb = np.zeros((40, 60, 3), dtype=np.float32)
    rgb[...] = (0.8, 0.2, 0.2)
    hist = np.array(reference_histogram(rgb))
    assert hist.shape == (529,) and hist.sum() == pytest.approx(1.0) and (hist >= 0).all()
    lab = rgb_to_lab_np(rgb[:1, :1])[0, 0]
    peak = BinSet.default().centres[int(hist.argmax())].numpy()
    assert np.abs(peak - lab[1:]).max() <= 10  # the nearest bin centre is within one grid step
    assert GlobalHints(histogram=tuple(hist)).histogram is not None  # valid as a hint


def test_reference_histogram_of_a_large_photo_is_taken_on_a_small_copy():
    rgb = np.random.default_rng(0).random((600, 900, 3)).astype(np.float32)
    rgb.flags.writeable = False  # as Photo.rgb
    assert sum(reference_histogram(rgb)) == pytest.approx(1.0)


def test_histogram_image_is_blank_without_a_histogram_and_coloured_with_one():
    blank = histogram_image(None, cell=2)
    assert blank.shape == (46, 46, 3) and (blank == 255).all()
    probs = np.zeros(529)
    centres = BinSet.default().centres.numpy()
    blue = int(np.argmin(np.abs(centres - (20.0, -60.0)).sum(axis=1)))
    probs[blue] = 1.0
    image = histogram_image(tuple(probs), cell=2)
    row = (22 - int(round((centres[blue, 1] + 110) / 10))) * 2
    col = int(round((centres[blue, 0] + 110) / 10)) * 2
    r, g, b = image[row, col].astype(int)
    assert b > r + 50 and b > g  # the one bin is drawn in its own (blue) colour, fully
    assert (image[0, 0] == 255).all()  # empty bins stay white


def test_hint_colours_follow_ab_and_lightness():
    points = (HintPoint(1.0, 1.0, (0.0, 0.0)), HintPoint(2.0, 2.0, (10.0, -60.0)))
    colours = hint_colours_u8(points, [50.0, 50.0]).astype(int)
    assert colours[0].tolist() == [119, 119, 119]
    assert colours[1, 2] > colours[1, 0] + 100
    assert hint_colours_u8((), []).shape == (0, 3)
    assert labs_to_rgb_u8([100.0], [[0.0, 0.0]]).tolist() == [[255, 255, 255]]
