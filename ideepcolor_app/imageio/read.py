"""Read a photo from disk into upright float32 sRGB, whatever its format, depth and mode.

What `read_photo` does, in order: checks the path; opens the file with Pillow, allowing only
raster photo formats (never EPS/PDF, which Pillow would hand to Ghostscript); refuses images
over the pixel limit; decodes the first frame of multi-frame files (GIF, TIFF pages, MPO)
at full sample precision (see `decode`); converts an embedded ICC profile to sRGB (see
`icc`); composites any transparency over white; and turns the result upright according to
the EXIF orientation.

Transparency is composited over white because the transparent parts of an old scan are
usually paper, and white is what a viewer shows there on a light background.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import struct
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, UnidentifiedImageError

from ideepcolor_app.imageio.decode import Decoded, UnsupportedPixelFormat, decode
from ideepcolor_app.imageio.exif import apply_orientation, orientation_of, upright_exif_bytes
from ideepcolor_app.imageio.icc import to_srgb

_log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]

DEFAULT_MAX_PIXELS = 180_000_000

# Raster formats a photo can come in ("JPEG" also opens camera MPO files).
_PHOTO_FORMATS = (
    "JPEG",
    "PNG",
    "TIFF",
    "GIF",
    "BMP",
    "DIB",
    "WEBP",
    "AVIF",
    "JPEG2000",
    "PPM",
    "TGA",
    "PSD",
    "SGI",
    "PCX",
    "QOI",
)
# File signatures, to tell a damaged photo from a file that is not a photo at all.
_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
}
# What Pillow raises on damaged data, besides OSError (which includes truncation).
DAMAGE_ERRORS = (
    OSError,
    SyntaxError,
    EOFError,
    ValueError,
    struct.error,
    zlib.error,
    IndexError,
    KeyError,
    TypeError,
)


class ImageReadError(Exception):
    """A photo could not be read; the message names the file and says why in plain words.

    Attributes:
        path: the file that was being read.
        reason: what is wrong, e.g. "the file is truncated (incomplete download or copy?)".
    """

    def __init__(self, path: PathLike, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True, eq=False)
class Photo:
    """A decoded photo, upright and in sRGB.

    Attributes:
        rgb: (H, W, 3) float32 sRGB in [0, 1], read-only; EXIF orientation applied, ICC
            profile converted to sRGB, transparency composited over white.
        bit_depth: 8 or 16, the depth of the source samples (1-bit counts as 8).
        exif: the source's raw EXIF block (`b"Exif\\0\\0"` + TIFF data) with the orientation
            reset to 1 because `rgb` is already upright; None if the source had none.
        source: the path the photo was read from.
        mode: the source's Pillow mode, e.g. "L", "I;16", "RGB", "RGBA", "P", "CMYK".
        was_grayscale: the source had one channel, or three equal ones (informational).
    """

    rgb: np.ndarray
    bit_depth: int
    exif: bytes | None
    source: Path
    mode: str
    was_grayscale: bool


def read_photo(path: PathLike, max_pixels: int = DEFAULT_MAX_PIXELS) -> Photo:
    """Read a photo file into upright float32 sRGB.

    Multi-frame files (animated GIF, multi-page TIFF) give their first frame. `max_pixels`
    is the limit: Pillow's own DecompressionBombWarning (at `Image.MAX_IMAGE_PIXELS`) is
    caught here and never escapes, and its DecompressionBombError (at twice that) is always
    a refusal. Pillow's global settings are never changed.

    Args:
        path: the photo file (JPEG, PNG, TIFF, GIF, BMP, WebP, ...).
        max_pixels: refuse images with more pixels than this (width * height).
    Returns:
        The decoded `Photo`.
    Raises:
        ImageReadError: missing, empty, unreadable, truncated, damaged, too large, or not a
            supported image; the message names the file.
    """
    path = Path(path)
    _check_file(path)
    with _opened(path, max_pixels) as image:
        mode = image.mode
        decoded = _decode(path, image, max_pixels)
        icc_profile = image.info.get("icc_profile")
        orientation, exif = _exif_of(image)
    samples = to_srgb(decoded.samples, icc_profile)
    rgb = _to_float_rgb(samples, decoded.alpha)
    rgb = np.ascontiguousarray(apply_orientation(rgb, orientation))
    rgb.flags.writeable = False
    return Photo(
        rgb=rgb,
        bit_depth=decoded.bit_depth,
        exif=exif,
        source=path,
        mode=mode,
        was_grayscale=_is_gray(decoded.samples),
    )


def _check_file(path: Path) -> None:
    """Refuse paths that are not a non-empty regular file, before Pillow sees them."""
    if not path.exists():
        raise ImageReadError(path, "no such file")
    if path.is_dir():
        raise ImageReadError(path, "this is a folder, not an image file")
    if not path.is_file():
        raise ImageReadError(path, "not a regular file")
    if path.stat().st_size == 0:
        raise ImageReadError(path, "the file is empty")


@contextlib.contextmanager
def _opened(path: Path, max_pixels: int) -> Iterator[ImageFile.ImageFile]:
    """Open `path` with Pillow, translating its errors and applying the pixel limit."""
    try:
        with warnings.catch_warnings():
            # max_pixels is the limit, so Pillow's advisory warning must not leak. (Before
            # Python 3.14 catch_warnings is process-wide, not per thread; it is held briefly.)
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = _open_photo_format(path)
    except Image.DecompressionBombError as exc:
        raise ImageReadError(path, _bomb_reason(exc)) from exc
    except UnidentifiedImageError as exc:
        raise ImageReadError(path, _unidentified_reason(path)) from exc
    except FileNotFoundError as exc:  # removed since _check_file looked
        raise ImageReadError(path, "no such file") from exc
    except PermissionError as exc:
        raise ImageReadError(path, "permission denied (the file cannot be read)") from exc
    except DAMAGE_ERRORS as exc:
        raise ImageReadError(path, _damage_reason(exc)) from exc
    with image:
        _check_size(path, image.size, max_pixels)
        yield image


def _open_photo_format(path: Path) -> ImageFile.ImageFile:
    """`Image.open` limited to the photo formats this Pillow build has plugins for."""
    return Image.open(path, formats=_available_formats())


@functools.cache
def _available_formats() -> tuple[str, ...]:
    Image.init()
    return tuple(name for name in _PHOTO_FORMATS if name in Image.OPEN)


def _decode(path: Path, image: ImageFile.ImageFile, max_pixels: int) -> Decoded:
    """Decode pixel data, translating Pillow's errors into ImageReadError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            decoded = decode(image, lambda: _open_photo_format(path))
    except UnsupportedPixelFormat as exc:
        raise ImageReadError(path, str(exc)) from exc
    except Image.DecompressionBombError as exc:
        raise ImageReadError(path, _bomb_reason(exc)) from exc
    except DAMAGE_ERRORS as exc:
        raise ImageReadError(path, _damage_reason(exc)) from exc
    height, width = decoded.samples.shape[:2]
    _check_size(path, (width, height), max_pixels)  # some formats learn their size late
    return decoded


def _check_size(path: Path, size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width * height > max_pixels:
        limit = _amount(max_pixels, "-megapixel", "-pixel")
        raise ImageReadError(path, f"{width}x{height} pixels is over the {limit} limit")


def _amount(pixels: int, mega: str = " megapixels", unit: str = " pixels") -> str:
    """'180' + mega for 180_000_000, '192' + unit for 192."""
    if pixels >= 1_000_000:
        return f"{pixels / 1_000_000:.4g}{mega}"
    return f"{pixels}{unit}"


def _exif_of(image: Image.Image) -> tuple[int, bytes | None]:
    """Return the EXIF orientation and the upright EXIF block of a loaded image."""
    try:
        exif = image.getexif()
        return orientation_of(exif), upright_exif_bytes(exif, from_tiff=image.format == "TIFF")
    except Exception as exc:  # noqa: BLE001 - damaged EXIF must not stop a photo loading
        _log.warning("ignoring EXIF that cannot be read: %s", exc)
        return 1, None


def _to_float_rgb(samples: np.ndarray, alpha: np.ndarray | None) -> np.ndarray:
    """(H, W, C) uint8/uint16 gray or RGB plus optional alpha -> (H, W, 3) float32 RGB."""
    scale = np.float32(255.0 if samples.dtype == np.uint8 else 65535.0)
    values = samples.astype(np.float32) / scale
    if alpha is not None:
        coverage = alpha[..., None]
        values = values * coverage + (np.float32(1.0) - coverage)  # over white
    if values.shape[-1] == 1:
        values = np.repeat(values, 3, axis=-1)
    return values


def _is_gray(samples: np.ndarray) -> bool:
    """One channel, or three identical ones (CMYK counts as colour)."""
    if samples.shape[-1] == 1:
        return True
    if samples.shape[-1] != 3:
        return False
    red, green, blue = samples[..., 0], samples[..., 1], samples[..., 2]
    return bool(np.array_equal(red, green) and np.array_equal(green, blue))


def _unidentified_reason(path: Path) -> str:
    """Say whether the file looks like a damaged photo or is not an image at all."""
    try:
        with path.open("rb") as file:
            head = file.read(16)
    except OSError:
        head = b""
    for signature, format_name in _SIGNATURES.items():
        if head.startswith(signature):
            return f"looks like a {format_name} file but is damaged or truncated"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "looks like a WebP file but is damaged or truncated"
    if _looks_like_text(head):
        return f"this is a text file, not a photo (the app opens {OPENED_FORMATS})"
    return f"this is not a photo in a format the app opens ({OPENED_FORMATS})"


#: The photo formats named to a user whose file is none of them.
OPENED_FORMATS = "JPEG, PNG, TIFF, WebP, BMP or GIF"


def _looks_like_text(head: bytes) -> bool:
    """Whether a file's first bytes read as text (notes, a hints file, a web page saved by mistake)."""
    controls = sum(1 for byte in head if byte < 0x20 and byte not in b"\t\r\n" or byte == 0x7F)
    return bool(head) and controls == 0 and bool(head.decode("utf-8", errors="ignore").strip())


def _bomb_reason(exc: Image.DecompressionBombError) -> str:
    """Reword Pillow's decompression-bomb refusal; its own text if the wording changed."""
    found = re.search(r"\((\d+) pixels\) exceeds limit of (\d+) pixels", str(exc))
    if found is None:
        return f"too many pixels to open safely ({exc})"
    pixels, limit = (int(n) for n in found.groups())
    return (
        f"{_amount(pixels)} is over Pillow's {_amount(limit, '-megapixel', '-pixel')} "
        "safety limit (too large to open safely)"
    )


def _damage_reason(exc: BaseException) -> str:
    if isinstance(exc, EOFError) or "truncated" in str(exc).lower():
        return "the file is truncated (incomplete download or copy?)"
    return f"the image data is damaged ({exc})"
