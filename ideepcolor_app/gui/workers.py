"""The render worker: runs `Colorizer.run` off the UI thread; the newest request wins.

One QThread waits for requests. `submit` replaces any request still pending, so a fast drag
never queues up renders: when the worker finishes one it takes only the latest. Every outcome
(a `RenderResult`, or a `RenderFailure` for an exception) is put in an outbox and announced by
the `ready` signal; the UI thread collects them with `take_outcomes`. An exception never dies
silently in the thread.

Why an outbox: Python objects are not sent through queued (cross-thread) Qt signals, whose
argument reference counting proved unreliable for `Signal(object)` in PySide6 (it crashed the
interpreter at exit after a few hundred renders).
"""

from __future__ import annotations

import logging
import threading
import traceback
from dataclasses import dataclass

import torch
from PySide6.QtCore import QThread, Signal

from ideepcolor_app.engine.backends import Distribution
from ideepcolor_app.engine.colorizer import Colorizer, RenderRequest, RenderResult
from ideepcolor_app.engine.device import single_threaded_blas

logger = logging.getLogger(__name__)


def one_torch_thread_here() -> None:
    """Give the calling (GUI) thread's own torch work one thread, as the render thread has.

    OpenMP thread counts are per thread: the GUI thread kept one per core for its small work
    (greys, gamut images, swatches), and on two busy cores those threads spun beside the
    render thread, so that a point's gamut took seconds instead of milliseconds and renders
    slowed. Exports still take every free core (`Colorizer.render_full`).
    """
    torch.set_num_threads(1)
    single_threaded_blas()


@dataclass(frozen=True, eq=False)
class DistributionUpdate:
    """The colour distribution for the render of `generation` (computed once edits pause),
    without the point `left_out` (the selected one), and the colour predicted at that point
    without it (`predicted_ab`; None when nothing is left out)."""

    generation: int
    photo_token: int
    distribution: Distribution | None
    left_out: int | None = None
    predicted_ab: tuple[float, float] | None = None


@dataclass(frozen=True)
class RenderFailure:
    """A render that raised: its generation and a one-line message."""

    generation: int
    message: str


class QtRenderWorker(QThread):
    """Renders `RenderRequest`s in a background thread.

    Signals:
        ready(): outcomes are waiting in the outbox (`take_outcomes`).
        idle(): no request is pending or running any more.
    """

    ready = Signal()
    idle = Signal()

    #: How long the edits must pause before the colour distribution is computed.
    distribution_delay_s = 0.15

    def __init__(self, colorizer: Colorizer, parent=None) -> None:
        super().__init__(parent)
        self.colorizer = colorizer
        self._cond = threading.Condition()
        self._pending: RenderRequest | None = None
        self._owed: RenderRequest | None = None  # rendered; its distribution is still to come
        # Submissions are numbered, so that a render finishing never replaces a follow-up asked
        # for after it (adding a point renders before the point is selected).
        self._serial = 0
        self._pending_serial = 0
        self._owed_serial = 0
        self._rendering_serial = 0
        self._outbox: list[RenderResult | RenderFailure | DistributionUpdate] = []
        self._busy = False
        self._stopping = False

    def submit(self, request: RenderRequest) -> None:
        """Queue `request`, replacing any request not yet started."""
        with self._cond:
            self._serial += 1
            self._pending, self._pending_serial = request, self._serial
            self._cond.notify()
        if not self.isRunning():
            self.start()

    def submit_followup(self, request: RenderRequest) -> None:
        """Compute the distribution and predicted colour of `request` once the edits pause,
        without rendering it (the selection changed; the picture did not)."""
        with self._cond:
            self._serial += 1
            self._owed, self._owed_serial = request, self._serial
            self._cond.notify()
        if not self.isRunning():
            self.start()

    def take_outcomes(self) -> list[RenderResult | RenderFailure | DistributionUpdate]:
        """The results and failures since the last call, oldest first."""
        with self._cond:
            outcomes, self._outbox = self._outbox, []
        return outcomes

    @property
    def busy(self) -> bool:
        with self._cond:
            return self._busy or self._pending is not None or self._owed is not None

    def stop(self) -> None:
        """Finish the current render, drop pending ones and end the thread."""
        with self._cond:
            self._stopping = True
            self._pending = None
            self._cond.notify()
        self.wait()

    #: torch threads for renders: the GUI thread needs a core of its own while a drag renders
    #: (on 2 cores, p50 of a drag step 70 ms with 1 render thread, 78-110 ms with 2).
    render_threads = 1

    def run(self) -> None:
        torch.set_num_threads(self.render_threads)
        single_threaded_blas()
        while True:
            request = self._next()
            if request is self:  # stopping
                return
            if request is None:  # the edits paused: compute the owed distribution
                with self._cond:
                    owed, self._owed = self._owed, None
                if owed is not None:
                    self._distribution(owed)
            else:
                outcome = self._render(request)
                follows = isinstance(outcome, RenderResult) and (
                    outcome.has_distribution or request.left_out is not None
                )
                with self._cond:
                    if self._owed is None or self._owed_serial < self._rendering_serial:
                        self._owed = request if follows else None
                        self._owed_serial = self._rendering_serial
            with self._cond:
                self._busy = False
                done = self._pending is None and self._owed is None
            if done:
                self.idle.emit()

    def _next(self):
        """The next request; None when distribution work is owed and none came in time; self to stop."""
        with self._cond:
            if self._owed is not None and self._pending is None and not self._stopping:
                self._cond.wait(self.distribution_delay_s)
            while self._owed is None and self._pending is None and not self._stopping:
                self._cond.wait()
            if self._stopping:
                return self
            request, self._pending = self._pending, None
            self._rendering_serial = self._pending_serial
            self._busy = True
            return request

    def _put(self, outcome) -> None:
        with self._cond:
            self._outbox.append(outcome)
        self.ready.emit()

    def _render(self, request: RenderRequest) -> RenderResult | RenderFailure:
        outcome: RenderResult | RenderFailure
        try:
            outcome = self.colorizer.run(request)
        except Exception as err:  # noqa: BLE001 - reported to the UI, never lost in the thread
            logger.debug("render failed:\n%s", traceback.format_exc())
            outcome = RenderFailure(request.generation, str(err) or type(err).__name__)
        self._put(outcome)
        return outcome

    def _distribution(self, request: RenderRequest) -> None:
        try:
            dist = self.colorizer.distribution(request)
            predicted = self.colorizer.predicted_without(request)
        except Exception:  # noqa: BLE001 - suggestions are optional; the render itself succeeded
            logger.warning("colour distribution failed:\n%s", traceback.format_exc())
            return
        self._put(DistributionUpdate(request.generation, request.photo_token, dist, request.left_out, predicted))
