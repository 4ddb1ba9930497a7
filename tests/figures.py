"""Checks for benchmark figures: each is there and is a measurement, whatever its value (the
values are the benchmark's output, not something a test can hold to a bound)."""

import math


def assert_measured(figures: dict, *keys: str) -> None:
    """Each of `keys` is in `figures` and holds a finite, positive number."""
    for key in keys:
        value = figures[key]
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (key, value)
        assert math.isfinite(value) and value > 0, (key, value)
