"""Old-photo restoration on the lightness plane: grain, dust and scratches, faded tone; no Qt."""

from ideepcolor_app.restore.cache import RestoreCache
from ideepcolor_app.restore.options import DEFAULT_STRENGTH, DEFAULT_TONE, STRENGTHS, TONES, RestoreOptions
from ideepcolor_app.restore.pipeline import RestoreResult, restore_lightness

__all__ = [
    "DEFAULT_STRENGTH",
    "DEFAULT_TONE",
    "RestoreCache",
    "STRENGTHS",
    "TONES",
    "RestoreOptions",
    "RestoreResult",
    "restore_lightness",
]
