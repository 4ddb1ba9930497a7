"""The `hints` backend keeps a point's colour in its object: across a weak, grainy edge, and
where no point reaches the photo keeps its colour without points."""

import pytest
import torch

from ideepcolor_app.engine.backends import create_backend
from ideepcolor_app.hints import ColourStroke, HintPoint, Hints, rasterize_hints
from tests.propagation.test_reach import two_regions

SIZE = 128


@pytest.fixture(scope="module")
def backend():
    return create_backend("hints", device="cpu")


@pytest.mark.parametrize("ab", [(-5.0, -45.0), (45.0, 40.0), (-40.0, 35.0)], ids=["blue", "red", "green"])
def test_a_point_barely_changes_the_other_side_of_a_6_unit_grainy_edge(backend, ab):
    """Two regions 6 L units apart under grain of std 3: a point on the left changes the right
    side's mean ab by at most 3, and its own side's clearly."""
    cache = backend.prepare(two_regions()[None, None])
    point = Hints(SIZE, SIZE, (HintPoint(23.5, 63.5, ab, 7),))
    with_point = backend.predict(cache, rasterize_hints(point, (SIZE, SIZE)), 0.38)
    without = backend.predict(cache, rasterize_hints(Hints(SIZE, SIZE), (SIZE, SIZE)), 0.38)
    change = with_point - without
    assert float(change[:, :, 72:].mean(dim=(1, 2)).norm()) <= 3.0
    assert float(change[:, :, :56].mean(dim=(1, 2)).norm()) > 5.0


def test_far_from_every_point_the_colour_without_points_stays(backend):
    cache = backend.prepare(two_regions()[None, None])
    point = Hints(SIZE, SIZE, (HintPoint(23.5, 63.5, (45.0, 40.0), 7),))
    with_point = backend.predict(cache, rasterize_hints(point, (SIZE, SIZE)), 0.38)
    without = backend.predict(cache, rasterize_hints(Hints(SIZE, SIZE), (SIZE, SIZE)), 0.38)
    assert float((with_point - without)[:, :, 100:].abs().max()) < 1.0


def test_a_stroke_colours_the_backend_result_along_its_path(backend):
    cache = backend.prepare(two_regions()[None, None])
    stroke = ColourStroke((-5.0, -45.0), 5, ((10.0, 30.0), (50.0, 30.0), (50.0, 100.0)))
    ab = backend.predict(cache, rasterize_hints(Hints(SIZE, SIZE, strokes=(stroke,)), (SIZE, SIZE)), 0.38)
    along = torch.cat([ab[:, 28:33, 12:48].flatten(1), ab[:, 34:98, 48:53].flatten(1)], dim=1).mean(dim=1)
    assert float(torch.dist(along, torch.tensor([-5.0, -45.0]))) < 6.0
