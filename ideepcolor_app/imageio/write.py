"""Write an RGB result atomically as PNG, JPEG, WebP or TIFF, never over the input photo.

Formats, chosen by the file suffix:

* `.png`: 8-bit RGB. Pillow 13 cannot encode 16-bit RGB PNG, so `bit_depth=16` is refused
  with a pointer to TIFF rather than silently dropping precision.
* `.jpg`/`.jpeg`: 8-bit RGB, quality 1-100, 4:4:4 chroma (no colour subsampling) at
  quality >= 90 because colour is the whole point of this app, 4:2:0 below.
* `.webp`: 8-bit RGB; lossy at quality 1-99 (like JPEG, about a third smaller at the same
  look), lossless at quality 100. Sides are at most 16383 pixels (the format's limit).
* `.tif`/`.tiff`: 16-bit RGB by default, 8-bit with `bit_depth=8`; written with tifffile
  (Deflate compression with horizontal predictor), since Pillow cannot encode 16-bit RGB.
  Without the optional `imagecodecs` package tifffile uses Python's zlib, which suffices.

Every file is decoded in full before it is renamed into place (`verify.verify_written`): an
encoder that stops short on a full disk without saying so (Pillow's optimised JPEG) cannot
leave a truncated photo behind.

EXIF: JPEG, PNG and WebP carry the whole EXIF block. TIFF carries its first-IFD text tags (Make,
Model, Artist, Copyright, DateTime, Software, ImageDescription, HostComputer); the EXIF and
GPS sub-IFDs are dropped because tifffile cannot write them. The orientation is always 1:
the pixels written are upright. The Software tag is always `verify.OUR_SOFTWARE`, which is how
a batch tells its own outputs from photos.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import tifffile
from PIL import Image
from PIL.ExifTags import Base

from ideepcolor_app.atomic import atomic_write_with, check_writable
from ideepcolor_app.imageio.exif import exif_from_bytes
from ideepcolor_app.imageio.verify import OUR_SOFTWARE, verify_written

_log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]

SUPPORTED_OUTPUT_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff")

_KIND_BY_SUFFIX = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".webp": "webp", ".tif": "tiff", ".tiff": "tiff"}
_SUFFIX_BY_FORMAT = {"jpg": ".jpg", "jpeg": ".jpg", "png": ".png", "webp": ".webp", "tif": ".tif", "tiff": ".tif"}
_DEFAULT_DEPTH = {"jpeg": 8, "png": 8, "webp": 8, "tiff": 16}
_ALLOWED_DEPTHS = {"jpeg": (8,), "png": (8,), "webp": (8,), "tiff": (8, 16)}
#: The longest side a WebP file can have.
WEBP_MAX_SIDE = 16383
_FULL_CHROMA_QUALITY = 90
# Deflate level for PNG and TIFF: on photos, level 3 saves 4x faster than zlib's default 6
# for files about 10% larger (PNG; TIFF with predictor within 1%).
DEFLATE_LEVEL = 3
# EXIF first-IFD text tags copied into TIFF outputs (Software is written separately).
TIFF_TEXT_TAGS = (
    int(Base.ImageDescription),
    int(Base.Make),
    int(Base.Model),
    int(Base.DateTime),
    int(Base.Artist),
    int(Base.HostComputer),
    int(Base.Copyright),
)


class ImageWriteError(Exception):
    """An image could not be written, or writing it would replace an input photo."""


def output_suffix_for(format_name: str) -> str:
    """Return the file suffix for a format name: "jpg"/"jpeg" -> ".jpg", "tif" -> ".tif".

    Raises:
        ValueError: unknown format; the message lists the known ones.
    """
    key = format_name.lower().lstrip(".")
    if key not in _SUFFIX_BY_FORMAT:
        known = ", ".join(sorted(_SUFFIX_BY_FORMAT))
        raise ValueError(f"unknown image format {format_name!r}; known formats: {known}")
    return _SUFFIX_BY_FORMAT[key]


def write_image(
    path: PathLike,
    rgb: np.ndarray,
    *,
    quality: int = 95,
    exif: bytes | None = None,
    bit_depth: int | None = None,
    protect: Iterable[PathLike] = (),
) -> Path:
    """Write an sRGB image atomically; the format follows the suffix of `path`.

    A temporary file beside `path` is renamed into place, so a failed write leaves any
    existing file untouched and no temporary file behind.

    Args:
        path: destination ending in .png, .jpg, .jpeg, .webp, .tif or .tiff; folders are created.
        rgb: (H, W, 3) sRGB: float32/float64 in [0, 1] (clipped), uint8, or uint16.
        quality: JPEG and WebP quality 1-100 (WebP at 100 is lossless; PNG and TIFF ignore it).
        exif: raw EXIF block to embed (e.g. `Photo.exif`); its orientation is reset to 1.
        bit_depth: 8 or 16; None picks 8 for PNG and JPEG, 16 for TIFF.
        protect: paths that must not be replaced (the input photo); hard links and
            symbolic links to them count as the same file.
    Returns:
        The path written, as a `Path`.
    Raises:
        ValueError: unsupported suffix, bit depth or quality, bad array shape or
            non-finite values, or `exif` that is not an EXIF block.
        TypeError: `rgb` has an unsupported dtype.
        ImageWriteError: `path` is a protected input, the file system refused the write, or
            the file written does not decode back (a full disk).
    """
    path = Path(path)
    kind = _kind_for(path)
    depth = _depth_for(kind, bit_depth)
    if not 1 <= quality <= 100:
        raise ValueError(f"quality must be between 1 and 100, got {quality}")
    refuse_protected(path, protect)
    pixels = _to_samples(rgb, depth)
    if kind == "webp" and max(pixels.shape[:2]) > WEBP_MAX_SIDE:
        raise ValueError(
            f"{path}: WebP images are at most {WEBP_MAX_SIDE} pixels a side, this one is "
            f"{pixels.shape[1]}x{pixels.shape[0]}; choose .jpg, .png or .tif"
        )
    exif_block = exif_from_bytes(exif) if exif else Image.Exif()
    exif_block[int(Base.Software)] = OUR_SOFTWARE
    if path.is_dir():
        raise ImageWriteError(f"{path}: this is a folder, not a file name")

    def encode(tmp: Path) -> None:
        if kind == "tiff":
            _write_tiff(tmp, pixels, exif_block)
        else:
            _write_with_pillow(tmp, kind, pixels, exif_block, quality)
        verify_written(tmp, "webp-lossless" if kind == "webp" and quality == 100 else kind, pixels)

    return write_atomically(path, encode)


def _to_samples(rgb: np.ndarray, bit_depth: int) -> np.ndarray:
    """Convert an RGB array to contiguous uint8 or uint16 samples.

    Args:
        rgb: (H, W, 3) float in [0, 1] (clipped), uint8 or uint16.
        bit_depth: 8 or 16.
    Returns:
        (H, W, 3) uint8 for 8, uint16 for 16; integers rescale exactly (x257, /257 rounded).
    Raises:
        ValueError: wrong shape, or NaN/infinite values.
        TypeError: an unsupported dtype.
    """
    array = np.asarray(rgb)
    if array.ndim != 3 or array.shape[2] != 3 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"rgb must have shape (H, W, 3), got {array.shape}")
    if array.dtype == np.uint8:
        out = array if bit_depth == 8 else array.astype(np.uint16) * np.uint16(257)
    elif array.dtype == np.uint16:
        out = array if bit_depth == 16 else np.round(array / 257.0).astype(np.uint8)
    elif np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)):
            raise ValueError("rgb contains NaN or infinite values")
        top = 255.0 if bit_depth == 8 else 65535.0
        dtype = np.uint8 if bit_depth == 8 else np.uint16
        out = np.round(np.clip(array, 0.0, 1.0) * top).astype(dtype)
    else:
        raise TypeError(f"rgb must be float, uint8 or uint16, got {array.dtype}")
    return np.ascontiguousarray(out)


def _kind_for(path: Path) -> str:
    kind = _KIND_BY_SUFFIX.get(path.suffix.lower())
    if kind is None:
        supported = ", ".join(SUPPORTED_OUTPUT_SUFFIXES)
        raise ValueError(
            f"{path}: cannot tell the image format from the suffix {path.suffix!r}; supported suffixes: {supported}"
        )
    return kind


def _depth_for(kind: str, bit_depth: int | None) -> int:
    if bit_depth is None:
        return _DEFAULT_DEPTH[kind]
    if bit_depth not in _ALLOWED_DEPTHS[kind]:
        hint = "; use .tif for 16-bit output" if bit_depth == 16 else ""
        allowed = " or ".join(str(d) for d in _ALLOWED_DEPTHS[kind])
        raise ValueError(f"{kind.upper()} output is {allowed}-bit, not {bit_depth}-bit{hint}")
    return bit_depth


def refuse_protected(path: Path, protect: Iterable[PathLike]) -> None:
    """Raise ImageWriteError if `path` is (a link to) one of the `protect` files."""
    for protected in protect:
        protected = Path(protected)
        if _same_file(path, protected):
            raise ImageWriteError(
                f"{path}: refusing to overwrite the input photo {protected}; choose another output name"
            )


def _same_file(a: Path, b: Path) -> bool:
    """Same inode when both exist (covers hard and symbolic links), else same resolved path."""
    if a.exists() and b.exists():
        try:
            return os.path.samefile(a, b)
        except OSError:
            pass
    return a.resolve() == b.resolve()


def _write_with_pillow(tmp: Path, kind: str, pixels: np.ndarray, exif: Image.Exif | None, quality: int) -> None:
    image = Image.fromarray(pixels)  # (H, W, 3) uint8 -> mode "RGB"
    options: dict = {}
    if exif is not None:
        options["exif"] = exif.tobytes()
    if kind == "jpeg":
        options["quality"] = quality
        options["subsampling"] = 0 if quality >= _FULL_CHROMA_QUALITY else 2  # 4:4:4 / 4:2:0
        options["optimize"] = True
        image.save(tmp, format="JPEG", **options)
    elif kind == "webp":
        # method 4 is Pillow's default speed/size trade-off; quality 100 asks for exact pixels.
        lossless = quality == 100
        image.save(tmp, format="WEBP", lossless=lossless, quality=80 if lossless else quality, method=4, **options)
    else:
        image.save(tmp, format="PNG", compress_level=DEFLATE_LEVEL, **options)


def _write_tiff(tmp: Path, pixels: np.ndarray, exif: Image.Exif | None) -> None:
    text = _tiff_text_tags(exif) if exif is not None else {}
    software = text.pop(int(Base.Software), OUR_SOFTWARE)
    # Passed as raw tags, not as tifffile's description/datetime, which validate formats.
    extratags = [(tag, "s", 0, value, True) for tag, value in text.items()]
    tifffile.imwrite(
        tmp,
        pixels,
        photometric="rgb",
        compression="zlib",
        compressionargs={"level": DEFLATE_LEVEL},
        predictor=True,
        metadata=None,
        software=software,
        extratags=extratags,
    )


def _tiff_text_tags(exif: Image.Exif) -> dict[int, str]:
    """The first-IFD text tags of `exif` that TIFF can carry (7-bit ASCII only)."""
    text = {}
    for tag in (*TIFF_TEXT_TAGS, int(Base.Software)):
        value = exif.get(tag)
        if isinstance(value, bytes):
            value = value.decode("ascii", errors="replace")
        if isinstance(value, str) and value.isascii() and value.strip("\0"):
            text[tag] = value.strip("\0")
        elif value is not None:
            _log.info("not copying EXIF tag %d into the TIFF (not 7-bit text)", tag)
    return text


def check_output_path(output: Path) -> None:
    """Refuse an output that is a folder or whose folder cannot be written, before any work.

    Raises:
        ValueError: a folder given as the output.
        OSError: the output's folder cannot be created or written.
    """
    if output.is_dir():
        raise ValueError(f"{output}: this is a folder, not a file name")
    try:
        check_writable(output.parent)
    except OSError as err:
        raise type(err)(f"cannot write into {output.parent}: {err.strerror or err}") from None


def write_atomically(path: Path, encode) -> Path:
    """Run `encode(tmp)` on a temporary beside `path`, then rename it into place.

    Raises:
        ImageWriteError: naming the file, when writing failed (nothing is left behind).
    """
    try:
        atomic_write_with(path, encode)
    except OSError as exc:
        raise ImageWriteError(f"{path}: could not write the image ({exc})") from exc
    return path
