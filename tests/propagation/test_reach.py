"""The reach of hints: it stays in its object across weak edges and grain, on faded prints too."""

import numpy as np
import torch

from ideepcolor_app.propagation.reach import ReachMap, steady_lightness


def two_regions(step: float = 6.0, grain: float = 3.0, size: int = 128, seed: int = 0) -> torch.Tensor:
    """(size, size) L: 40 on the left half, 40 + `step` on the right, white grain of std `grain`."""
    rng = np.random.default_rng(seed)
    l = np.full((size, size), 40.0)
    l[:, size // 2 :] += step
    return torch.from_numpy(l + rng.normal(0.0, grain, l.shape)).float()


def left_point(size: int = 128) -> torch.Tensor:
    """A 7 x 7 patch on the left half, a sixth of the way in, half way down."""
    mask = torch.zeros(size, size)
    top, left = size // 2 - 4, size // 6 - 3
    mask[top : top + 7, left : left + 7] = 1.0
    return mask


def test_lightness_alone_stops_the_reach_at_an_edge_the_grain_hides_pixel_by_pixel():
    """15 L units under grain of std 4: neighbouring pixels differ by more than that across the
    flat halves. (6 units needs the network's features too: tests/engine/test_reach_backend.py.)"""
    reach = ReachMap(two_regions(step=15.0, grain=4.0, size=256)).reach(left_point(256))
    assert float(reach[124:131, 39:46].min()) > 0.8 and float(reach[:, :112].mean()) > 0.3
    assert float(reach[:, 144:].mean()) < 0.01


def test_the_reach_does_not_depend_on_fading():
    l = two_regions(step=15.0, grain=4.0, size=256)
    faded = 12.0 + l * 0.76  # the old-print look's contrast
    clean = ReachMap(l).reach(left_point(256))
    aged = ReachMap(faded).reach(left_point(256))
    assert float((clean - aged).abs().max()) < 0.05


def test_steady_lightness_stretches_a_faded_range_and_reduces_grain():
    l = two_regions(step=20.0, grain=3.0)
    steady = steady_lightness(12.0 + l * 0.76)
    assert float(steady.min()) < 10.0 and float(steady.max()) > 90.0
    left, right = steady[:, 8:56], steady[:, 72:120]
    # The step stands out from the grain far more than before (20 units against a grain of 3).
    assert float(right.mean() - left.mean()) / float(left.std()) > 20.0 / 3.0 * 5


def test_without_hints_nothing_is_reached():
    assert float(ReachMap(two_regions()).reach(torch.zeros(128, 128)).max()) == 0.0
