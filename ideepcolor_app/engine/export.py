"""Colourize a photo file into an output file: read, predict, compose, write atomically.

Options are checked before any work (`check_options`), the memory a photo needs is checked
before it is colourized (`check_memory`), and a prediction with NaN or infinite values is an
error rather than a black photo.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ideepcolor_app.color.lab import rgb_to_l_np
from ideepcolor_app.engine.backends import Backend
from ideepcolor_app.engine.device import available_memory_bytes
from ideepcolor_app.engine.session import (
    DEFAULT_TEMPERATURE,
    DEFAULT_WORKING_SIZE,
    ColorizeSession,
    HintsMismatchError,
    PredictionError,
)
from ideepcolor_app.hints import DEFAULT_NUM_BINS, DamageStroke, Hints, load_hints
from ideepcolor_app.imageio import read_photo, write_image
from ideepcolor_app.restore import RestoreOptions, restore_lightness

SIDECAR_SUFFIX = ".hints.json"
MAX_WORKING_SIZE = 2048
MIN_TEMPERATURE = 0.01  # below this the annealed mean is the mode; much lower, it overflows
MAX_TEMPERATURE = 100.0
# Bytes per pixel held while a photo is colourized: decoded samples, float sRGB, L, the
# composed result, the encoder's copy and the decode that verifies the file (measured ~40).
PHOTO_BYTES_PER_PIXEL = 48
# Network activations per working-resolution pixel (measured peak 330-550 bytes, 256-512).
WORKING_BYTES_PER_PIXEL = 600


class MemoryCheckError(ValueError):
    """A job would need more memory than the machine has free."""


def sidecar_hints_path(photo: Path) -> Path:
    """`family.jpg` -> `family.hints.json` (the hints file the batch command uses for it)."""
    return photo.with_name(photo.stem + SIDECAR_SUFFIX)


def output_bit_depth(destination: Path) -> int:
    """16-bit for TIFF (archival masters), 8-bit for PNG and JPEG."""
    return 16 if destination.suffix.lower() in (".tif", ".tiff") else 8


def check_options(
    *, working_size: int = DEFAULT_WORKING_SIZE, quality: int = 95, temperature: float = DEFAULT_TEMPERATURE
) -> None:
    """Raise ValueError for a working size, JPEG quality or temperature out of range."""
    if not 1 <= working_size <= MAX_WORKING_SIZE:
        raise ValueError(
            f"working size must be from 1 to {MAX_WORKING_SIZE}, got {working_size} (the networks were trained at 256)"
        )
    if not 1 <= quality <= 100:
        raise ValueError(f"JPEG quality must be from 1 to 100, got {quality}")
    if not MIN_TEMPERATURE <= temperature <= MAX_TEMPERATURE:
        raise ValueError(f"temperature must be from {MIN_TEMPERATURE} to {MAX_TEMPERATURE:g}, got {temperature:g}")


def check_memory(width: int, height: int, working_size: int, what: str) -> None:
    """Raise MemoryCheckError when colourizing a `width` x `height` photo would not fit in memory.

    Skipped where the free memory cannot be read.
    """
    needed = width * height * PHOTO_BYTES_PER_PIXEL + working_size**2 * WORKING_BYTES_PER_PIXEL
    free = available_memory_bytes()
    if free is not None and needed > free:
        raise MemoryCheckError(
            f"{what}: needs about {needed / 2**30:.1f} GB of memory at working size {working_size}, "
            f"but {free / 2**30:.1f} GB is free; use a smaller --size or close other programs"
        )


@dataclass(frozen=True, eq=False)
class LoadedPhoto:
    """A photo read and checked, ready for a backend: what `colorize_file` does before the network.

    Attributes:
        source: the photo file.
        l_full: (H,W) float32 CIELAB L in [0, 100] (restored when asked).
        exif: the source's EXIF block for the output, or None.
        hints: the hints to use (their size checked against the photo), or None.
    """

    source: Path
    l_full: np.ndarray
    exif: bytes | None
    hints: Hints | None


def load_photo(
    source: Path,
    *,
    hints: Hints | Path | None = None,
    hints_source: str | os.PathLike[str] | None = None,
    working_size: int = DEFAULT_WORKING_SIZE,
    restore: RestoreOptions | None = None,
    damage_hints: Hints | Path | None = None,
) -> LoadedPhoto:
    """Read `source`, check its hints and the memory it needs, and compute its (restored) L.

    With `restore`, the damage strokes of `damage_hints` correct the restoration's damage mask
    (default: those of `hints`; a batch passes the photo's sidecar even to a backend that
    takes no hints).

    Raises:
        ImageReadError, HintsFileError, HintsMismatchError: bad input.
        MemoryCheckError: the photo would not fit in memory at this working size.
    """
    source = Path(source)
    photo = read_photo(source)
    height, width = photo.rgb.shape[:2]
    hints = _checked_hints(hints, hints_source, source, width, height)
    strokes: tuple[DamageStroke, ...] = ()
    if restore is not None:
        damage = hints if damage_hints is None else _checked_hints(damage_hints, None, source, width, height)
        strokes = damage.damage_strokes if damage is not None else ()
    check_memory(width, height, working_size, str(source))
    l_full = rgb_to_l_np(np.asarray(photo.rgb, dtype=np.float32))
    if restore is not None:
        l_full = np.array(restore_lightness(l_full, restore, strokes).l)  # writable, for torch
    return LoadedPhoto(source, l_full, photo.exif, hints)


def _checked_hints(
    hints: Hints | Path | None, hints_source: str | os.PathLike[str] | None, source: Path, width: int, height: int
) -> Hints | None:
    """`hints` (read when it is a path), checked to be made for a `width` x `height` photo."""
    hints_source = os.fspath(hints if isinstance(hints, Path) else hints_source or "the hints")
    if isinstance(hints, Path):
        hints = load_hints(hints, num_bins=DEFAULT_NUM_BINS)
    if hints is not None and (hints.width, hints.height) != (width, height):
        raise HintsMismatchError(
            f"{hints_source}: image: made for a {hints.width}x{hints.height} photo, but {source} is {width}x{height}"
        )
    return hints


def colorize_loaded(
    loaded: LoadedPhoto,
    backend: Backend,
    *,
    working_size: int = DEFAULT_WORKING_SIZE,
    temperature: float = DEFAULT_TEMPERATURE,
    bit_depth: int = 8,
) -> np.ndarray:
    """Predict and compose a loaded photo: (H,W,3) sRGB at full resolution, `bit_depth` bits.

    Raises:
        PredictionError: the backend gave NaN or infinite colours (the message names the photo).
    """
    session = ColorizeSession(loaded.l_full, backend, working_size)
    try:
        ab = session.predict(loaded.hints, temperature)
    except PredictionError as err:
        raise PredictionError(f"{loaded.source}: {err}; nothing was written") from None
    return session.compose(ab, bit_depth=bit_depth)


def colorize_file(
    source: Path,
    destination: Path,
    backend: Backend,
    *,
    hints: Hints | Path | None = None,
    hints_source: str | os.PathLike[str] | None = None,
    working_size: int = DEFAULT_WORKING_SIZE,
    temperature: float = DEFAULT_TEMPERATURE,
    quality: int = 95,
    restore: RestoreOptions | None = None,
) -> Path:
    """Colourize `source` into `destination`; never writes over `source`.

    `hints` is a `Hints` or the path of a hints file; `hints_source` names the file in errors
    when `hints` was loaded already. With `restore`, the photo's lightness is restored first
    (grain, dust, scratches, fading: `ideepcolor_app.restore`), its damage mask corrected by the
    damage strokes of `hints`, and the restored one colourized.
    The stages (`load_photo`, `colorize_loaded`, `write_image`) are public so that a batch can
    overlap them across photos.

    Raises:
        ImageReadError, HintsFileError, HintsMismatchError, ImageWriteError: bad input or output.
        ValueError: an option out of range (see `check_options`).
        MemoryCheckError: the photo would not fit in memory at this working size.
        PredictionError: the backend gave NaN or infinite colours.
    """
    check_options(working_size=working_size, quality=quality, temperature=temperature)
    source, destination = Path(source), Path(destination)
    loaded = load_photo(source, hints=hints, hints_source=hints_source, working_size=working_size, restore=restore)
    rgb = colorize_loaded(
        loaded, backend, working_size=working_size, temperature=temperature, bit_depth=output_bit_depth(destination)
    )
    return write_image(destination, rgb, quality=quality, exif=loaded.exif, protect=[source])
