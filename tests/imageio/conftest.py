"""Fixtures for imageio tests: tiny generated images and hand-built ICC profiles.

Nothing here is read from disk: images are written into `tmp_path` with fixed seeds, and ICC
profiles are assembled byte by byte following ICC.1:2001-04 (header, tag table, tags).
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms

D50 = (0.9642, 1.0, 0.8249)
# sRGB primaries adapted to D50 (Bradford), as columns r, g, b: linear sRGB -> PCS XYZ.
SRGB_TO_XYZ_D50 = np.array(
    [
        [0.4360747, 0.3850649, 0.1430804],
        [0.2225045, 0.7168786, 0.0606169],
        [0.0139322, 0.0971045, 0.7141733],
    ]
)
ADOBE_GAMMA = 563 / 256  # Adobe RGB (1998)'s 2.2, as a u8Fixed8 curve stores it
# Adobe RGB (1998) and sRGB with their native D65 white, for numpy reference values.
ADOBE_TO_XYZ_D65 = np.array(
    [
        [0.5767309, 0.1855540, 0.1881852],
        [0.2973769, 0.6273491, 0.0752741],
        [0.0270343, 0.0706872, 0.9911085],
    ]
)
XYZ_D65_TO_SRGB = np.array(
    [
        [3.2404542, -1.5371385, -0.4985314],
        [-0.9692660, 1.8760108, 0.0415560],
        [0.0556434, -0.2040259, 1.0572252],
    ]
)
_ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def srgb_encode(linear: np.ndarray) -> np.ndarray:
    """IEC 61966-2-1 sRGB curve, linear [0, 1] -> encoded [0, 1] (reference values only)."""
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


# --- ICC profile bytes -------------------------------------------------------------------


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz_tag(xyz) -> bytes:
    return b"XYZ " + bytes(4) + b"".join(_s15(v) for v in xyz)


def _gamma_tag(gamma: float) -> bytes:
    return b"curv" + bytes(4) + struct.pack(">IH", 1, round(gamma * 256)) + bytes(2)


def _desc_tag(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    return b"desc" + bytes(4) + struct.pack(">I", len(ascii_text)) + ascii_text + bytes(78)


def _profile(device_class: bytes, space: bytes, tags: list[tuple[bytes, bytes]]) -> bytes:
    """Assemble an ICC v2.1 profile with PCS XYZ and a D50 illuminant."""
    tags = [
        (b"desc", _desc_tag("test profile")),
        (b"cprt", b"text" + bytes(4) + b"none\0"),
        (b"wtpt", _xyz_tag(D50)),
        *tags,
    ]
    table_end = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        body += bytes(-(table_end + len(body)) % 4)
        table += signature + struct.pack(">II", table_end + len(body), len(data))
        body += data
    header = (
        struct.pack(">I", table_end + len(body))
        + b"lcms"
        + bytes([2, 0x10, 0, 0])
        + device_class
        + space
        + b"XYZ "
        + bytes(12)
        + b"acsp"
        + bytes(28)
        + b"".join(_s15(v) for v in D50)
        + bytes(48)
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


@pytest.fixture
def adobe_like_icc() -> bytes:
    """An RGB matrix/TRC profile with Adobe RGB (1998) primaries (D50-adapted) and gamma 2.2."""
    return _profile(
        b"mntr",
        b"RGB ",
        [
            (b"rXYZ", _xyz_tag((0.60974, 0.31111, 0.01947))),
            (b"gXYZ", _xyz_tag((0.20528, 0.62567, 0.06087))),
            (b"bXYZ", _xyz_tag((0.14919, 0.06322, 0.74457))),
            *[(name, _gamma_tag(ADOBE_GAMMA)) for name in (b"rTRC", b"gTRC", b"bTRC")],
        ],
    )


@pytest.fixture
def linear_gray_icc() -> bytes:
    """A gray profile with a linear (gamma 1.0) tone curve."""
    return _profile(b"mntr", b"GRAY", [(b"kTRC", _gamma_tag(1.0))])


@pytest.fixture
def linear_cmyk_icc() -> bytes:
    """A CMYK output profile whose A2B0 gives linear RGB = (1 - C)(1 - K) and so on.

    One lut16Type (`mft2`) with a 2-point grid: each corner holds the XYZ of its linear sRGB
    colour, and multilinear interpolation between corners is exact for these products.
    """
    grid = []
    for c, m, y, k in np.ndindex(2, 2, 2, 2):  # first input varies slowest
        linear = np.array([(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)], float)
        grid.extend(np.round(SRGB_TO_XYZ_D50 @ linear * 32768).astype(int))  # PCS XYZ 1.0 = 0x8000
    identity = struct.pack(">HH", 0, 65535)
    lut = (
        b"mft2"
        + bytes(4)
        + bytes([4, 3, 2, 0])
        + b"".join(_s15(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
        + struct.pack(">HH", 2, 2)
        + identity * 4
        + struct.pack(f">{len(grid)}H", *grid)
        + identity * 3
    )
    return _profile(b"prtr", b"CMYK", [(b"A2B0", lut)])


@pytest.fixture
def srgb_icc() -> bytes:
    """LittleCMS's built-in sRGB profile, as a file would embed it."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


# --- images ------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _write_png16(path: Path, samples: np.ndarray, interlace: bool = False) -> Path:
    """Write (H, W, C) uint16 as a 16-bit PNG (C = 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA)."""
    samples = np.asarray(samples, dtype=">u2")
    height, width, channels = samples.shape
    colour_type = {1: 0, 2: 4, 3: 2, 4: 6}[channels]

    def scanlines(sub: np.ndarray) -> bytes:  # filter type 0 on every row
        return b"".join(b"\0" + row.tobytes() for row in sub)

    if interlace:
        passes = (samples[y0::dy, x0::dx] for x0, y0, dx, dy in _ADAM7)
        raw = b"".join(scanlines(p) for p in passes if p.size)
    else:
        raw = scanlines(samples)
    header = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, int(interlace))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(raw))
        + _png_chunk(b"IEND", b"")
    )
    return path


@pytest.fixture
def png16_writer() -> Callable[..., Path]:
    """`png16_writer(path, samples_u16, interlace=False)`: a minimal 16-bit PNG encoder."""
    return _write_png16


@pytest.fixture
def noise_rgb_u8() -> np.ndarray:
    """(12, 16, 3) uint8 random sRGB, seed 1."""
    return np.random.default_rng(1).integers(0, 256, (12, 16, 3), dtype=np.uint8)


@pytest.fixture
def noise_rgb_u16() -> np.ndarray:
    """(12, 16, 3) uint16 random samples, seed 2, with 1 and 1000 at the first two pixels."""
    samples = np.random.default_rng(2).integers(0, 65536, (12, 16, 3), dtype=np.uint16)
    samples[0, 0] = 1
    samples[0, 1] = 1000
    return samples


def _oriented_png(path: Path, orientation: int) -> Path:
    """A (2, 3) gray image with a red top-left pixel (as stored) and EXIF orientation."""
    pixels = np.full((2, 3, 3), 128, np.uint8)
    pixels[0, 0] = (255, 0, 0)
    pixels[1, 2] = (0, 0, 255)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x013B] = "Test Artist"
    Image.fromarray(pixels).save(path, exif=exif.tobytes())
    return path


@pytest.fixture
def oriented_png(tmp_path) -> Callable[[int], Path]:
    """`oriented_png(orientation)`: a PNG with a red stored top-left and blue bottom-right."""
    return lambda orientation: _oriented_png(tmp_path / f"oriented{orientation}.png", orientation)


@pytest.fixture
def rgb_jpeg_bytes() -> bytes:
    """A (64, 64) baseline JPEG of a gradient, so cutting it in half cuts scan data."""
    gradient = np.linspace(0, 255, 64 * 64 * 3).reshape(64, 64, 3).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(gradient).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()
