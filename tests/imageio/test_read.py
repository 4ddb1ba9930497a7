"""Tests for read_photo: every odd image kind, orientation, ICC, and refusals."""

from __future__ import annotations

import io
import struct
import warnings
import zlib

import numpy as np
import pytest
import tifffile
from PIL import Image, ImageOps

from ideepcolor_app.imageio import ImageReadError, Photo, read_photo

from .conftest import ADOBE_GAMMA, ADOBE_TO_XYZ_D65, XYZ_D65_TO_SRGB, srgb_encode


def _save(image: Image.Image, path, **options):
    image.save(path, **options)
    return path


# --- modes -------------------------------------------------------------------------------


def test_read_photo_l8_gives_equal_channels(tmp_path):
    gray = np.arange(12 * 16, dtype=np.uint8).reshape(12, 16)
    photo = read_photo(_save(Image.fromarray(gray), tmp_path / "l.png"))
    assert isinstance(photo, Photo)
    assert photo.rgb.shape == (12, 16, 3) and photo.rgb.dtype == np.float32
    np.testing.assert_array_equal(photo.rgb, np.repeat(gray[..., None] / np.float32(255), 3, -1))
    assert (photo.mode, photo.bit_depth, photo.was_grayscale) == ("L", 8, True)
    assert photo.exif is None and photo.source == tmp_path / "l.png"


@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_read_photo_l16_keeps_precision(tmp_path, suffix):
    gray = np.full((4, 5), 30000, np.uint16)
    gray[0, :4] = (1, 257 * 100, 1000, 65535)
    photo = read_photo(_save(Image.fromarray(gray), tmp_path / f"l16{suffix}"))
    assert photo.mode.startswith("I;16") and photo.bit_depth == 16 and photo.was_grayscale
    assert photo.rgb[0, 0, 0] == np.float32(1) / np.float32(65535) > 0
    assert photo.rgb[0, 1, 1] == pytest.approx(100 / 255, abs=1e-7)
    assert round(float(photo.rgb[0, 2, 2]) * 65535) == 1000
    assert photo.rgb[0, 3, 0] == 1.0


def test_read_photo_rgb8_exact(tmp_path, noise_rgb_u8):
    photo = read_photo(_save(Image.fromarray(noise_rgb_u8), tmp_path / "rgb.png"))
    np.testing.assert_array_equal(np.round(photo.rgb * 255).astype(np.uint8), noise_rgb_u8)
    assert (photo.mode, photo.bit_depth, photo.was_grayscale) == ("RGB", 8, False)


def test_read_photo_rgb_equal_channels_counts_as_grayscale(tmp_path):
    gray = np.random.default_rng(3).integers(0, 256, (6, 7), dtype=np.uint8)
    image = Image.fromarray(np.repeat(gray[..., None], 3, -1))
    assert read_photo(_save(image, tmp_path / "g.png")).was_grayscale


@pytest.mark.parametrize("interlace", [False, True])
def test_read_photo_rgb16_png_keeps_precision(tmp_path, png16_writer, noise_rgb_u16, interlace):
    path = png16_writer(tmp_path / "rgb16.png", noise_rgb_u16, interlace=interlace)
    photo = read_photo(path)
    assert (photo.mode, photo.bit_depth) == ("RGB", 16)
    np.testing.assert_array_equal(np.round(photo.rgb * 65535).astype(np.uint16), noise_rgb_u16)
    assert photo.rgb[0, 0, 0] > 0


@pytest.mark.parametrize(
    "options", [{}, {"compression": "zlib", "predictor": True}, {"byteorder": ">"}, {"tile": (16, 16)}]
)
def test_read_photo_rgb16_tiff_keeps_precision(tmp_path, noise_rgb_u16, options):
    path = tmp_path / "rgb16.tif"
    tifffile.imwrite(path, noise_rgb_u16, photometric="rgb", **options)
    photo = read_photo(path)
    assert photo.bit_depth == 16
    np.testing.assert_array_equal(np.round(photo.rgb * 65535).astype(np.uint16), noise_rgb_u16)


def test_read_photo_rgba_composites_over_white(tmp_path):
    rgba = np.zeros((2, 2, 4), np.uint8)
    rgba[0, 0] = (255, 0, 0, 128)  # half-transparent red
    rgba[0, 1] = (0, 0, 0, 0)  # fully transparent black
    rgba[1, :] = (10, 20, 30, 255)
    photo = read_photo(_save(Image.fromarray(rgba), tmp_path / "rgba.png"))
    np.testing.assert_allclose(photo.rgb[0, 0], [1.0, 127 / 255, 127 / 255], atol=1e-6)
    np.testing.assert_allclose(photo.rgb[0, 1], [1.0, 1.0, 1.0])
    np.testing.assert_allclose(photo.rgb[1, 0], np.array([10, 20, 30]) / 255, atol=1e-7)
    assert photo.mode == "RGBA"


def test_read_photo_rgba16_composites_over_white(tmp_path, png16_writer):
    rgba = np.zeros((1, 2, 4), np.uint16)
    rgba[0, 0] = (1000, 0, 0, 65535)
    rgba[0, 1] = (0, 0, 0, 32768)
    photo = read_photo(png16_writer(tmp_path / "rgba16.png", rgba))
    assert photo.bit_depth == 16
    assert round(float(photo.rgb[0, 0, 0]) * 65535) == 1000
    np.testing.assert_allclose(photo.rgb[0, 1], 1 - 32768 / 65535, atol=1e-6)


def test_read_photo_la_composites_over_white(tmp_path):
    la = np.array([[[0, 0], [100, 255], [200, 51]]], np.uint8)
    photo = read_photo(_save(Image.fromarray(la, mode="LA"), tmp_path / "la.png"))
    alpha = 51 / 255
    np.testing.assert_allclose(photo.rgb[0, :, 0], [1.0, 100 / 255, 200 / 255 * alpha + 1 - alpha], atol=1e-6)
    assert photo.was_grayscale and photo.mode == "LA"


@pytest.mark.parametrize("interlace", [False, True])
def test_read_photo_la16_keeps_precision(tmp_path, png16_writer, interlace):
    la = np.array([[[1000, 65535], [1, 65535], [0, 32768]]], np.uint16)
    photo = read_photo(png16_writer(tmp_path / "la16.png", la, interlace=interlace))
    assert photo.bit_depth == 16 and photo.was_grayscale
    assert round(float(photo.rgb[0, 0, 0]) * 65535) == 1000
    assert photo.rgb[0, 1, 1] == np.float32(1) / np.float32(65535)
    np.testing.assert_allclose(photo.rgb[0, 2], 1 - 32768 / 65535, atol=1e-6)


@pytest.mark.parametrize(
    ("pixels", "key"),
    [
        (np.array([[0, 50, 100]], np.uint8), 50),
        (np.array([[[0, 50, 100], [1, 2, 3], [9, 9, 9]]], np.uint8), (1, 2, 3)),
    ],
)
def test_read_photo_colour_key_becomes_white(tmp_path, pixels, key):
    photo = read_photo(_save(Image.fromarray(pixels), tmp_path / "key.png", transparency=key))
    np.testing.assert_array_equal(photo.rgb[0, 1], [1, 1, 1])
    assert photo.rgb[0, 0, 0] == 0


def _palette_image() -> Image.Image:
    indices = np.array([[0, 1, 2], [2, 1, 0]], np.uint8)
    image = Image.fromarray(indices, mode="P")
    image.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * (3 * 253))
    return image


def test_read_photo_palette(tmp_path):
    photo = read_photo(_save(_palette_image(), tmp_path / "p.png"))
    np.testing.assert_array_equal(photo.rgb[0], np.eye(3, dtype=np.float32))
    assert photo.mode == "P" and not photo.was_grayscale


@pytest.mark.parametrize("suffix", [".png", ".gif"])
def test_read_photo_palette_transparency_becomes_white(tmp_path, suffix):
    path = _save(_palette_image(), tmp_path / f"pt{suffix}", transparency=1)
    photo = read_photo(path)
    np.testing.assert_array_equal(photo.rgb[:, 1], np.ones((2, 3), np.float32))
    np.testing.assert_array_equal(photo.rgb[0, 0], [1, 0, 0])


def test_read_photo_cmyk_jpeg(tmp_path):
    cmyk = np.zeros((16, 32, 4), np.uint8)
    cmyk[:, 8:16, 0] = 255  # cyan
    cmyk[:, 16:24, 3] = 255  # black
    cmyk[:, 24:, 3] = 128  # 50% black
    path = _save(Image.fromarray(cmyk, mode="CMYK"), tmp_path / "cmyk.jpg", quality=100)
    photo = read_photo(path)
    assert photo.mode == "CMYK" and photo.bit_depth == 8 and not photo.was_grayscale
    np.testing.assert_allclose(photo.rgb[8, 4], [1, 1, 1], atol=0.02)
    np.testing.assert_allclose(photo.rgb[8, 12], [0, 1, 1], atol=0.02)
    np.testing.assert_allclose(photo.rgb[8, 20], [0, 0, 0], atol=0.02)
    np.testing.assert_allclose(photo.rgb[8, 28], [127 / 255] * 3, atol=0.02)


def test_read_photo_one_bit(tmp_path):
    bits = np.array([[True, False], [False, True]])
    photo = read_photo(_save(Image.fromarray(bits), tmp_path / "bw.png"))
    np.testing.assert_array_equal(photo.rgb[..., 0], bits.astype(np.float32))
    assert (photo.mode, photo.bit_depth, photo.was_grayscale) == ("1", 8, True)


@pytest.mark.parametrize("suffix", [".gif", ".tif"])
def test_read_photo_multiframe_gives_first_frame(tmp_path, suffix):
    frames = [Image.new("RGB", (4, 4), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    path = tmp_path / f"pages{suffix}"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    np.testing.assert_array_equal(read_photo(path).rgb[0, 0], [1, 0, 0])


def test_read_photo_rgb_is_read_only(tmp_path, noise_rgb_u8):
    photo = read_photo(_save(Image.fromarray(noise_rgb_u8), tmp_path / "ro.png"))
    with pytest.raises(ValueError):
        photo.rgb[0, 0, 0] = 0.5


# --- EXIF orientation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("orientation", "shape", "red_at", "blue_at"),
    [
        (3, (2, 3), (1, 2), (0, 0)),  # turned 180 degrees: red ends bottom-right
        (6, (3, 2), (0, 1), (2, 0)),  # turned 90 degrees clockwise: red ends top-right
        (8, (3, 2), (2, 0), (0, 1)),  # turned 90 degrees counter-clockwise: red ends bottom-left
    ],
)
def test_read_photo_applies_orientation(oriented_png, orientation, shape, red_at, blue_at):
    photo = read_photo(oriented_png(orientation))
    assert photo.rgb.shape[:2] == shape
    np.testing.assert_array_equal(photo.rgb[red_at], [1, 0, 0])
    np.testing.assert_array_equal(photo.rgb[blue_at], [0, 0, 1])


@pytest.mark.parametrize("orientation", range(1, 9))
def test_read_photo_orientation_matches_pillow(oriented_png, orientation):
    path = oriented_png(orientation)
    with Image.open(path) as image:
        expected = np.asarray(ImageOps.exif_transpose(image)) / np.float32(255)
    photo = read_photo(path)
    np.testing.assert_array_equal(photo.rgb, expected)
    exif = Image.Exif()
    exif.load(photo.exif)
    assert exif[0x0112] == 1 and exif[0x013B] == "Test Artist"


def test_read_photo_tiff_exif_keeps_only_exif_tags(tmp_path, noise_rgb_u8):
    exif = Image.Exif()
    exif[0x010F] = "Scanner Co"
    path = _save(Image.fromarray(noise_rgb_u8), tmp_path / "e.tif", exif=exif.tobytes())
    kept = Image.Exif()
    kept.load(read_photo(path).exif)
    assert kept[0x010F] == "Scanner Co"
    assert 273 not in kept and 256 not in kept  # StripOffsets, ImageWidth


# --- ICC profiles ------------------------------------------------------------------------


def test_read_photo_converts_rgb_profile_to_srgb(tmp_path, adobe_like_icc):
    pixels = np.random.default_rng(4).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    pixels[0, 0] = (200, 100, 50)
    image = Image.fromarray(pixels)
    tagged = read_photo(_save(image, tmp_path / "adobe.png", icc_profile=adobe_like_icc))
    untagged = read_photo(_save(image, tmp_path / "plain.png"))
    # Reference: decode Adobe RGB, to XYZ (D65), to linear sRGB, encode; LittleCMS goes
    # through D50 with Bradford adaptation, which agrees to well under one 8-bit step.
    linear = (pixels / 255.0) ** ADOBE_GAMMA @ ADOBE_TO_XYZ_D65.T @ XYZ_D65_TO_SRGB.T
    np.testing.assert_allclose(tagged.rgb, srgb_encode(linear), atol=1.5 / 255)
    assert tagged.rgb[0, 0, 0] > untagged.rgb[0, 0, 0] + 20 / 255  # more saturated red
    assert tagged.rgb[0, 0, 2] < untagged.rgb[0, 0, 2]


def test_read_photo_converts_rgb16_profile_at_8_bits(tmp_path, adobe_like_icc, noise_rgb_u16):
    path = tmp_path / "adobe16.tif"
    tifffile.imwrite(path, noise_rgb_u16, photometric="rgb", iccprofile=adobe_like_icc)
    photo = read_photo(path)
    as_u8 = np.round(noise_rgb_u16 / 257.0) / 255.0  # Pillow's LittleCMS works on 8-bit RGB
    linear = as_u8**ADOBE_GAMMA @ ADOBE_TO_XYZ_D65.T @ XYZ_D65_TO_SRGB.T
    np.testing.assert_allclose(photo.rgb, srgb_encode(linear), atol=1.5 / 255)
    assert photo.bit_depth == 16  # the source's depth, though converted at 8-bit precision


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_read_photo_converts_gray_profile_at_full_precision(tmp_path, linear_gray_icc, dtype):
    top = np.iinfo(dtype).max
    gray = np.array([[0, top // 4, top // 2, top, 1000 if dtype == np.uint16 else 3]], dtype)
    path = _save(Image.fromarray(gray), tmp_path / "gray.png", icc_profile=linear_gray_icc)
    photo = read_photo(path)
    expected = srgb_encode(gray[0] / top)
    np.testing.assert_allclose(photo.rgb[0, :, 1], expected, atol=1.5 / 65535)
    assert photo.was_grayscale


def test_read_photo_converts_cmyk_profile(tmp_path, linear_cmyk_icc):
    cmyk = np.zeros((1, 3, 4), np.uint8)
    cmyk[0, 1, 3] = 128
    cmyk[0, 2, 0] = 255
    image = Image.fromarray(cmyk, mode="CMYK")
    tagged = read_photo(_save(image, tmp_path / "c.tif", icc_profile=linear_cmyk_icc))
    untagged = read_photo(_save(image, tmp_path / "n.tif"))
    np.testing.assert_allclose(tagged.rgb[0, 0], [1, 1, 1], atol=1 / 255)
    np.testing.assert_allclose(tagged.rgb[0, 1], srgb_encode(np.full(3, 127 / 255)), atol=2 / 255)
    np.testing.assert_allclose(tagged.rgb[0, 2], [0, 1, 1], atol=1 / 255)
    np.testing.assert_allclose(untagged.rgb[0, 1], [127 / 255] * 3, atol=1 / 255)


def test_read_photo_srgb_profile_keeps_16_bits(tmp_path, noise_rgb_u16, srgb_icc):
    path = tmp_path / "srgb16.tif"
    tifffile.imwrite(path, noise_rgb_u16, photometric="rgb", iccprofile=srgb_icc)
    photo = read_photo(path)
    np.testing.assert_array_equal(np.round(photo.rgb * 65535).astype(np.uint16), noise_rgb_u16)


@pytest.mark.parametrize("profile", [b"not a profile at all", "srgb_on_gray"])
def test_read_photo_ignores_unusable_profile(tmp_path, srgb_icc, profile):
    profile = srgb_icc if profile == "srgb_on_gray" else profile
    gray = np.array([[0, 64, 255]], np.uint8)
    photo = read_photo(_save(Image.fromarray(gray), tmp_path / "bad.png", icc_profile=profile))
    np.testing.assert_array_equal(photo.rgb[0, :, 0], gray[0] / np.float32(255))


# --- refusals ----------------------------------------------------------------------------


def _read_error(path, **kwargs) -> str:
    with pytest.raises(ImageReadError) as caught:
        read_photo(path, **kwargs)
    assert str(path) in str(caught.value)
    return caught.value.reason


def test_read_photo_truncated_jpeg(tmp_path, rgb_jpeg_bytes):
    path = tmp_path / "photo.jpg"
    path.write_bytes(rgb_jpeg_bytes[: len(rgb_jpeg_bytes) // 2])
    assert "truncated" in _read_error(path)


def test_read_photo_truncated_png(tmp_path, noise_rgb_u8):
    data = io.BytesIO()
    Image.fromarray(noise_rgb_u8).save(data, format="PNG")
    path = tmp_path / "photo.png"
    path.write_bytes(data.getvalue()[: len(data.getvalue()) // 2])
    assert "truncated" in _read_error(path)
    path.write_bytes(data.getvalue()[:30])  # cut inside the header
    assert "looks like a PNG file but is damaged or truncated" in _read_error(path)


def test_read_photo_random_bytes(tmp_path):
    path = tmp_path / "noise.jpg"
    path.write_bytes(np.random.default_rng(5).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    reason = _read_error(path)
    assert "this is not a photo in a format the app opens (JPEG, PNG, TIFF, WebP, BMP or GIF)" in reason
    assert "Pillow" not in reason


def test_read_photo_refuses_eps(tmp_path):
    path = tmp_path / "page.eps"
    path.write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n")
    assert "this is a text file, not a photo" in _read_error(path)


def test_read_photo_text_file_is_named_in_the_users_words(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("Grandma's wedding, 1931\n", encoding="utf-8")
    reason = _read_error(path)
    assert reason == "this is a text file, not a photo (the app opens JPEG, PNG, TIFF, WebP, BMP or GIF)"


def test_read_photo_over_max_pixels(tmp_path, noise_rgb_u8):
    path = _save(Image.fromarray(noise_rgb_u8), tmp_path / "big.png")
    assert _read_error(path, max_pixels=100) == "16x12 pixels is over the 100-pixel limit"
    assert read_photo(path, max_pixels=16 * 12).rgb.shape == (12, 16, 3)


@pytest.fixture
def header_bomb_png(tmp_path, png16_writer):
    """A PNG whose header claims 25000 x 20000 pixels but holds almost no data."""
    path = png16_writer(tmp_path / "bomb.png", np.zeros((1, 1, 3), np.uint16))
    data = bytearray(path.read_bytes())
    data[16:24] = struct.pack(">II", 25000, 20000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))  # IHDR CRC
    path.write_bytes(bytes(data))
    return path


def test_read_photo_header_bomb(header_bomb_png):
    reason = _read_error(header_bomb_png)
    assert reason.startswith("500 megapixels is over Pillow's 179-megapixel safety limit")


def test_read_photo_header_bomb_without_pillow_limit(header_bomb_png, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    reason = _read_error(header_bomb_png)
    assert reason == "25000x20000 pixels is over the 180-megapixel limit"


def test_read_photo_pillow_bomb_error(tmp_path, noise_rgb_u8, monkeypatch):
    path = _save(Image.fromarray(noise_rgb_u8), tmp_path / "bomb.png")  # 192 pixels
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 90)  # Pillow refuses above 2 x 90
    assert "192 pixels is over Pillow's 180-pixel safety limit" in _read_error(path)
    assert Image.MAX_IMAGE_PIXELS == 90


def test_read_photo_pillow_bomb_warning_does_not_leak(tmp_path, noise_rgb_u8, monkeypatch):
    path = _save(Image.fromarray(noise_rgb_u8), tmp_path / "warn.png")  # 192 pixels
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # Pillow warns above 100
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_photo(path).rgb.shape == (12, 16, 3)
        assert "over the" in _read_error(path, max_pixels=150)


def test_read_photo_empty_file(tmp_path):
    path = tmp_path / "empty.png"
    path.touch()
    assert _read_error(path) == "the file is empty"


def test_read_photo_directory(tmp_path):
    assert "folder" in _read_error(tmp_path)


def test_read_photo_missing_file(tmp_path):
    assert _read_error(tmp_path / "nowhere.jpg") == "no such file"
