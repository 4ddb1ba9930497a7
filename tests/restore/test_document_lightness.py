"""Document.set_lightness: the restored L replaces the shown one; hints stay; the original comes back."""

import numpy as np
import pytest

from ideepcolor_app.engine.document import Document
from ideepcolor_app.hints import HintPoint
from ideepcolor_app.restore import RestoreOptions


def test_set_lightness_swaps_l_and_keeps_hints():
    original = np.full((8, 12), 40.0, np.float32)
    doc = Document(original)
    doc.set_hints(doc.hints.with_point(HintPoint(3.5, 2.5, (20.0, 10.0), 3)))
    hints, token, generation = doc.hints, doc.photo_token, doc.generation
    seen = []
    doc.events.lightness.connect(seen.append)
    restored = np.full((8, 12), 55.0, np.float32)
    doc.set_lightness(restored, RestoreOptions())
    assert float(doc.l_full[0, 0]) == 55.0 and not doc.l_full.flags.writeable
    assert doc.original_l is not doc.l_full and float(doc.original_l[0, 0]) == 40.0
    assert doc.restore == RestoreOptions() and seen == [RestoreOptions()]
    assert doc.photo_token != token and doc.generation == generation + 1 and doc.hints == hints
    doc.set_lightness(doc.original_l, None)
    assert doc.l_full is doc.original_l and doc.restore is None and seen[-1] is None
    generation = doc.generation
    doc.set_lightness(doc.original_l, None)  # no change: no event, no render
    assert doc.generation == generation and len(seen) == 2
    with pytest.raises(ValueError, match="lightness"):
        doc.set_lightness(np.zeros((4, 4), np.float32), RestoreOptions())


def test_opening_a_photo_forgets_the_restoration():
    doc = Document(np.full((8, 12), 40.0, np.float32))
    doc.set_lightness(np.full((8, 12), 55.0, np.float32), RestoreOptions())
    doc.set_photo(np.full((6, 6), 30.0, np.float32))
    assert doc.restore is None and doc.l_full is doc.original_l
