"""Check that a written image is whole, and recognise the images this app wrote.

Encoders do not always report a full disk: Pillow's JPEG encoder with ``optimize=True``
returns normally after a short write. So every file is decoded in full before it is renamed
into place (`verify_written`), and a batch resumes only over outputs that decode
(`is_whole_image`).

Every output carries ``ideepcolor-app`` in its EXIF/TIFF ``Software`` tag (`OUR_SOFTWARE`),
so a batch whose output folder is its input folder can tell its own outputs from photos.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import tifffile
from PIL import Image
from PIL.ExifTags import Base

from ideepcolor_app.imageio.read import DAMAGE_ERRORS

PathLike = str | os.PathLike[str]

OUR_SOFTWARE = "ideepcolor-app"
_SOFTWARE = int(Base.Software)
# Damaged data as the reader sees it, and what a huge or absurd size raises.
_DECODE_ERRORS = (*DAMAGE_ERRORS, MemoryError, Image.DecompressionBombError)


class IncompleteImageError(OSError):
    """A file just written does not decode to the image that was encoded (a full disk, mostly)."""


def verify_written(path: PathLike, kind: str, pixels: np.ndarray) -> None:
    """Decode `path` in full and compare it with what was encoded.

    Args:
        path: the file just written.
        kind: "jpeg", "png", "tiff", "webp" (lossy) or "webp-lossless".
        pixels: (H, W, 3) uint8 or uint16, the samples that were encoded. Lossless formats
            must give them back exactly; JPEG and lossy WebP an image of the same size.
    Raises:
        IncompleteImageError: the file is short, damaged or different.
    """
    lossy = kind in ("jpeg", "webp")
    kind = "webp" if kind == "webp-lossless" else kind
    try:
        decoded = _decode(Path(path), kind)
    except _DECODE_ERRORS as err:
        raise IncompleteImageError(f"the file written does not decode ({_reason(err)}); is the disk full?") from None
    if decoded.shape != pixels.shape or (not lossy and not np.array_equal(decoded, pixels)):
        raise IncompleteImageError("the file written does not hold the image encoded; is the disk full?")


def is_whole_image(path: PathLike) -> bool:
    """Whether `path` decodes in full (what a batch checks before skipping an existing output)."""
    path = Path(path)
    kind = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".webp": "webp", ".tif": "tiff", ".tiff": "tiff"}.get(
        path.suffix.lower()
    )
    if kind is None:
        return False
    try:
        _decode(path, kind)
    except _DECODE_ERRORS:
        return False
    return True


def is_our_output(path: PathLike) -> bool:
    """Whether `path` is an image this app wrote (its Software tag says so); False if unreadable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as image:
                software = image.getexif().get(_SOFTWARE)
    except _DECODE_ERRORS:
        return False
    if isinstance(software, bytes):
        software = software.decode("ascii", errors="replace")
    return isinstance(software, str) and software.strip("\0").startswith(OUR_SOFTWARE)


def _decode(path: Path, kind: str) -> np.ndarray:
    """(H, W, C) samples of the whole file; raises on truncation or damage."""
    if kind == "tiff":
        return tifffile.imread(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(path) as image:
            image.load()  # the whole stream: a truncated file raises OSError here
            return np.asarray(image)


def _reason(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text if len(text) <= 120 else text[:117] + "..."
