"""Measure what a user feels: hint edit -> new ab, full-resolution composition, a 12 MP
`colorize` from file to file, memory, batch photos per minute (`bench_batch`); idle or beside
busy processes (`busy_processes`)."""

from __future__ import annotations

import contextlib
import functools
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ideepcolor_app.engine.backend_choice import BackendChoice
from ideepcolor_app.engine.backends import BACKENDS, create_backend
from ideepcolor_app.engine.batch import BatchJob, configure_batch_threads, run_batch
from ideepcolor_app.engine.compose import compose_rgb
from ideepcolor_app.engine.device import configure_threads, free_cores, pick_device
from ideepcolor_app.engine.export import colorize_file
from ideepcolor_app.engine.session import ColorizeSession
from ideepcolor_app.hints import HintPoint, Hints
from ideepcolor_app.imageio import write_image

TWELVE_MP = (3000, 4000)  # (H, W): a 12-megapixel 4:3 photo


def synthetic_l(height: int, width: int, seed: int = 0) -> torch.Tensor:
    """(H,W) float32 L in [0,100]: smooth shapes plus grain, like a scanned photo."""
    rng = np.random.default_rng(seed)
    yy, xx = np.meshgrid(
        np.linspace(0, 1, height, dtype=np.float32), np.linspace(0, 1, width, dtype=np.float32), indexing="ij"
    )
    l = 50 + 30 * np.sin(6 * xx) * np.cos(4 * yy) + rng.normal(0, 2, (height, width)).astype(np.float32)
    return torch.from_numpy(np.clip(l, 0, 100).astype(np.float32))


def percentile_ms(samples_s: list[float], q: float) -> float:
    return float(np.percentile(np.array(samples_s) * 1000.0, q))


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def edit_sequence(width: int, height: int, count: int, placed: int = 0) -> list[Hints]:
    """Hints as a user makes them: a point dragged across the photo, then a second point added;
    with `placed` > 0, beside as many points already placed on a regular grid (a photo well into
    its restoration)."""
    side = max(1, round(placed**0.5))
    grid = tuple(
        HintPoint(
            x=(0.1 + 0.8 * (i % side + 0.5) / side) * width,
            y=(0.1 + 0.8 * (i // side + 0.5) / -(-placed // side)) * height,
            ab=(float(-40 + 80 * (i % 3) / 2), float(30 - 20 * (i % 4))),
            size=5,
        )
        for i in range(placed)
    )
    hints = []
    for i in range(count):
        x = (0.2 + 0.6 * i / max(1, count - 1)) * width
        first = HintPoint(x=x, y=height * 0.4, ab=(20.0, 40.0), size=3)
        points = (first,) if i % 2 else (first, HintPoint(x=width * 0.7, y=height * 0.7, ab=(-30.0, 10.0), size=5))
        hints.append(Hints(width=width, height=height, points=grid + points))
    return hints


#: Points already placed in the second edit timing (`edit_ms_p50_dense`).
DENSE_POINTS = 20


def bench_backend(name: str, working_size: int, edits: int, device: str | None) -> dict[str, Any]:
    """p50/p95 of a hint edit (L-only work cached, as in the GUI) and the one-off L-only time."""
    backend = create_backend(name, device=device)
    l_photo = synthetic_l(768, 1024, seed=1)
    session = ColorizeSession(l_photo, backend, working_size)
    prepare_s = timed(lambda: session.predict(None))
    sequence = edit_sequence(*session.image_size, count=edits + 3)
    for hints in sequence[:3]:  # warm-up
        session.predict(hints)
    samples = [timed(functools.partial(session.predict, h)) for h in sequence[3:]]
    dense = []
    if backend.uses_local_hints:
        dense = [
            timed(functools.partial(session.predict, h))
            for h in edit_sequence(*session.image_size, count=edits, placed=DENSE_POINTS)
        ]
    return {
        "edit_ms_p50": round(percentile_ms(samples, 50), 2),
        "edit_ms_p95": round(percentile_ms(samples, 95), 2),
        "edit_ms_p50_dense": round(percentile_ms(dense, 50), 2) if dense else None,
        "prepare_ms": round(prepare_s * 1000.0, 1),
        "working_size": session.working_size,
        "weights": backend.weights_state,
        "uses_local_hints": backend.uses_local_hints,
    }


def bench_compose(repeats: int = 3) -> float:
    """Median seconds to compose a 12 MP sRGB uint8 photo from 256 x 256 ab."""
    l_full = synthetic_l(*TWELVE_MP)
    ab_small = torch.from_numpy(np.random.default_rng(2).uniform(-40, 40, (2, 256, 256)).astype(np.float32))
    compose_rgb(l_full, ab_small)  # warm-up
    return statistics.median(timed(lambda: compose_rgb(l_full, ab_small)) for _ in range(repeats))


@contextlib.contextmanager
def busy_processes(count: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Keep `count` CPU-bound processes running (a loaded machine) for the duration of the block."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        if spinners:
            time.sleep(0.5)  # let them reach full speed before the free cores are measured
        yield spinners
    finally:
        for process in spinners:
            process.kill()
        for process in spinners:
            process.wait()


def bench_colorize_12mp(backend_name: str = "hints", device: str | None = None) -> float:
    """Seconds of one `colorize_file` of a 12 MP JPEG into a JPEG: read, predict, compose, write."""
    backend = create_backend(backend_name, device=device)
    l_full = synthetic_l(*TWELVE_MP, seed=3).numpy() / 100.0
    with tempfile.TemporaryDirectory(prefix="ideepcolor-bench-") as folder:
        source = write_image(Path(folder) / "photo.jpg", l_full[..., None].repeat(3, axis=2))
        return timed(lambda: colorize_file(source, Path(folder) / "out.jpg", backend))


def run_benchmarks(
    backends: list[str] | None = None,
    working_size: int = 256,
    edits: int = 30,
    device: str | None = None,
    colorize_backend: str | None = "hints",
) -> dict[str, Any]:
    """Run every benchmark; a backend that cannot run is reported with its error.

    The torch thread count is chosen as the app chooses it (`configure_threads`), from the
    cores free when the benchmark starts.
    """
    free = free_cores()
    threads = configure_threads(free)
    results: dict[str, Any] = {}
    for name in backends or list(BACKENDS):
        count = max(5, edits // 5) if name == "levin" else edits
        try:
            results[name] = bench_backend(name, working_size, count, device)
        except Exception as err:  # noqa: BLE001 - report and go on with the other backends
            results[name] = {"error": f"{type(err).__name__}: {err}"}
    compose_s = bench_compose()
    colorize_s = bench_colorize_12mp(colorize_backend, device) if colorize_backend else None
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "device": str(pick_device(device)),
        "cpu": platform.processor() or platform.machine(),
        "free_cores": round(free, 2),
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "torch_threads": threads,
        "backends": results,
        "compose_12mp_s": round(compose_s, 3),
        "colorize_12mp_s": None if colorize_s is None else round(colorize_s, 3),
        "colorize_backend": colorize_backend,
        "peak_rss_mb": round(peak_kb / 1024.0, 1),
    }


def write_synthetic_jpegs(folder: Path, count: int, size: tuple[int, int] = TWELVE_MP, quality: int = 90) -> list[Path]:
    """Write `count` grey 12 MP (by default) RGB JPEGs, as a scanner saves prints, into `folder`."""
    paths = []
    for index in range(count):
        l_full = synthetic_l(*size, seed=100 + index).numpy() / 100.0
        gray_rgb = l_full[..., None].repeat(3, axis=2)
        paths.append(write_image(folder / f"scan_{index:03d}.jpg", gray_rgb, quality=quality))
    return paths


def bench_batch(
    photos: int = 8, backend: str | None = None, device: str | None = None, size: tuple[int, int] = TWELVE_MP
) -> dict[str, Any]:
    """Photos per minute of `ideepcolor batch` on synthetic JPEGs, JPEG out, two ways.

    "prefetch" is the batch as it runs (`configure_batch_threads`, reading and writing
    overlapped with the network); "sequential" is one photo at a time on one torch thread per
    free core (the batch before prefetching). The backend (automatic default when None) is
    opened before the clock starts; its loading time is reported apart.
    """
    with tempfile.TemporaryDirectory(prefix="ideepcolor-batch-bench-") as folder:
        source = Path(folder) / "in"
        source.mkdir()
        write_synthetic_jpegs(source, photos, size)
        free = free_cores()
        start = time.perf_counter()
        choice = (
            BackendChoice.fixed(create_backend(backend, device=device))
            if backend
            else BackendChoice.auto(factory=lambda name: create_backend(name, device=device))
        )
        choice.backend(choice.name_for(False))
        load_s = time.perf_counter() - start
        modes = {}
        for mode, prefetch in (("prefetch", True), ("sequential", False)):
            threads = configure_batch_threads() if prefetch else configure_threads(free)
            job = BatchJob(source, Path(folder) / mode, format="jpg")
            cpu_start = time.process_time()
            seconds = timed(functools.partial(run_batch, job, choice, prefetch=prefetch))
            modes[mode] = {
                "photos_per_min": round(60.0 * photos / seconds, 1),
                "seconds": round(seconds, 2),
                "cpu_s_per_photo": round((time.process_time() - cpu_start) / photos, 2),
                "torch_threads": threads,
            }
    return {
        "photos": photos,
        "megapixels": round(size[0] * size[1] / 1e6, 1),
        "format": "jpg -> jpg",
        "backend": choice.name_for(False),
        "backend_load_s": round(load_s, 2),
        "free_cores": round(free, 2),
        "cores": os.cpu_count(),
        **modes,
        "speedup": round(modes["prefetch"]["photos_per_min"] / modes["sequential"]["photos_per_min"], 2),
    }
