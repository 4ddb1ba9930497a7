"""Write a grayscale photo atomically as PNG, JPEG or TIFF, 8- or 16-bit, never over the input.

The colour writer (`imageio.write`) writes RGB; a restored photo is one channel, and PNG
holds 16-bit gray where it cannot hold 16-bit RGB, so this small writer keeps the bit depth
of a 16-bit scan in PNG as well as TIFF. Like the colour writer it renames a temporary file
into place after decoding it back in full (`verify_written`), carries the EXIF block in PNG
and JPEG (orientation 1: the pixels are upright) and its text tags in TIFF, and marks the
file as ours (Software tag).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import tifffile
from PIL import Image
from PIL.ExifTags import Base

from ideepcolor_app.imageio import ImageWriteError
from ideepcolor_app.imageio.exif import exif_from_bytes
from ideepcolor_app.imageio.verify import OUR_SOFTWARE, verify_written
from ideepcolor_app.imageio.write import DEFLATE_LEVEL, TIFF_TEXT_TAGS, refuse_protected, write_atomically

PathLike = str | os.PathLike[str]

GRAY_SUFFIXES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".tif": "tiff", ".tiff": "tiff"}


def output_kind(path: PathLike) -> str:
    """ "png", "jpeg" or "tiff" for an output path.

    Raises:
        ValueError: an unsupported suffix.
    """
    kind = GRAY_SUFFIXES.get(Path(path).suffix.lower())
    if kind is None:
        raise ValueError(f"{path}: the output must end in {', '.join(GRAY_SUFFIXES)}")
    return kind


def depth_for(path: PathLike, source_depth: int) -> int:
    """The source's bit depth where the format holds it; JPEG is always 8-bit."""
    return 8 if output_kind(path) == "jpeg" else (16 if source_depth == 16 else 8)


def write_gray(
    path: PathLike,
    samples: np.ndarray,
    *,
    exif: bytes | None = None,
    quality: int = 95,
    protect: Iterable[PathLike] = (),
) -> Path:
    """Write (H, W) uint8 or uint16 gray samples atomically; the format follows the suffix.

    Args:
        path: destination ending in .png, .jpg, .jpeg, .tif or .tiff; folders are created.
        samples: (H, W) uint8 (8-bit) or uint16 (16-bit; not for JPEG).
        exif: raw EXIF block to embed in PNG and JPEG; TIFF gets its first-IFD text tags
            (Make, Model, Artist, Copyright, ...), as from the colour writer.
        quality: JPEG quality 1-100.
        protect: paths that must not be replaced (the input photo).
    Returns:
        The path written.
    Raises:
        ValueError: bad suffix, shape, dtype or quality, or 16-bit JPEG.
        ImageWriteError: `path` is a protected input, a folder, or the write failed.
    """
    path = Path(path)
    kind = output_kind(path)
    samples = np.ascontiguousarray(samples)
    if samples.ndim != 2 or samples.size == 0 or samples.dtype not in (np.uint8, np.uint16):
        raise ValueError(
            f"gray samples must be a non-empty (H, W) uint8 or uint16 array, got {samples.dtype} {samples.shape}"
        )
    if kind == "jpeg" and samples.dtype == np.uint16:
        raise ValueError("JPEG output is 8-bit; use .png or .tif to keep 16 bits")
    if not 1 <= quality <= 100:
        raise ValueError(f"quality must be between 1 and 100, got {quality}")
    refuse_protected(path, protect)
    if path.is_dir():
        raise ImageWriteError(f"{path}: this is a folder, not a file name")
    block = exif_from_bytes(exif) if exif else Image.Exif()
    block[int(Base.Software)] = OUR_SOFTWARE

    def encode(tmp: Path) -> None:
        if kind == "tiff":
            tifffile.imwrite(
                tmp,
                samples,
                photometric="minisblack",
                compression="zlib",
                compressionargs={"level": DEFLATE_LEVEL},
                predictor=True,
                metadata=None,
                software=OUR_SOFTWARE,
                extratags=_tiff_text(block),
            )
        else:
            image = Image.fromarray(samples)  # "L" for uint8, "I;16" for uint16
            if kind == "jpeg":
                image.save(tmp, format="JPEG", quality=quality, optimize=True, exif=block.tobytes())
            else:
                image.save(tmp, format="PNG", compress_level=DEFLATE_LEVEL, exif=block.tobytes())
        verify_written(tmp, kind, samples)

    return write_atomically(path, encode)


def _tiff_text(exif: Image.Exif) -> list[tuple]:
    """The EXIF first-IFD text tags a TIFF can carry (7-bit ASCII), as tifffile extra tags."""
    tags = []
    for tag in TIFF_TEXT_TAGS:
        value = exif.get(tag)
        if isinstance(value, bytes):
            value = value.decode("ascii", errors="replace")
        if isinstance(value, str) and value.isascii() and value.strip("\0"):
            tags.append((tag, "s", 0, value.strip("\0"), True))
    return tags
