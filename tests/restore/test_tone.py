"""Tone: a faded print is stretched back out; a well-exposed photo is left alone."""

import numpy as np

from ideepcolor_app.restore.tone import TARGET_BLACK, TARGET_WHITE, auto_tone, black_white_points, levels


def ramp(low: float = 0.0, high: float = 1.0) -> np.ndarray:
    yy, xx = np.mgrid[0:120, 0:160].astype(np.float32)
    x = (xx / 159) * 0.8 + 0.2 * np.sin(yy / 9) ** 2
    x = (x - x.min()) / (x.max() - x.min())
    return (low + (high - low) * x).astype(np.float32)


def test_faded_range_is_mapped_out_again():
    faded = ramp(0.28, 0.78)
    out, steps = auto_tone(faded)
    assert "levels" in steps
    low, high = black_white_points(out)
    assert abs(low - TARGET_BLACK) < 0.01 and abs(high - TARGET_WHITE) < 0.01
    # The order of tones is kept: a monotonic map.
    order = np.argsort(faded.ravel(), kind="stable")
    assert np.all(np.diff(out.ravel()[order]) >= -1e-6)
    # And it is close to the original photo again (within the targets' margin).
    assert np.abs(out - ramp()).mean() < 0.03


def test_well_exposed_photo_is_left_alone():
    photo = ramp()
    out, steps = auto_tone(photo)
    assert steps == []
    assert np.array_equal(out, photo)


def test_only_the_faded_end_moves():
    lifted_blacks = ramp(0.25, 1.0)
    white = black_white_points(lifted_blacks)[1]
    out, changed = levels(lifted_blacks)
    low, high = black_white_points(out)
    assert changed and abs(low - TARGET_BLACK) < 0.01 and abs(high - white) < 1e-4
