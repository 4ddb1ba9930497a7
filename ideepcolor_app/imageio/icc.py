"""Convert decoded samples with an embedded ICC profile to sRGB (Pillow's LittleCMS binding).

Rendering intent: relative colorimetric with black-point compensation, Photoshop's default
for "Convert to Profile". In-gamut colours keep their measured values, out-of-gamut colours
clip, and the source black maps to sRGB black so shadows are not lifted or crushed. For the
matrix/TRC profiles of scanners and cameras, perceptual would give the same result.

Precision: gray profiles are applied through a lookup table of the whole sample range built
with 16-bit LittleCMS transforms, so 16-bit gray scans keep their precision. Pillow can only
transform 8-bit RGB and CMYK, so a 16-bit RGB photo whose profile is not sRGB is converted
at 8-bit precision; a profile that acts as sRGB is detected and left alone, keeping 16 bits.
"""

from __future__ import annotations

import functools
import io
import logging
import struct

import numpy as np
from PIL import Image, ImageCms

_log = logging.getLogger(__name__)

_INTENT = ImageCms.Intent.RELATIVE_COLORIMETRIC
_FLAGS = ImageCms.Flags.BLACKPOINTCOMPENSATION
# LittleCMS's optimised 16-bit gray curves are off by up to 4% in deep shadows; the
# unoptimised pipeline is exact to 1/65535, and it runs only on a 65536-entry ramp.
_GRAY_FLAGS = _FLAGS | ImageCms.Flags.NOOPTIMIZE

# A profile is taken as sRGB when it maps these probe colours to themselves within 1/255.
_IDENTITY_TOLERANCE = 1


def to_srgb(samples: np.ndarray, icc_profile: bytes | None) -> np.ndarray:
    """Convert decoded samples to sRGB using their embedded profile.

    Args:
        samples: (H, W, C) uint8 or uint16 as decoded: C = 1 gray, 3 RGB, 4 CMYK (uint8).
        icc_profile: the embedded ICC profile, or None for an untagged file (taken as sRGB;
            untagged CMYK is converted with the naive formula).
    Returns:
        (H, W, 1) uint16 for profiled gray, (H, W, 3) uint8 for profiled RGB and for CMYK,
        otherwise `samples` unchanged. A profile that cannot be used (damaged, or for another
        colour space than the pixels) is logged and ignored.
    """
    profile = _open_profile(icc_profile) if icc_profile else None
    channels = samples.shape[-1]
    space = {1: "GRAY", 3: "RGB", 4: "CMYK"}[channels]
    if profile is not None and _colour_space(profile) != space:
        _log.warning("ignoring an embedded %s ICC profile on %s pixels", _colour_space(profile), space)
        profile = None
    if profile is None:
        return naive_cmyk_to_rgb(samples) if space == "CMYK" else samples
    if space == "GRAY":
        return _gray_to_srgb(samples, profile)
    try:
        return _colour_to_srgb(samples, profile, space)
    except ImageCms.PyCMSError as exc:
        _log.warning("ignoring an ICC profile LittleCMS cannot use: %s", exc)
        return naive_cmyk_to_rgb(samples) if space == "CMYK" else samples


def naive_cmyk_to_rgb(cmyk: np.ndarray) -> np.ndarray:
    """Convert untagged CMYK with R = (1 - C)(1 - K) and likewise for G and B.

    Args:
        cmyk: (H, W, 4) uint8 ink amounts (0 = no ink), as Pillow decodes CMYK JPEG and
            TIFF (Adobe's inverted CMYK JPEGs are already un-inverted by Pillow).
    Returns:
        (H, W, 3) uint8 RGB.
    """
    ink = cmyk.astype(np.float32) / 255.0
    rgb = (1.0 - ink[..., :3]) * (1.0 - ink[..., 3:4])
    return np.round(rgb * 255.0).astype(np.uint8)


def _colour_to_srgb(samples: np.ndarray, profile: ImageCms.ImageCmsProfile, space: str) -> np.ndarray:
    """Transform RGB or CMYK samples to 8-bit sRGB (unchanged if the profile acts as sRGB)."""
    if space == "RGB" and _acts_as_srgb(profile):
        return samples
    if samples.dtype == np.uint16:
        _log.info("converting a 16-bit RGB photo's ICC profile at 8-bit precision")
        samples = _to_u8(samples)
    image = Image.frombuffer(space, samples.shape[1::-1], np.ascontiguousarray(samples))
    converted = ImageCms.profileToProfile(
        image, profile, _srgb(), renderingIntent=_INTENT, outputMode="RGB", flags=_FLAGS
    )
    return np.asarray(converted)


def _gray_to_srgb(samples: np.ndarray, profile: ImageCms.ImageCmsProfile) -> np.ndarray:
    """Map gray samples through a 16-bit lookup table from `profile` to sRGB-gray."""
    levels = 256 if samples.dtype == np.uint8 else 65536
    ramp = np.arange(levels, dtype=np.uint16) * np.uint16(65535 // (levels - 1))
    ramp_image = Image.fromarray(ramp.reshape(1, levels))  # mode "I;16"
    try:
        converted = ImageCms.profileToProfile(
            ramp_image, profile, _srgb_gray(), renderingIntent=_INTENT, flags=_GRAY_FLAGS
        )
    except ImageCms.PyCMSError as exc:
        _log.warning("ignoring a gray ICC profile LittleCMS cannot use: %s", exc)
        return samples
    lut = np.asarray(converted).astype(np.uint16).reshape(levels)
    return lut[samples]


def _acts_as_srgb(profile: ImageCms.ImageCmsProfile) -> bool:
    """Tell whether `profile` maps a set of probe colours to themselves (within 1/255)."""
    probe = _probe_colours()
    converted = ImageCms.profileToProfile(
        Image.fromarray(probe), profile, _srgb(), renderingIntent=_INTENT, flags=_FLAGS
    )
    diff = np.abs(np.asarray(converted).astype(np.int16) - probe.astype(np.int16))
    return int(diff.max()) <= _IDENTITY_TOLERANCE


@functools.cache
def _probe_colours() -> np.ndarray:
    """(8, 256, 3) uint8: gray, red, green, blue ramps, and four rows of random colours."""
    ramp = np.arange(256, dtype=np.uint8)
    zero = np.zeros_like(ramp)
    rows = [
        np.stack([ramp, ramp, ramp], -1),
        np.stack([ramp, zero, zero], -1),
        np.stack([zero, ramp, zero], -1),
        np.stack([zero, zero, ramp], -1),
    ]
    random_rows = np.random.default_rng(0).integers(0, 256, (4, 256, 3), dtype=np.uint8)
    return np.concatenate([np.stack(rows), random_rows])


def _open_profile(data: bytes) -> ImageCms.ImageCmsProfile | None:
    """Parse embedded profile bytes; None (logged) when LittleCMS rejects them."""
    try:
        return ImageCms.ImageCmsProfile(io.BytesIO(data))
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
        _log.warning("ignoring an embedded ICC profile that cannot be read: %s", exc)
        return None


def _colour_space(profile: ImageCms.ImageCmsProfile) -> str:
    return profile.profile.xcolor_space.strip()


def _to_u8(samples: np.ndarray) -> np.ndarray:
    return np.round(samples / 257.0).astype(np.uint8)


@functools.cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@functools.cache
def _srgb_gray() -> ImageCms.ImageCmsProfile:
    """A gray profile with the sRGB tone curve: where a gray photo lands in sRGB."""
    return ImageCms.ImageCmsProfile(io.BytesIO(_srgb_gray_icc()))


def _srgb_gray_icc() -> bytes:
    """Build an ICC v2 gray display profile: D50 white, sRGB curve (IEC 61966-2-1).

    Layout from ICC.1:2001-04: a 128-byte header, a tag table, then the tags `desc`,
    `cprt`, `wtpt` and `kTRC` (a `para` curve of function type 3, which LittleCMS accepts
    in v2 profiles and evaluates exactly rather than from a sampled table).
    """
    d50 = (0.9642, 1.0, 0.8249)
    curve_params = (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045)
    name = b"sRGB gray (ideepcolor-app)\0"
    tags = [
        (b"desc", b"desc" + bytes(4) + struct.pack(">I", len(name)) + name + bytes(78)),
        (b"cprt", b"text" + bytes(4) + b"No copyright, use freely\0"),
        (b"wtpt", b"XYZ " + bytes(4) + b"".join(_s15(v) for v in d50)),
        (b"kTRC", b"para" + bytes(4) + struct.pack(">HH", 3, 0) + b"".join(_s15(v) for v in curve_params)),
    ]
    table_end = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        body += bytes(-(table_end + len(body)) % 4)  # tags start on 4-byte boundaries
        table += signature + struct.pack(">II", table_end + len(body), len(data))
        body += data
    size = table_end + len(body)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + bytes([2, 0x10, 0, 0])
        + b"mntrGRAYXYZ "
        + bytes(12)
        + b"acsp"
        + bytes(24)
        + bytes(4)  # date; platform..attributes; intent
        + b"".join(_s15(v) for v in d50)
        + bytes(4 + 16 + 28)  # creator, ID, reserved
    )
    return header + struct.pack(">I", len(tags)) + table + body


def _s15(value: float) -> bytes:
    """Encode an ICC s15Fixed16Number."""
    return struct.pack(">i", round(value * 65536))
