"""Time `restore_lightness` on a generated 12 MP photo, in a fresh process for an honest peak.

The photo (4000 x 3000 at 12 MP) has smooth gradients, hard-edged shapes, fine texture, and
every kind of synthetic damage (`training.restore_damage`, kind "all"). A child process
loads it, restores it `repeat` times with the default options (tone auto, strength medium)
on the threads OpenCV is given (`threads`, default: all cores), and reports the median and
best wall time and its peak resident memory (ru_maxrss: Python, NumPy and OpenCV included).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from training.restore_damage import damage


def generated_photo(megapixels: float, seed: int = 0) -> np.ndarray:
    """A 4:3 lightness plane in [0, 1] with gradients, shapes and texture, then damaged."""
    width = int(round(np.sqrt(megapixels * 1e6 * 4 / 3)))
    height = int(round(width * 3 / 4))
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    x = 0.3 + 0.4 * (xx / width) * (yy / height)
    for _ in range(40):
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        axes = (int(rng.integers(20, width // 6)), int(rng.integers(20, height // 6)))
        cv2.ellipse(x, centre, axes, float(rng.uniform(0, 180)), 0, 360, float(rng.uniform(0.05, 0.95)), -1)
    texture = cv2.GaussianBlur(rng.standard_normal((height, width)).astype(np.float32), (0, 0), 1.5)
    x += 0.04 * texture / texture.std()
    return damage(np.clip(x, 0, 1), "all", seed)


def _child(path: str, repeat: int, threads: int) -> dict:
    """Runs in the child: restore the saved photo `repeat` times; times and peak memory."""
    cv2.setNumThreads(threads)
    from ideepcolor_app.restore import RestoreOptions, restore_lightness
    l = np.load(path).astype(np.float32) * np.float32(100 / 65535)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = restore_lightness(l, RestoreOptions())
        times.append(time.perf_counter() - start)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "median_s": round(statistics.median(times), 3),
        "best_s": round(min(times), 3),
        "times_s": [round(t, 3) for t in times],
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "defect_fraction": round(result.defect_fraction, 5),
        "grain_std": round(result.grain, 4),
        "tone": list(result.tone),
    }


def run_bench(megapixels: float = 12.0, repeat: int = 3, threads: int | None = None) -> dict:
    """Generate, save, and restore in a child process; print and return the numbers."""
    threads = threads or len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    photo = generated_photo(megapixels)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "photo.npy")
        np.save(path, np.round(photo * 65535).astype(np.uint16))
        code = ("import json, sys; from training.restore_bench import _child; "
                f"print(json.dumps(_child({path!r}, {repeat}, {threads})))")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              cwd=Path(__file__).resolve().parents[1])
    numbers = json.loads(done.stdout.strip().splitlines()[-1])
    report = {
        "photo": f"{photo.shape[1]}x{photo.shape[0]} ({photo.size / 1e6:.1f} MP), generated, every damage kind",
        "threads": threads,
        "cpu": platform.processor() or platform.machine(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        **numbers,
    }
    print(f"restore {report['photo']}: median {numbers['median_s']:.2f} s, best {numbers['best_s']:.2f} s "
          f"over {repeat} runs on {threads} threads; peak memory {numbers['peak_rss_mib']:.0f} MiB "
          f"(load average {report['load_average_1min']})")
    return report
