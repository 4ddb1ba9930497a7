"""The render worker: newest request wins, failures come back, the thread stops cleanly."""

import threading

import numpy as np

from ideepcolor_app.engine.colorizer import Colorizer, RenderRequest, RenderResult
from ideepcolor_app.engine.document import Document
from ideepcolor_app.gui.workers import DistributionUpdate, QtRenderWorker, RenderFailure
from ideepcolor_app.hints import HintPoint
from tests.gui.conftest import FakeHintsBackend


class GatedBackend(FakeHintsBackend):
    """Blocks in its first predict until the test opens the gate; counts predicts."""

    def __init__(self):
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.calls = 0

    def predict(self, cache, hints, temperature):
        self.calls += 1
        self.entered.set()
        self.gate.wait(10)
        if hints.mask.sum() > 0 and float(hints.ab[0, 0].max()) > 100:
            raise RuntimeError("boom")
        return super().predict(cache, hints, temperature)


def test_worker_runs_only_the_newest_pending_request(qtbot):
    backend = GatedBackend()
    worker = QtRenderWorker(Colorizer(lambda name: backend))
    doc = Document(np.full((16, 24), 50.0, dtype=np.float32), working_size=8)
    worker.submit(RenderRequest.from_document(doc))
    assert backend.entered.wait(10)
    for i in range(50):  # while the first render runs, 50 more edits arrive
        doc.set_hints(doc.hints.with_point(HintPoint(1.0 + i * 0.2, 1.0, (5.0, 5.0))))
        worker.submit(RenderRequest.from_document(doc))
    assert worker.busy
    with qtbot.waitSignal(worker.idle, timeout=10000):
        backend.gate.set()
    outcomes = worker.take_outcomes()
    renders = [o for o in outcomes if isinstance(o, RenderResult)]
    assert [o.generation for o in renders] == [0, doc.generation]  # the 49 in between never ran
    (update,) = [o for o in outcomes if isinstance(o, DistributionUpdate)]  # once, after the pause
    assert update.generation == doc.generation and update.distribution.probs.shape[0] == 529
    assert backend.calls == 2 and not worker.busy
    worker.stop()
    assert not worker.isRunning()


def test_worker_reports_failures_and_goes_on(qtbot):
    backend = GatedBackend()
    backend.gate.set()
    worker = QtRenderWorker(Colorizer(lambda name: backend))
    doc = Document(np.full((16, 24), 50.0, dtype=np.float32), working_size=8)
    doc.set_hints(doc.hints.with_point(HintPoint(4.0, 4.0, (120.0, 0.0))))
    with qtbot.waitSignal(worker.ready, timeout=10000):
        worker.submit(RenderRequest.from_document(doc))
    (failure,) = worker.take_outcomes()
    assert failure == RenderFailure(doc.generation, "boom")
    doc.set_hints(doc.hints.without_point(0))
    with qtbot.waitSignal(worker.ready, timeout=10000):
        worker.submit(RenderRequest.from_document(doc))
    result = worker.take_outcomes()[0]
    assert result.generation == doc.generation and result.rgb_u8.shape == (16, 24, 3)
    worker.stop()


def test_a_render_never_replaces_a_follow_up_asked_for_after_it(qtbot):
    """Adding a point renders (nothing selected yet), then selects it: the follow-up for the
    selected point must come, even when that render finishes after the follow-up was asked for."""
    backend = GatedBackend()
    worker = QtRenderWorker(Colorizer(lambda name: backend))
    doc = Document(np.full((16, 24), 50.0, dtype=np.float32), working_size=8)
    doc.set_hints(doc.hints.with_point(HintPoint(5.0, 5.0, (20.0, 30.0))))
    worker.submit(RenderRequest.from_document(doc))  # left_out None: submitted before the selection
    assert backend.entered.wait(10)
    worker.submit_followup(RenderRequest.from_document(doc, left_out=0))  # while it renders
    with qtbot.waitSignal(worker.idle, timeout=10000):
        backend.gate.set()
    updates = [o for o in worker.take_outcomes() if isinstance(o, DistributionUpdate)]
    assert [u.left_out for u in updates] == [0]
    assert updates[0].predicted_ab is not None  # the colour predicted there without the point
    worker.stop()
