"""Thread counts follow the free cores; the benchmark's busy processes come and go with it."""

import pytest

from ideepcolor_app.engine import device
from ideepcolor_app.engine.benchmark import busy_processes


@pytest.mark.parametrize(
    "free, cores, threads",
    [
        (0.0, 2, 1),
        (0.4, 2, 1),
        (0.8, 2, 1),
        (1.0, 2, 1),
        (1.3, 2, 1),
        (1.8, 2, 2),
        (2.0, 2, 2),
        (5.9, 8, 6),
        (16.0, 8, 8),
    ],
)
def test_one_thread_per_free_core(free, cores, threads):
    assert device.threads_for_free_cores(free, cores) == threads


def test_free_cores_sees_a_busy_process():
    idle = device.free_cores(0.3)
    with busy_processes(1):
        loaded = device.free_cores(0.3)
    assert 0.0 <= loaded <= idle + 0.3  # one more process cannot free a core
    assert loaded < (device.os.cpu_count() or 1) - 0.5  # and it takes most of one


def test_busy_processes_end_with_the_block():
    with busy_processes(2) as spinners:
        assert [p.poll() for p in spinners] == [None, None]
    assert all(p.poll() is not None for p in spinners)


def test_threads_env_overrides(monkeypatch):
    import torch

    before = torch.get_num_threads()
    monkeypatch.setenv(device.THREADS_ENV, "1")
    try:
        assert device.configure_threads(free=8.0) == 1 and torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def test_configure_threads_leaves_numpy_one_blas_thread():
    """NumPy's BLAS beside torch's threads: one thread, whatever the torch count."""
    import numpy as np  # noqa: F401  (loads the BLAS library that threadpoolctl inspects)
    import torch
    from threadpoolctl import threadpool_info, threadpool_limits

    before = torch.get_num_threads()
    with threadpool_limits(2, user_api="blas"):
        try:
            device.configure_threads(free=2.0)
            blas = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
            assert blas and set(blas) == {1}
        finally:
            torch.set_num_threads(before)
