"""A prediction with NaN or infinite values is an error at the session, for every front end."""

import pytest
import torch

from ideepcolor_app.engine.session import ColorizeSession, PredictionError


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_session_refuses_non_finite_predictions(recording_backend, monkeypatch, bad):
    session = ColorizeSession(torch.full((16, 24), 50.0), recording_backend, 16)
    ab = session.predict(None)
    assert bool(torch.isfinite(ab).all())
    monkeypatch.setattr(recording_backend, "predict", lambda cache, hints, t: torch.full_like(ab, bad))
    with pytest.raises(PredictionError, match="'recording' backend predicted NaN or infinite colours"):
        session.predict(None, temperature=0.5)
