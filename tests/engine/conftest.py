"""Engine fixtures: a backend that records what it is asked to do."""

from typing import Any

import pytest
import torch

from ideepcolor_app.engine.backends import Backend
from ideepcolor_app.hints import HintTensors


class RecordingBackend(Backend):
    """A network-free backend: ab = the hint ab where hinted, else a colour derived from L.

    It counts its calls so tests can see which stage ran.
    """

    name = "recording"
    description = "test double"
    uses_local_hints = True
    size_multiple = 8

    def __init__(self):
        self.prepare_calls = 0
        self.predict_calls = 0

    def prepare(self, l_small: torch.Tensor) -> Any:
        self.prepare_calls += 1
        return l_small[0, 0] - 50.0  # warm (positive a) where bright, cool where dark

    def predict(self, cache: Any, hints: HintTensors, temperature: float) -> torch.Tensor:
        self.predict_calls += 1
        ab = torch.stack([cache, torch.zeros_like(cache)])
        mask = hints.mask[0, 0] > 0.5
        return torch.where(mask, hints.ab[0], ab)


@pytest.fixture
def recording_backend() -> RecordingBackend:
    return RecordingBackend()
