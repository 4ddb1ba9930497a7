"""The session caches L-only work and re-runs only hint-dependent work."""

import numpy as np
import pytest
import torch

from ideepcolor_app.engine.backends import create_backend
from ideepcolor_app.engine.session import (
    ColorizeSession,
    HintsMismatchError,
    working_shape_for,
    working_size_for,
)
from ideepcolor_app.hints import HintPoint, Hints


@pytest.fixture
def l_photo() -> torch.Tensor:
    """(30, 50) L ramp from 20 to 80 across the width."""
    return torch.linspace(20, 80, 50).repeat(30, 1)


def hints_with(point: HintPoint) -> Hints:
    return Hints(width=50, height=30, points=(point,))


def test_session_hint_edit_does_not_recompute_l_only_work(l_photo, recording_backend):
    session = ColorizeSession(l_photo, recording_backend, working_size=16)
    first = session.predict(hints_with(HintPoint(x=10, y=10, ab=(40.0, 40.0), size=3)))
    second = session.predict(hints_with(HintPoint(x=40, y=20, ab=(-40.0, 10.0), size=3)))
    assert recording_backend.prepare_calls == 1
    assert recording_backend.predict_calls == 2
    assert session.stats.prepare_calls == 1 and session.stats.predict_calls == 2
    assert not torch.equal(first, second)


def test_session_repeated_request_is_served_from_memory(l_photo, recording_backend):
    session = ColorizeSession(l_photo, recording_backend, working_size=16)
    hints = hints_with(HintPoint(x=10, y=10, ab=(40.0, 40.0), size=3))
    a = session.predict(hints)
    b = session.predict(Hints(width=50, height=30, points=(HintPoint(x=10, y=10, ab=(40.0, 40.0), size=3),)))
    assert recording_backend.predict_calls == 1 and a is b


def test_session_predict_places_hint_at_working_resolution(l_photo, recording_backend):
    session = ColorizeSession(l_photo, recording_backend, working_size=16)
    ab = session.predict(hints_with(HintPoint(x=25, y=15, ab=(33.0, -21.0), size=1)))
    assert ab.shape == (2, 8, 16)  # 50 x 30 keeps its aspect: 16 x 9.6, rounded to 8
    assert ab[:, 4, 8].tolist() == [33.0, -21.0]


@pytest.mark.parametrize(
    "photo_hw, requested, multiple, expected",
    [
        ((3000, 2000), 256, 8, (256, 168)),  # tall
        ((2000, 3000), 256, 8, (168, 256)),  # wide
        ((100, 1000), 256, 8, (24, 256)),  # a panorama
        ((5000, 10), 256, 8, (256, 8)),  # a sliver keeps one multiple
        ((777, 777), 250, 8, (256, 256)),  # square, rounded up to the multiple
        ((600, 400), 256, 128, (256, 128)),  # gan's multiple
    ],
)
def test_working_shape_keeps_the_aspect(photo_hw, requested, multiple, expected):
    assert working_shape_for(photo_hw, requested, multiple) == expected


def test_session_rejects_hints_for_another_photo_size(l_photo, recording_backend):
    session = ColorizeSession(l_photo, recording_backend, working_size=16)
    with pytest.raises(HintsMismatchError, match="100x30"):
        session.predict(Hints(width=100, height=30))


def test_session_colorize_composes_full_resolution(l_photo, recording_backend):
    session = ColorizeSession(l_photo, recording_backend, working_size=16)
    rgb = session.colorize(None)
    assert rgb.shape == (30, 50, 3) and rgb.dtype == np.uint8
    # The test backend makes bright pixels warm (a > 0) and dark ones cool (a < 0).
    right, left = rgb[15, -1].astype(int), rgb[15, 0].astype(int)
    assert right[0] > right[1] and left[0] < left[1]


@pytest.mark.parametrize(
    "requested,multiple,expected", [(256, 8, 256), (250, 8, 256), (1, 8, 8), (100, 32, 128), (7, 1, 7)]
)
def test_working_size_rounds_up_to_backend_multiple(requested, multiple, expected):
    assert working_size_for(requested, multiple) == expected


def test_session_with_hints_network_caches_encoder(l_photo, monkeypatch):
    backend = create_backend("hints", device="cpu")
    calls = {"encode": 0, "decode": 0}
    encode, decode = backend.net.encode, backend.net.decode

    def counting(name, fn):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return fn(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(backend.net, "encode", counting("encode", encode))
    monkeypatch.setattr(backend.net, "decode", counting("decode", decode))
    session = ColorizeSession(l_photo, backend, working_size=32)
    for x in (5, 15, 25, 35):
        ab = session.predict(hints_with(HintPoint(x=x, y=10, ab=(50.0, 0.0), size=5)))
        assert ab.shape == (2, 16, 32) and torch.isfinite(ab).all()
    # One decode without hints at prepare (the propagation's colour guide), one per edit.
    assert calls == {"encode": 1, "decode": 5}
