"""Time `ideepcolor restore`'s work on real old scans enlarged to 12 MP, in a fresh process.

No 12 MP scan ships with the corpus (the real scans in `oldphotos/` are 1024 px long), so
each of the first `SCANS` scans is enlarged (Lanczos) to `megapixels` and saved as a JPEG
(quality 92), as a flatbed scan at 600-1200 dpi would be. A child process then, per photo
and `repeat` times: reads the JPEG, restores it with the default options (tone auto,
strength medium) and writes the grey result as a JPEG, the whole `restore_file` call. It
reports the median and best wall time, the restore step alone, and the peak resident memory
(ru_maxrss: Python, torch, NumPy and OpenCV included). `busy` CPU-bound processes can run
beside it, as on a user's machine that is not idle.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

SCANS = ("boulevarddutemple1838.jpg", "1850geography.jpg", "bicycles.jpg")


def enlarged_scan(source: Path, megapixels: float, destination: Path) -> tuple[int, int]:
    """Write `source` enlarged to `megapixels` as a JPEG at `destination`; its (width, height)."""
    with Image.open(source) as im:
        gray = im.convert("L")
        scale = (megapixels * 1e6 / (gray.width * gray.height)) ** 0.5
        size = (round(gray.width * scale), round(gray.height * scale))
        gray.resize(size, Image.Resampling.LANCZOS).save(destination, "JPEG", quality=92)
    return size


def _child(paths: list[str], repeat: int) -> dict:
    """Runs in the child: restore each file `repeat` times; times and peak memory."""
    from ideepcolor_app.engine.device import configure_threads, free_cores
    from ideepcolor_app.restore.files import restore_file

    configure_threads(free_cores())
    times, restore_times, fractions = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for path in paths:
            for _ in range(repeat):
                start = time.perf_counter()
                _, result = restore_file(path, Path(folder) / "out.jpg")
                times.append(time.perf_counter() - start)
                restore_times.append(result.seconds)
            fractions.append(result.defect_fraction)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "median_s": round(statistics.median(times), 3),
        "best_s": round(min(times), 3),
        "worst_s": round(max(times), 3),
        "restore_step_median_s": round(statistics.median(restore_times), 3),
        "times_s": [round(t, 3) for t in times],
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "filled_pct": [round(100 * f, 3) for f in fractions],
    }


def run_bench(scans: Path, megapixels: float = 12.0, repeat: int = 3, busy: int = 0) -> dict:
    """Enlarge, save, and restore in a child process; print and return the numbers."""
    from ideepcolor_app.engine.benchmark import busy_processes

    with tempfile.TemporaryDirectory() as folder:
        paths, sizes = [], []
        for name in SCANS:
            path = Path(folder) / name
            sizes.append(enlarged_scan(scans / name, megapixels, path))
            paths.append(str(path))
        code = (
            "import json, sys; from training.restore_bench import _child; "
            f"print(json.dumps(_child({paths!r}, {repeat})))"
        )
        with busy_processes(busy):
            done = subprocess.run(
                [sys.executable, "-c", code],
                capture_output=True,
                text=True,
                check=True,
                cwd=Path(__file__).resolve().parents[1],
            )
    numbers = json.loads(done.stdout.strip().splitlines()[-1])
    report = {
        "photos": [f"{name} enlarged to {w}x{h}" for name, (w, h) in zip(SCANS, sizes, strict=True)],
        "work": "restore_file: read JPEG, restore (tone auto, strength medium), write JPEG",
        "busy_processes": busy,
        "cores": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        **numbers,
    }
    print(
        f"restore of {len(SCANS)} real scans at {megapixels:g} MP, {repeat} runs each, {busy} busy: "
        f"median {numbers['median_s']:.2f} s (restore step {numbers['restore_step_median_s']:.2f} s), "
        f"worst {numbers['worst_s']:.2f} s; peak memory {numbers['peak_rss_mib']:.0f} MiB "
        f"(load average {report['load_average_1min']})"
    )
    return report
