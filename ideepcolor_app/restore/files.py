"""Restore a photo file into a grayscale output file: read, restore L, write atomically.

The output is the restored lightness as neutral gray (CIELAB L with a = b = 0, in sRGB), at
the source's size, upright, with its EXIF, and at its bit depth where the format allows (JPEG
is 8-bit). A colour source is restored as its lightness, which is what colourizing it uses.
The damage strokes of the photo's hints correct the damage mask, and the mask that was filled
can be written beside the output (`mask_destination`).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ideepcolor_app.color.lab import lab_to_rgb_np, rgb_to_l_np
from ideepcolor_app.hints import Hints
from ideepcolor_app.imageio import Photo, read_photo
from ideepcolor_app.imageio.write import check_output_path
from ideepcolor_app.restore.gray_write import depth_for, output_kind, write_gray
from ideepcolor_app.restore.options import RestoreOptions
from ideepcolor_app.restore.pipeline import RestoreResult, restore_lightness

_BAND_ROWS = 512


def photo_lightness(photo: Photo) -> np.ndarray:
    """(H, W) float32 CIELAB L in [0, 100] of a decoded photo."""
    return rgb_to_l_np(np.asarray(photo.rgb, dtype=np.float32))


def gray_from_lightness(l: np.ndarray, bit_depth: int) -> np.ndarray:
    """Neutral gray sRGB samples, (H, W) uint8 or uint16, of CIELAB L in [0, 100].

    Converted in row bands so that a 12 MP photo needs no full-size Lab temporaries.
    """
    top, dtype = (255.0, np.uint8) if bit_depth == 8 else (65535.0, np.uint16)
    out = np.empty(l.shape, dtype)
    for start in range(0, l.shape[0], _BAND_ROWS):
        band = np.asarray(l[start : start + _BAND_ROWS], dtype=np.float32)
        lab = np.zeros(band.shape + (3,), np.float32)
        lab[..., 0] = band
        gray = lab_to_rgb_np(lab)[..., 0]
        out[start : start + _BAND_ROWS] = np.round(gray * np.float32(top)).astype(dtype)
    return out


def check_output(output: Path) -> None:
    """Refuse an output that cannot be written, before any work is done.

    Raises:
        ValueError: an unsupported suffix, or a folder given as the output.
        OSError: the output's folder cannot be created or written.
    """
    output_kind(output)
    check_output_path(output)


def check_mask_output(mask: Path, source: Path, destination: Path) -> None:
    """Refuse a mask output that is not a .png, or is the photo or the restored output.

    Raises:
        ValueError: a wrong suffix or name.
        OSError: the mask's folder cannot be created or written.
    """
    if mask.suffix.lower() != ".png":
        raise ValueError(f"{mask}: the mask is written as PNG; its name must end in .png")
    for other, what in ((source, "the photo"), (destination, "the restored output")):
        if mask.resolve() == other.resolve():
            raise ValueError(f"{mask}: this is {what}; choose another name for the mask")
    check_output_path(mask)


def restore_file(
    source: str | os.PathLike,
    destination: str | os.PathLike,
    options: RestoreOptions = RestoreOptions(),
    *,
    quality: int = 95,
    hints: Hints | None = None,
    hints_source: str | os.PathLike | None = None,
    mask_destination: str | os.PathLike | None = None,
) -> tuple[Path, RestoreResult]:
    """Restore `source` into the grayscale photo `destination`; never writes over `source`.

    Args:
        hints: hints made for this photo whose damage strokes correct the damage mask, or None.
        hints_source: the file `hints` came from, for messages.
        mask_destination: where to write the mask that was filled as an 8-bit PNG (255 where
            filled, the photo's size, upright), atomically; never over `source` or `destination`.
    Returns:
        (the path written, the restoration's result).
    Raises:
        ImageReadError, ImageWriteError: bad input or output.
        ValueError, OSError: an unsupported or unwritable output, or hints made for a photo of
            another size.
    """
    source, destination = Path(source), Path(destination)
    check_output(destination)
    if mask_destination is not None:
        check_mask_output(Path(mask_destination), source, destination)
    photo = read_photo(source)
    height, width = photo.rgb.shape[:2]
    if hints is not None and (hints.width, hints.height) != (width, height):
        raise ValueError(
            f"{os.fspath(hints_source or 'the hints')}: image: made for a {hints.width}x{hints.height} "
            f"photo, but {source} is {width}x{height}"
        )
    strokes = hints.damage_strokes if hints is not None else ()
    result = restore_lightness(photo_lightness(photo), options, strokes)
    samples = gray_from_lightness(result.l, depth_for(destination, photo.bit_depth))
    written = write_gray(destination, samples, exif=photo.exif, quality=quality, protect=[source])
    if mask_destination is not None:
        mask_u8 = np.where(result.defects, np.uint8(255), np.uint8(0))
        write_gray(mask_destination, mask_u8, protect=[source, written])
    return written, result
