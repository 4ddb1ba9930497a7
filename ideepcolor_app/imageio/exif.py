"""EXIF helpers shared by reading and writing: orientation and the raw EXIF block.

The raw EXIF block is kept as Pillow's `Image.Exif.tobytes()` gives it: `b"Exif\\0\\0"`, a
TIFF header and the IFDs. Pillow's JPEG, PNG and TIFF writers take that form as is.
"""

from __future__ import annotations

import logging

import numpy as np
from PIL import Image
from PIL.ExifTags import IFD, Base

_log = logging.getLogger(__name__)

ORIENTATION = int(Base.Orientation)

# IFD0 tags a TIFF file shares with an EXIF block. A TIFF's own first IFD also carries its
# image structure (StripOffsets, BitsPerSample, ICC profile, ...), which must not travel
# into the EXIF of another file.
_EXIF_IFD0_TAGS = (
    int(Base.ImageDescription),
    int(Base.Make),
    int(Base.Model),
    int(Base.Orientation),
    int(Base.XResolution),
    int(Base.YResolution),
    int(Base.ResolutionUnit),
    int(Base.Software),
    int(Base.DateTime),
    int(Base.Artist),
    int(Base.HostComputer),
    int(Base.Copyright),
)
_SUB_IFDS = (int(IFD.Exif), int(IFD.GPSInfo))


def orientation_of(exif: Image.Exif) -> int:
    """Return the EXIF orientation (1-8); 1 when the tag is absent or out of range."""
    value = exif.get(ORIENTATION, 1)
    if value not in range(1, 9):
        _log.warning("ignoring an EXIF orientation of %r (valid values are 1-8)", value)
        return 1
    return int(value)


def apply_orientation(pixels: np.ndarray, orientation: int) -> np.ndarray:
    """Turn an array as stored in the file into the upright picture.

    Does what `PIL.ImageOps.exif_transpose` does, on arrays of any dtype, so 16-bit
    samples never pass through an 8-bit Pillow image.

    Args:
        pixels: (H, W, ...) array as stored in the file.
        orientation: EXIF orientation 1-8.
    Returns:
        (H', W', ...) upright view of `pixels`; H' and W' are swapped for 5-8.
    """
    if orientation == 2:  # mirrored left-right
        return pixels[:, ::-1]
    if orientation == 3:  # rotated 180 degrees
        return pixels[::-1, ::-1]
    if orientation == 4:  # mirrored top-bottom
        return pixels[::-1]
    if orientation == 5:  # Pillow's TRANSPOSE: mirror about the main diagonal
        return pixels.swapaxes(0, 1)
    if orientation == 6:  # shown after turning 90 degrees clockwise
        return np.rot90(pixels, k=-1)
    if orientation == 7:  # Pillow's TRANSVERSE: mirror about the anti-diagonal
        return pixels[::-1, ::-1].swapaxes(0, 1)
    if orientation == 8:  # shown after turning 90 degrees counter-clockwise
        return np.rot90(pixels, k=1)
    return pixels


def upright_exif_bytes(exif: Image.Exif, *, from_tiff: bool) -> bytes | None:
    """Serialise a source's EXIF with the orientation reset to 1 (pixels are upright now).

    Args:
        exif: the source image's `getexif()`, read while its file is still open (sub-IFDs
            are loaded lazily from the file).
        from_tiff: the source is a TIFF; only tags that belong in an EXIF block are kept.
    Returns:
        The raw EXIF block, or None when the source has no EXIF or it cannot be serialised.
    """
    if from_tiff:
        exif = _exif_part_of_tiff(exif)
    if len(exif) == 0:
        return None
    if ORIENTATION in exif:
        exif[ORIENTATION] = 1
    try:
        return exif.tobytes()
    except Exception as exc:  # noqa: BLE001 - damaged EXIF must not stop a photo from loading
        _log.warning("dropping EXIF that Pillow cannot re-serialise: %s", exc)
        return None


def exif_from_bytes(data: bytes) -> Image.Exif:
    """Parse a raw EXIF block (with or without the `Exif\\0\\0` prefix); orientation set to 1.

    Raises:
        ValueError: `data` is not an EXIF block.
    """
    exif = Image.Exif()
    try:
        exif.load(data)
    except Exception as exc:
        raise ValueError(f"exif is not a valid EXIF block: {exc}") from exc
    if ORIENTATION in exif:
        exif[ORIENTATION] = 1
    return exif


def _exif_part_of_tiff(tiff_tags: Image.Exif) -> Image.Exif:
    """Copy the EXIF-relevant tags (and EXIF/GPS sub-IFDs) out of a TIFF's first IFD."""
    exif = Image.Exif()
    for tag in _EXIF_IFD0_TAGS:
        if tag in tiff_tags:
            exif[tag] = tiff_tags[tag]
    for tag in _SUB_IFDS:
        if tag in tiff_tags:
            sub_ifd = tiff_tags.get_ifd(tag)
            if sub_ifd:
                exif[tag] = dict(sub_ifd)
    return exif
