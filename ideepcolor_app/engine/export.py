"""Colourize a photo file into an output file: read, predict, compose, write atomically."""

from __future__ import annotations

from pathlib import Path

from ideepcolor_app.engine.backends import Backend
from ideepcolor_app.engine.session import DEFAULT_TEMPERATURE, DEFAULT_WORKING_SIZE, ColorizeSession
from ideepcolor_app.hints import DEFAULT_NUM_BINS, Hints, load_hints
from ideepcolor_app.imageio import read_photo, write_image

SIDECAR_SUFFIX = ".hints.json"


def sidecar_hints_path(photo: Path) -> Path:
    """`family.jpg` -> `family.hints.json` (the hints file the batch command uses for it)."""
    return photo.with_name(photo.stem + SIDECAR_SUFFIX)


def output_bit_depth(destination: Path) -> int:
    """16-bit for TIFF (archival masters), 8-bit for PNG and JPEG."""
    return 16 if destination.suffix.lower() in (".tif", ".tiff") else 8


def colorize_file(
    source: Path,
    destination: Path,
    backend: Backend,
    *,
    hints: Hints | Path | None = None,
    working_size: int = DEFAULT_WORKING_SIZE,
    temperature: float = DEFAULT_TEMPERATURE,
    quality: int = 95,
) -> Path:
    """Colourize `source` into `destination`; never writes over `source`.

    Raises:
        ImageReadError, HintsFileError, HintsMismatchError, ImageWriteError: bad input or output.
    """
    source, destination = Path(source), Path(destination)
    photo = read_photo(source)
    if isinstance(hints, Path):
        hints = load_hints(hints, num_bins=DEFAULT_NUM_BINS)
    session = ColorizeSession.from_rgb(photo.rgb, backend, working_size)
    bit_depth = output_bit_depth(destination)
    rgb = session.colorize(hints, temperature, bit_depth=bit_depth)
    return write_image(destination, rgb, quality=quality, exif=photo.exif, protect=[source])
