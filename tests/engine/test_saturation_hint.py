"""What the shipped hints network does with the saturation hint: it nudges, it does not set.

The network was trained with the mean HSV saturation of the target photo as this input
(`training.hint_sampling.hsv_saturation`), and almost no training photo is grey, so 0 mutes the
colours rather than removing them. The Global hints panel says so (`SATURATION_NOTE`, checked in
tests/gui/test_suggestions_reference.py); this test pins the behaviour the words describe, on the
bundled sample photo.
"""

from pathlib import Path

import numpy as np
import pytest

import ideepcolor_app
from ideepcolor_app.color import rgb_to_l_np
from ideepcolor_app.engine.backends import create_backend
from ideepcolor_app.engine.session import ColorizeSession
from ideepcolor_app.engine.weights import BUNDLED_MODELS_DIR
from ideepcolor_app.hints import GlobalHints, Hints
from ideepcolor_app.imageio import read_photo

SAMPLE_PHOTO = Path(ideepcolor_app.__file__).parent / "data" / "sample_pont_du_gard.jpg"

pytestmark = pytest.mark.skipif(
    not (BUNDLED_MODELS_DIR / "hints.safetensors").is_file(), reason="the shipped hints network is not installed"
)


def mean_hsv_saturation(rgb: np.ndarray) -> float:
    high, low = rgb.max(-1), rgb.min(-1)
    return float(np.where(high > 1e-6, (high - low) / np.maximum(high, 1e-6), 0.0).mean())


def test_saturation_zero_mutes_the_colours_but_does_not_make_the_photo_grey():
    l_full = rgb_to_l_np(read_photo(SAMPLE_PHOTO).rgb.astype(np.float32))
    session = ColorizeSession(l_full, create_backend("hints", device="cpu"), 128)
    height, width = l_full.shape

    def saturation(level):
        ab = session.predict(Hints(width, height, (), GlobalHints(level, None)))
        return mean_hsv_saturation(session.compose(ab, bit_depth=32))

    off, zero, middle, full = saturation(None), saturation(0.0), saturation(0.35), saturation(1.0)
    assert zero < middle < full  # the scale runs the right way
    assert zero < off  # 0 mutes the network's own choice ...
    assert zero > 0.4 * off and zero > 0.05  # ... but leaves colour: not a grey photo
