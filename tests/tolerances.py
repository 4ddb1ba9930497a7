"""Comparison tolerances per dtype, shared by all test folders (as kornia's testing/base.py).

Use `tolerance(dtype)` for (rtol, atol) or `assert_close` for torch.testing.assert_close with
those defaults; both accept torch and numpy dtypes, tensors and arrays.
"""

from __future__ import annotations

import numpy as np
import torch

# (rtol, atol) for values of order 1..100 computed two ways in the same precision.
_TOLERANCES: dict[torch.dtype, tuple[float, float]] = {
    torch.float16: (1e-2, 1e-2),
    torch.bfloat16: (2e-2, 2e-2),
    torch.float32: (1e-4, 1e-5),
    torch.float64: (1e-7, 1e-7),
}

# Largest CIE76 colour difference from scikit-image's float64 rgb2lab / lab2rgb that
# ideepcolor_app.color.lab may show, by the dtype it computes in (measured: about 1e-13 in
# float64 and 7e-5 in float32; the limits leave headroom).
DELTA_E_VS_SKIMAGE: dict[torch.dtype, float] = {torch.float64: 1e-6, torch.float32: 1e-3}


def _torch_dtype(dtype) -> torch.dtype:
    if isinstance(dtype, torch.dtype):
        return dtype
    return torch.from_numpy(np.empty(0, dtype=np.dtype(dtype))).dtype


def tolerance(dtype) -> tuple[float, float]:
    """Return (rtol, atol) for comparing values of `dtype` (torch or numpy dtype)."""
    return _TOLERANCES[_torch_dtype(dtype)]


def assert_close(actual, expected, rtol: float | None = None, atol: float | None = None) -> None:
    """torch.testing.assert_close with the per-dtype tolerances of `actual` as defaults.

    numpy arrays are compared as tensors; dtypes may differ (the looser tolerance applies).
    """
    actual_t = torch.as_tensor(actual)
    expected_t = torch.as_tensor(expected)
    if rtol is None or atol is None:
        loosest = max(
            (tolerance(t.dtype) for t in (actual_t, expected_t) if t.is_floating_point()),
            default=(0.0, 0.0),
        )
        rtol = loosest[0] if rtol is None else rtol
        atol = loosest[1] if atol is None else atol
    torch.testing.assert_close(actual_t, expected_t, rtol=rtol, atol=atol, check_dtype=False)
