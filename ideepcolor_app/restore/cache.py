"""Restored lightness kept per photo and options, so that switching restoration off and on
again, or back to options already tried, costs nothing (the app's Restore switch)."""

from __future__ import annotations

import threading

import numpy as np

from ideepcolor_app.hints.damage_strokes import DamageStroke
from ideepcolor_app.restore.options import RestoreOptions
from ideepcolor_app.restore.pipeline import RestoreResult, restore_lightness

DEFAULT_ENTRIES = 3  # a 12 MP photo's restored L is 48 MB


class RestoreCache:
    """The last few restorations, keyed by the original lightness array itself and the options.

    The key is the array object (the app's document keeps one read-only array per opened
    photo), so another photo never finds this one's result. Safe to call from a worker thread.

    Args:
        entries: how many restorations to keep (the oldest goes first).
    """

    def __init__(self, entries: int = DEFAULT_ENTRIES) -> None:
        self.entries = entries
        self._kept: list[tuple[np.ndarray, tuple, RestoreResult]] = []
        self._lock = threading.Lock()
        self.computed = 0  # how many restorations ran (tests check the cache is used)

    def get(
        self, original: np.ndarray, options: RestoreOptions, strokes: tuple[DamageStroke, ...] = ()
    ) -> RestoreResult | None:
        """The kept restoration of `original` with `options` and `strokes`, or None."""
        key = (options, tuple(strokes))
        with self._lock:
            for kept, kept_key, result in self._kept:
                if kept is original and kept_key == key:
                    return result
        return None

    def restore(
        self, original: np.ndarray, options: RestoreOptions, strokes: tuple[DamageStroke, ...] = ()
    ) -> RestoreResult:
        """The restoration of `original` ((H, W) L in [0, 100]) with `options` and the user's
        damage `strokes`, kept or computed."""
        found = self.get(original, options, strokes)
        if found is not None:
            return found
        result = restore_lightness(original, options, strokes)
        key = (options, tuple(strokes))
        with self._lock:
            self.computed += 1
            self._kept = [k for k in self._kept if not (k[0] is original and k[1] == key)]
            self._kept = (self._kept + [(original, key, result)])[-self.entries :]
        return result
