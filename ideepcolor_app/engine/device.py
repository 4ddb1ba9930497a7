"""Choose where networks run (CUDA, then Apple MPS, then the CPU), with how many threads.

On the CPU the thread count follows the cores that other processes leave free
(`configure_threads`): with two OpenMP threads and one core busy elsewhere, each parallel
region waits for the thread that has to share its core. NumPy's and SciPy's BLAS get one
thread (`single_threaded_blas`): the propagation's small products ran up to 3x slower when
OpenBLAS's threads and torch's spun for the same two cores.
"""

from __future__ import annotations

import logging
import os
import time

import torch
from threadpoolctl import threadpool_limits

logger = logging.getLogger(__name__)

DEVICE_ENV = "IDEEPCOLOR_DEVICE"
THREADS_ENV = "IDEEPCOLOR_THREADS"
_CHOICES = ("auto", "cpu", "cuda", "mps")


def pick_device(preference: str | None = None) -> torch.device:
    """Return the device to run networks on.

    Args:
        preference: "auto" (default; also read from $IDEEPCOLOR_DEVICE), "cpu", "cuda" or "mps".

    Raises:
        ValueError: an unknown name, or a device that this machine does not have.
    """
    choice = (preference or os.environ.get(DEVICE_ENV) or "auto").lower()
    if choice not in _CHOICES:
        raise ValueError(f"unknown device {choice!r}; choose one of {', '.join(_CHOICES)}")
    available = {
        "cuda": torch.cuda.is_available(),
        "mps": bool(getattr(torch.backends, "mps", None)) and torch.backends.mps.is_available(),
        "cpu": True,
    }
    if choice == "auto":
        choice = next(name for name in ("cuda", "mps", "cpu") if available[name])
    elif not available[choice]:
        raise ValueError(f"device {choice!r} is not available on this machine")
    logger.debug("running networks on %s", choice)
    return torch.device(choice)


def pick_dtype(device: torch.device) -> torch.dtype:
    """Half precision on a GPU (twice the speed, ample for 8-bit output), float32 on the CPU."""
    return torch.float16 if device.type in ("cuda", "mps") else torch.float32


def available_memory_bytes() -> int | None:
    """Memory the system can give this process now (Linux MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies summed over all CPUs, from /proc/stat; None off Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]) - idle, sum(fields[:8])


def free_cores(sample_s: float = 0.2) -> float:
    """How many cores other processes leave free, measured over `sample_s` seconds.

    Linux reads /proc/stat; elsewhere the 1-minute load average stands in (less current).
    """
    cores = os.cpu_count() or 1
    before = _cpu_times()
    if before is None:
        try:
            return max(0.0, cores - os.getloadavg()[0])
        except (AttributeError, OSError):
            return float(cores)
    time.sleep(sample_s)
    after = _cpu_times()
    if after is None:  # /proc/stat unreadable since the first reading
        return float(cores)
    busy, total = after[0] - before[0], after[1] - before[1]
    if total <= 0:
        return float(cores)
    return cores * (1.0 - busy / total)


def threads_for_free_cores(free: float, cores: int | None = None) -> int:
    """One torch thread per free core, rounded down, at least one and at most the core count.

    OpenMP threads wait for each other at every parallel region: a thread that shares its core
    with a busy process holds all the others back, so a loaded machine is better served with
    fewer threads than with more.
    """
    cores = cores or os.cpu_count() or 1
    return max(1, min(cores, int(free + 0.25)))  # 0.75 of a core free counts as one


def configure_threads(free: float | None = None) -> int:
    """Set torch's thread count from the cores free now ($IDEEPCOLOR_THREADS overrides); return it."""
    override = os.environ.get(THREADS_ENV)
    if override and override.isdigit() and int(override) > 0:
        threads = int(override)
    else:
        threads = threads_for_free_cores(free_cores() if free is None else free)
    torch.set_num_threads(threads)
    single_threaded_blas()
    logger.info("using %d torch thread(s)", threads)
    return threads


def single_threaded_blas() -> None:
    """Run NumPy's and SciPy's BLAS on the calling thread only, for the whole process.

    Their work here is small matrix products and solves of the hint propagation. With two
    OpenBLAS threads beside two torch threads, propagating five points took 74 ms instead of
    21 ms on the 2-core development CPU (docs/speed.md, "Threads").
    """
    threadpool_limits(1, user_api="blas")
