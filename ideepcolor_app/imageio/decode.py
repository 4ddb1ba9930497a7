"""Turn an opened Pillow image, whatever its mode, into sample arrays plus an alpha plane.

16-bit RGB: Pillow 13 decodes 48- and 64-bit RGB(A) PNG and TIFF to 8 bits by keeping the
high byte of each sample (its "RGB;16B"/"RGB;16L" unpackers). The same decoder with the
opposite byte order's unpacker keeps the low byte instead, so the file is decoded twice and
the two bytes are recombined: full precision from Pillow's own PNG/TIFF decoders (all PNG
filters, interlacing, TIFF strips, tiles and compressions), with no second image library.
16-bit gray+alpha PNG (4 bytes a pixel, opened as "RGBA") is decoded once through the plain
8-bit "RGBA" unpacker, which hands over all four bytes untouched.

Transparency: alpha channels, palette transparency and 8-bit colour keys (PNG tRNS) become
an alpha plane; a colour key on 16-bit gray or RGB is ignored.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFile

# Pillow rawmodes of 16-bit-per-sample colour data (not "BGR;16", which is 5-6-5 packed).
_SIXTEEN_BIT_RAWMODE = re.compile(r"(RGB|RGBA|RGBX|LA);16[BLN]")


class UnsupportedPixelFormat(ValueError):
    """The image uses a Pillow mode that has no sensible conversion to RGB."""


@dataclass(frozen=True, eq=False)
class Decoded:
    """Samples as stored in the file, before colour management and orientation.

    Attributes:
        samples: (H, W, C) uint8 or uint16; C = 1 gray, 3 RGB, 4 CMYK (uint8).
        alpha: (H, W) float32 opacity in [0, 1], or None when the image is opaque.
        bit_depth: 8 or 16, the depth of the source samples.
    """

    samples: np.ndarray
    alpha: np.ndarray | None
    bit_depth: int


def decode(image: ImageFile.ImageFile, reopen: Callable[[], ImageFile.ImageFile]) -> Decoded:
    """Load `image`'s pixels (its first frame) into arrays.

    Args:
        image: a freshly opened, not yet loaded image.
        reopen: opens the same file again; used for the second pass of 16-bit RGB.
    Returns:
        The decoded samples, alpha and source bit depth.
    Raises:
        UnsupportedPixelFormat: for modes with no conversion to RGB.
        OSError, SyntaxError, ValueError, EOFError: from Pillow on damaged data.
    """
    mode = image.mode
    wide = any(_SIXTEEN_BIT_RAWMODE.fullmatch(_rawmode(tile)) for tile in image.tile)
    bit_depth = 16 if wide or mode.startswith(("I", "F")) else 8
    if mode == "RGBA" and all(_rawmode(tile) == "LA;16B" for tile in image.tile):
        return _decode_la16(image)
    if mode in ("RGB", "RGBA", "RGBX") and bit_depth == 16:
        return _decode_rgb16(image, reopen)
    if mode in ("I;16", "I;16L", "I;16B", "I;16N"):
        return Decoded(np.asarray(image).astype(np.uint16)[..., None], None, 16)
    if mode == "I":
        gray = np.clip(np.asarray(image), 0, 65535).astype(np.uint16)
        return Decoded(gray[..., None], None, 16)
    if mode == "F":
        gray = np.round(np.clip(np.asarray(image), 0.0, 1.0) * 65535.0).astype(np.uint16)
        return Decoded(gray[..., None], None, 16)
    if mode == "CMYK":
        return Decoded(np.asarray(image), None, 8)
    target = _eight_bit_target(image)
    try:
        converted = image if image.mode == target else image.convert(target)
    except ValueError as exc:
        raise UnsupportedPixelFormat(f"unsupported pixel format {mode!r}") from exc
    pixels = np.asarray(converted)
    if pixels.ndim == 2:
        pixels = pixels[..., None]
    if target in ("LA", "RGBA"):
        return Decoded(pixels[..., :-1], _alpha(pixels[..., -1], 255), bit_depth)
    return Decoded(pixels, None, bit_depth)


def _eight_bit_target(image: Image.Image) -> str:
    """Pick the 8-bit mode to convert to: L, LA, RGB or RGBA."""
    mode = image.mode
    keyed = "transparency" in image.info  # palette index or colour-key transparency
    if mode in ("1", "L"):
        return "LA" if keyed else "L"
    if mode in ("LA", "La"):
        return "LA"
    if mode == "P":
        palette_alpha = image.palette is not None and image.palette.mode == "RGBA"
        return "RGBA" if keyed or palette_alpha else "RGB"
    if mode in ("PA", "RGBA", "RGBa"):
        return "RGBA"
    if mode == "RGB" and keyed:
        return "RGBA"
    return "RGB"  # RGB, RGBX, YCbCr, HSV; LAB and others fail in convert()


def _decode_rgb16(image: ImageFile.ImageFile, reopen: Callable[[], ImageFile.ImageFile]) -> Decoded:
    """Decode 16-bit RGB(A) by combining a high-byte pass with a low-byte pass."""
    low_tiles = [_with_low_byte_rawmode(tile) for tile in image.tile]
    high = np.asarray(image).astype(np.uint16)
    with reopen() as again:
        again.tile = low_tiles
        try:
            low = np.asarray(again).astype(np.uint16)
        except ValueError:  # no low-byte unpacker for this rawmode: keep 8-bit precision
            low = high
    samples = (high << 8) | low
    alpha = _alpha(samples[..., 3], 65535) if image.mode == "RGBA" else None
    return Decoded(samples[..., :3], alpha, 16)


def _decode_la16(image: ImageFile.ImageFile) -> Decoded:
    """Decode 16-bit gray+alpha PNG: read its bytes (L high, L low, A high, A low) as RGBA."""
    image.tile = [_with_rawmode(tile, "RGBA") for tile in image.tile]
    raw = np.asarray(image).astype(np.uint16)
    gray = (raw[..., 0] << 8) | raw[..., 1]
    return Decoded(gray[..., None], _alpha((raw[..., 2] << 8) | raw[..., 3], 65535), 16)


def _rawmode(tile) -> str:
    """Return the rawmode of a Pillow tile (a string for PNG, a tuple's head for TIFF)."""
    args = tile[3]  # (codec, extents, offset, args); a namedtuple since Pillow 11
    if isinstance(args, str):
        return args
    if isinstance(args, tuple) and args and isinstance(args[0], str):
        return args[0]
    return ""


def _with_low_byte_rawmode(tile):
    """Return `tile` with its ";16B"/";16L"/";16N" rawmode swapped to the other byte order."""
    rawmode = _rawmode(tile)
    base, marker, order = rawmode.rpartition(";16")
    if not marker or order not in ("B", "L", "N"):
        return tile
    if order == "N":
        order = "L" if sys.byteorder == "little" else "B"
    return _with_rawmode(tile, f"{base};16{'L' if order == 'B' else 'B'}")


def _with_rawmode(tile, rawmode: str):
    """Return a copy of a Pillow tile that decodes with another rawmode."""
    codec, extents, offset, args = tile
    args = rawmode if isinstance(args, str) else (rawmode, *args[1:])
    new_tile = (codec, extents, offset, args)
    return type(tile)(*new_tile) if hasattr(tile, "_fields") else new_tile


def _alpha(alpha: np.ndarray, opaque: int) -> np.ndarray | None:
    """(H, W) float32 opacity in [0, 1] from integer alpha; None when all is opaque."""
    if bool(np.all(alpha == opaque)):
        return None
    return alpha.astype(np.float32) / np.float32(opaque)
