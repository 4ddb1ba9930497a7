"""Rendering as a pure function of a snapshot: `Colorizer.run(RenderRequest) -> RenderResult`.

The GUI takes a `RenderRequest` from the `Document` on every change and runs it off the UI
thread; `ResultGate` decides whether a finished result may still be shown. No Qt in here.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ideepcolor_app.color import lab_to_rgb
from ideepcolor_app.engine.backends import Backend, Distribution, create_backend
from ideepcolor_app.engine.compose import compose_rgb
from ideepcolor_app.engine.device import free_cores, threads_for_free_cores
from ideepcolor_app.engine.document import Document
from ideepcolor_app.engine.session import ColorizeSession
from ideepcolor_app.hints import Hints

#: Longest side of the on-screen result; saving always composes at full resolution.
PREVIEW_MAX_SIDE = 1200
#: Longest side of a draft result, shown while a point is dragged: composing the preview costs
#: more than the network, so a drag follows the pointer at this size and is refined at the end.
DRAFT_MAX_SIDE = 640
#: Smallest preview side: below it a view is too small for the size to matter.
MIN_PREVIEW_SIDE = 256
#: A draft covers this share of the view's pixels per side: a moving picture needs less
#: detail, and composition is what a drag step waits for most after the network.
DRAFT_SCALE = 0.6


@dataclass(frozen=True, eq=False)
class RenderRequest:
    """An immutable snapshot of what to render.

    Attributes:
        generation: the document generation this snapshot was taken at.
        photo_token: identifies the photo (`Document.photo_token`).
        l_full: (H,W) float32 read-only CIELAB L of the photo.
        hints, backend_name, temperature, working_size: as in the document.
        draft: compose a smaller preview (DRAFT_SCALE of the view, at most DRAFT_MAX_SIDE),
            for results during a drag.
        view_side: the screen pixels the photo's longest side covers in the view (0: unknown);
            the preview is composed at that size (within MIN_PREVIEW_SIDE and the maximum).
        left_out: index of the point (the selected one) that the colour distribution and the
            predicted colour leave out, so that suggestions say what the network would choose
            there without the point's own colour; None: the distribution of all hints.
    """

    generation: int
    photo_token: int
    l_full: np.ndarray
    hints: Hints
    backend_name: str
    temperature: float
    working_size: int
    draft: bool = False
    view_side: int = 0
    left_out: int | None = None

    @classmethod
    def from_document(
        cls, doc: Document, draft: bool = False, view_side: int = 0, left_out: int | None = None
    ) -> RenderRequest:
        return cls(
            doc.generation,
            doc.photo_token,
            doc.l_full,
            doc.hints,
            doc.backend_name,
            doc.temperature,
            doc.working_size,
            draft,
            int(view_side),
            left_out,
        )

    @property
    def hints_left_out(self) -> Hints:
        """The hints without the `left_out` point (all of them when there is none)."""
        if self.left_out is None or not 0 <= self.left_out < len(self.hints.points):
            return self.hints
        return self.hints.without_point(self.left_out)

    @property
    def preview_side(self) -> int:
        """The longest side of the preview to compose (`preview_l` never enlarges the photo)."""
        side = DRAFT_MAX_SIDE if self.draft else PREVIEW_MAX_SIDE
        if self.view_side > 0:
            wanted = self.view_side * (DRAFT_SCALE if self.draft else 1.0)
            side = min(side, max(MIN_PREVIEW_SIDE, preview_step(wanted)))
        return side


@dataclass(frozen=True, eq=False)
class RenderResult:
    """What the view shows after a render.

    Attributes:
        rgb_u8: (h,w,3) uint8 sRGB preview (the photo scaled to `RenderRequest.preview_side`).
        ab_small: (2,s,s) float32 CIELAB ab at the working resolution.
        seconds: wall time of the render; device: where the network ran.
        weights_state, uses_local_hints, uses_global_hints, has_distribution: facts about the
            backend instance (the distribution itself comes from `Colorizer.distribution`).
    """

    generation: int
    photo_token: int
    backend_name: str
    rgb_u8: np.ndarray
    ab_small: torch.Tensor
    seconds: float
    device: str
    weights_state: str
    uses_local_hints: bool
    uses_global_hints: bool
    has_distribution: bool
    draft: bool = False
    preview_side: int = 0

    def ab_at(self, x_frac: float, y_frac: float) -> tuple[float, float]:
        """The predicted ab at a point given as fractions of the photo's width and height."""
        h, w = self.ab_small.shape[-2:]
        row = min(h - 1, max(0, int(y_frac * h)))
        col = min(w - 1, max(0, int(x_frac * w)))
        return float(self.ab_small[0, row, col]), float(self.ab_small[1, row, col])


class Colorizer:
    """Runs render requests; keeps one backend per name and a session per photo and backend
    (the last `KEPT_SESSIONS`: the window's backend and the one the before/after view compares).

    Args:
        backend_factory: name -> Backend (default: `create_backend`); tests pass fakes.
    """

    def __init__(self, backend_factory: Callable[[str], Backend] = create_backend) -> None:
        self._factory = backend_factory
        self._backends: dict[str, Backend] = {}
        self._sessions: dict[tuple[int, str, int], ColorizeSession] = {}  # oldest first
        self._previews: dict[tuple[int, int], torch.Tensor] = {}
        self._lock = threading.Lock()  # the UI thread saves while the worker may be rendering

    def backend(self, name: str) -> Backend:
        """The backend called `name`, created on first use (may raise WeightsError)."""
        if name not in self._backends:
            self._backends[name] = self._factory(name)
        return self._backends[name]

    KEPT_SESSIONS = 2

    def session(self, request: RenderRequest) -> ColorizeSession:
        key = (request.photo_token, request.backend_name, request.working_size)
        session = self._sessions.pop(key, None)
        if session is None:
            backend = self.backend(request.backend_name)
            l_full = torch.tensor(request.l_full)  # a copy: the document's array is read-only
            session = ColorizeSession(l_full, backend, request.working_size)
        self._sessions[key] = session  # now the newest
        while len(self._sessions) > self.KEPT_SESSIONS:
            del self._sessions[next(iter(self._sessions))]
        return session

    def preview_l(self, request: RenderRequest) -> torch.Tensor:
        """(h,w) L of the photo scaled down to the request's preview size, cached per photo and size."""
        key = (request.photo_token, request.preview_side)
        if key not in self._previews:
            kept = [k for k in self._previews if k[0] == request.photo_token][-3:]  # a few sizes per photo
            self._previews = {k: self._previews[k] for k in kept}
            self._previews[key] = preview_l(request.l_full, request.preview_side)
        return self._previews[key]

    def run(self, request: RenderRequest) -> RenderResult:
        with self._lock:
            return self._run(request)

    def _run(self, request: RenderRequest) -> RenderResult:
        start = time.perf_counter()
        session = self.session(request)
        backend = session.backend
        ab_small = session.predict(request.hints, request.temperature)
        rgb_u8 = compose_rgb(self.preview_l(request), ab_small)
        return RenderResult(
            request.generation,
            request.photo_token,
            request.backend_name,
            rgb_u8,
            ab_small,
            time.perf_counter() - start,
            str(getattr(backend, "device", "cpu")),
            backend.weights_state,
            bool(backend.uses_local_hints),
            bool(backend.uses_global_hints),
            bool(backend.has_distribution),
            request.draft,
            request.preview_side,
        )

    def distribution(self, request: RenderRequest) -> Distribution | None:
        """The backend's colour distribution over the whole photo, or None if it has none;
        computed without the request's `left_out` point.

        Kept apart from `run` because it costs about another hint-dependent pass: the worker asks
        for it only once the edits pause, so a drag is not slowed down.
        """
        with self._lock:
            session = self.session(request)
            return session.distribution(request.hints_left_out, request.temperature)

    def predicted_without(self, request: RenderRequest) -> tuple[float, float] | None:
        """The ab the backend predicts at the `left_out` point's pixel without that point
        (None when the request leaves nothing out): what "predicted colour" gives a point."""
        if request.left_out is None or request.hints_left_out is request.hints:
            return None
        point = request.hints.points[request.left_out]
        with self._lock:
            session = self.session(request)
            ab_small = session.predict(request.hints_left_out, request.temperature)
        width, height = session.image_size
        h, w = ab_small.shape[-2:]
        row = min(h - 1, max(0, int(point.y / height * h)))
        col = min(w - 1, max(0, int(point.x / width * w)))
        return float(ab_small[0, row, col]), float(ab_small[1, row, col])

    def object_region(self, request: RenderRequest, x: float, y: float) -> np.ndarray:
        """(h,w) bool at the working resolution: the object under photo point (x, y), as an
        object fill covers it (`ColorizeSession.object_region`)."""
        with self._lock:
            return self.session(request).object_region(x, y)

    def render_full(self, request: RenderRequest, bit_depth: int = 8, threads: int | None = None) -> np.ndarray:
        """(H,W,3) sRGB at the photo's full resolution, for saving.

        Args:
            threads: torch threads for this render (default: one per core other processes
                leave free, `engine.device.free_cores`); the setting of the caller (e.g. the
                GUI's single render thread) is restored afterwards.
        """
        threads = threads or threads_for_free_cores(free_cores(0.1))
        with self._lock:
            before = torch.get_num_threads()
            torch.set_num_threads(max(1, threads))
            try:
                session = self.session(request)
                return session.compose(session.predict(request.hints, request.temperature), bit_depth=bit_depth)
            finally:
                torch.set_num_threads(before)


class ResultGate:
    """Decides which finished renders may still be shown.

    A result is shown when it is for the current photo and backend and newer than the one on
    screen. Results of an older generation than the one shown, or for another photo or backend,
    are dropped. Intermediate results of a drag are shown (the picture follows the pointer); the
    render of the last edit always comes last, so the view ends on the document's state.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.shown_generation = -1
        self.shown_draft = False
        self.shown_side = 0

    def accept(self, result: RenderResult, doc: Document) -> bool:
        """True if `result` should replace what is shown: newer, or a refinement (a draft made
        full, or a larger preview after the view grew) of the same generation."""
        if result.photo_token != doc.photo_token or result.backend_name != doc.backend_name:
            return False
        if result.generation > doc.generation:
            return False
        same = result.generation == self.shown_generation
        refines = same and not result.draft and (self.shown_draft or result.preview_side > self.shown_side)
        if result.generation <= self.shown_generation and not refines:
            return False
        self.shown_generation, self.shown_draft, self.shown_side = result.generation, result.draft, result.preview_side
        return True


def preview_l(l_full: np.ndarray | torch.Tensor, max_side: int = PREVIEW_MAX_SIDE) -> torch.Tensor:
    """(H,W) L -> (h,w) L with max(h, w) <= max_side, area-averaged; unchanged if small enough."""
    l_full = l_full if isinstance(l_full, torch.Tensor) else torch.tensor(np.asarray(l_full, dtype=np.float32))
    height, width = l_full.shape
    scale = max_side / max(height, width)
    if scale >= 1.0:
        return l_full
    size = (max(1, round(height * scale)), max(1, round(width * scale)))
    return F.interpolate(l_full[None, None], size=size, mode="area")[0, 0]


def preview_step(side: float) -> int:
    """Round a view size up to a multiple of 128 pixels, so small resizes reuse a preview size."""
    return int(-(-int(round(side)) // 128) * 128)


#: Steps per CIELAB L unit of the grey look-up table (below half an 8-bit level apart).
GREY_STEPS = 100


@functools.lru_cache(maxsize=1)
def _grey_table() -> torch.Tensor:
    """(100 * GREY_STEPS + 1,) uint8: the sRGB grey of each L from 0 to 100 (a = b = 0)."""
    l = torch.linspace(0.0, 100.0, 100 * GREY_STEPS + 1)
    lab = torch.stack([l, torch.zeros_like(l), torch.zeros_like(l)])[:, None, :]
    return lab_to_rgb(lab)[0, 0].mul(255.0).add(0.5).to(torch.uint8)


def grey_levels_u8(l_values: np.ndarray | torch.Tensor) -> np.ndarray:
    """Any-shaped L in [0, 100] -> the same shape of uint8 sRGB grey levels (a = b = 0)."""
    l_values = torch.as_tensor(np.asarray(l_values, dtype=np.float32))
    index = l_values.clamp(0.0, 100.0).mul(GREY_STEPS).add_(0.5).to(torch.int64)
    return _grey_table()[index].numpy()


def gray_u8(l_full: np.ndarray) -> np.ndarray:
    """(H,W) L -> (h,w,3) uint8 neutral sRGB preview (same size as the result preview).

    A grey depends on L alone, so it is read from a table (`_grey_table`) instead of composed:
    a photo opens without a full-size colour conversion on the GUI thread.
    """
    l_small = preview_l(l_full)
    index = l_small.clamp(0.0, 100.0).mul(GREY_STEPS).add_(0.5).to(torch.int64)
    grey = _grey_table()[index]
    return grey[..., None].expand(*grey.shape, 3).contiguous().numpy()
