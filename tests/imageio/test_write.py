"""Tests for write_image: formats, depths, EXIF, atomicity and input protection."""

from __future__ import annotations

import os

import numpy as np
import pytest
import tifffile
from PIL import Image, JpegImagePlugin

from ideepcolor_app.imageio import (
    SUPPORTED_OUTPUT_SUFFIXES,
    ImageWriteError,
    output_suffix_for,
    read_photo,
    write_image,
)


def _exif(**tags) -> bytes:
    exif = Image.Exif()
    names = {
        "make": 0x010F,
        "artist": 0x013B,
        "orientation": 0x0112,
        "copyright": 0x8298,
        "datetime": 0x0132,
        "software": 0x0131,
        "description": 0x010E,
    }
    for name, value in tags.items():
        exif[names[name]] = value
    return exif.tobytes()


def _pixels(path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


def _no_temp_files(folder) -> bool:
    return not [p for p in os.listdir(folder) if p.endswith(".tmp")]


# --- formats and depths ------------------------------------------------------------------


def test_write_image_png_round_trip_exact(tmp_path, gradient_rgb_u8):
    path = write_image(tmp_path / "out.png", gradient_rgb_u8)
    assert path == tmp_path / "out.png"
    with Image.open(path) as image:
        assert image.mode == "RGB"
        np.testing.assert_array_equal(np.asarray(image), gradient_rgb_u8)


def test_write_image_webp_lossless_round_trip_exact_at_quality_100(tmp_path, gradient_rgb_u8):
    path = write_image(tmp_path / "out.webp", gradient_rgb_u8, quality=100)
    with Image.open(path) as image:
        assert image.format == "WEBP" and image.mode == "RGB"
        np.testing.assert_array_equal(np.asarray(image), gradient_rgb_u8)
    photo = read_photo(path)  # and the app reads it back as the same photo
    np.testing.assert_array_equal(np.round(photo.rgb * 255).astype(np.uint8), gradient_rgb_u8)


def test_write_image_webp_lossy_round_trip_close_and_smaller(tmp_path, gradient_rgb_u8, noise_rgb_u8):
    lossy = write_image(tmp_path / "lossy.webp", gradient_rgb_u8, quality=90)
    decoded = _pixels(lossy).astype(np.int16)
    assert decoded.shape == gradient_rgb_u8.shape
    assert np.abs(decoded - gradient_rgb_u8).mean() < 3.0  # a close copy of the picture
    lossy = write_image(tmp_path / "noise_lossy.webp", noise_rgb_u8, quality=90)
    exact = write_image(tmp_path / "noise_exact.webp", noise_rgb_u8, quality=100)
    assert lossy.stat().st_size < exact.stat().st_size


def test_write_image_webp_keeps_exif_and_marks_it_ours(tmp_path, gradient_rgb_u8):
    from ideepcolor_app.imageio.verify import is_our_output, is_whole_image

    path = write_image(tmp_path / "e.webp", gradient_rgb_u8, exif=_exif(artist="Grandpa", orientation=6))
    with Image.open(path) as image:
        assert image.getexif()[0x013B] == "Grandpa" and image.getexif()[0x0112] == 1
    assert is_our_output(path) and is_whole_image(path)


def test_write_image_webp_too_large_says_which_formats_can(tmp_path):
    with pytest.raises(ValueError, match="at most 16383 pixels a side.*choose .jpg, .png or .tif"):
        write_image(tmp_path / "wide.webp", np.zeros((2, 16384, 3), np.uint8))
    assert not (tmp_path / "wide.webp").exists()


def test_write_image_float_input_is_rounded_and_clipped(tmp_path, random_rgb):
    rgb = random_rgb.copy()
    rgb[0, 0] = (-0.5, 1.5, 0.5)
    path = write_image(tmp_path / "f.png", rgb)
    expected = np.round(np.clip(rgb, 0, 1) * 255).astype(np.uint8)
    np.testing.assert_array_equal(_pixels(path), expected)


def test_write_image_creates_missing_folders(tmp_path, gradient_rgb_u8):
    path = write_image(tmp_path / "a" / "b" / "out.png", gradient_rgb_u8)
    assert path.is_file()


def test_write_image_jpeg_quality_changes_size(tmp_path, random_rgb):
    low = write_image(tmp_path / "low.jpg", random_rgb, quality=30)
    high = write_image(tmp_path / "high.jpeg", random_rgb, quality=95)
    assert low.stat().st_size < high.stat().st_size


@pytest.mark.parametrize(("quality", "sampling"), [(95, 0), (90, 0), (89, 2), (30, 2)])
def test_write_image_jpeg_chroma_subsampling(tmp_path, gradient_rgb_u8, quality, sampling):
    path = write_image(tmp_path / "s.jpg", gradient_rgb_u8, quality=quality)
    with Image.open(path) as image:
        assert JpegImagePlugin.get_sampling(image) == sampling  # 0 = 4:4:4, 2 = 4:2:0


def test_write_image_jpeg_keeps_exif_with_orientation_reset(tmp_path, gradient_rgb_u8):
    exif = _exif(make="Old Camera Co", artist="Grandpa", orientation=6)
    path = write_image(tmp_path / "e.jpg", gradient_rgb_u8, exif=exif)
    with Image.open(path) as image:
        written = image.getexif()
    assert written[0x010F] == "Old Camera Co" and written[0x013B] == "Grandpa"
    assert written[0x0112] == 1
    assert read_photo(path).rgb.shape == gradient_rgb_u8.shape  # not turned on reading


def test_write_image_png_keeps_exif(tmp_path, gradient_rgb_u8):
    path = write_image(tmp_path / "e.png", gradient_rgb_u8, exif=_exif(artist="A", orientation=8))
    with Image.open(path) as image:
        image.load()
        assert image.getexif()[0x013B] == "A" and image.getexif()[0x0112] == 1


def test_write_image_photo_exif_round_trip(tmp_path, gradient_rgb_u8):
    source = write_image(tmp_path / "in.jpg", gradient_rgb_u8, exif=_exif(artist="Scan"))
    photo = read_photo(source)
    path = write_image(tmp_path / "out.jpg", photo.rgb, exif=photo.exif)
    with Image.open(path) as image:
        assert image.getexif()[0x013B] == "Scan"


def test_write_image_tiff_keeps_16_bits(tmp_path, noise_rgb_u16):
    path = write_image(tmp_path / "out.tif", noise_rgb_u16)
    np.testing.assert_array_equal(tifffile.imread(path), noise_rgb_u16)
    photo = read_photo(path)
    assert photo.bit_depth == 16
    assert round(float(photo.rgb[0, 1, 0]) * 65535) == 1000
    np.testing.assert_array_equal(np.round(photo.rgb * 65535).astype(np.uint16), noise_rgb_u16)


def test_write_image_tiff_float_round_trip_16_bits(tmp_path, noise_rgb_u16):
    source = write_image(tmp_path / "a.tiff", noise_rgb_u16)
    path = write_image(tmp_path / "b.tif", read_photo(source).rgb)
    np.testing.assert_array_equal(tifffile.imread(path), noise_rgb_u16)


def test_write_image_tiff_8_bit(tmp_path, gradient_rgb_u8):
    path = write_image(tmp_path / "out8.tif", gradient_rgb_u8, bit_depth=8)
    with Image.open(path) as image:
        assert image.mode == "RGB"
        np.testing.assert_array_equal(np.asarray(image), gradient_rgb_u8)


def test_write_image_tiff_keeps_exif_text_tags(tmp_path, noise_rgb_u16):
    exif = _exif(
        make="Scanner Co",
        artist="Grandma",
        copyright="Family",
        orientation=3,
        datetime="sometime in 1952",
        software="ScanTool",
        description="Wedding",
    )
    path = write_image(tmp_path / "e.tif", noise_rgb_u16, exif=exif)
    with Image.open(path) as image:
        tags = image.getexif()
    assert (tags[0x010F], tags[0x013B], tags[0x8298]) == ("Scanner Co", "Grandma", "Family")
    # Software names this app (how a batch recognises its own outputs), not the scanner's tool.
    assert (tags[0x0132], tags[0x0131], tags[0x010E]) == ("sometime in 1952", "ideepcolor-app", "Wedding")
    assert tags.get(0x0112, 1) == 1


def test_write_image_uint8_to_16_bit_tiff_scales_exactly(tmp_path):
    rgb = np.array([[[0, 1, 255]]], np.uint8)
    path = write_image(tmp_path / "s.tif", rgb)
    np.testing.assert_array_equal(tifffile.imread(path), [[[0, 257, 65535]]])


# --- bad arguments -----------------------------------------------------------------------


def test_write_image_unknown_suffix_lists_supported(tmp_path, gradient_rgb_u8):
    with pytest.raises(ValueError, match=r"\.jpg, \.jpeg, \.png, \.webp, \.tif, \.tiff"):
        write_image(tmp_path / "out.bmp", gradient_rgb_u8)
    assert SUPPORTED_OUTPUT_SUFFIXES == (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff")


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".webp"])
def test_write_image_refuses_16_bit_png_and_jpeg(tmp_path, gradient_rgb_u8, suffix):
    with pytest.raises(ValueError, match="use .tif for 16-bit"):
        write_image(tmp_path / f"out{suffix}", gradient_rgb_u8, bit_depth=16)


@pytest.mark.parametrize(
    ("rgb", "error"),
    [
        (np.zeros((4, 4), np.uint8), ValueError),
        (np.zeros((4, 4, 4), np.uint8), ValueError),
        (np.full((2, 2, 3), np.nan), ValueError),
        (np.zeros((2, 2, 3), np.int32), TypeError),
    ],
)
def test_write_image_rejects_bad_arrays(tmp_path, rgb, error):
    with pytest.raises(error):
        write_image(tmp_path / "bad.png", rgb)
    assert not (tmp_path / "bad.png").exists()


@pytest.mark.parametrize("quality", [0, 101])
def test_write_image_rejects_bad_quality(tmp_path, gradient_rgb_u8, quality):
    with pytest.raises(ValueError, match="quality"):
        write_image(tmp_path / "q.jpg", gradient_rgb_u8, quality=quality)


def test_write_image_rejects_bad_exif(tmp_path, gradient_rgb_u8):
    with pytest.raises(ValueError, match="EXIF"):
        write_image(tmp_path / "x.jpg", gradient_rgb_u8, exif=b"Exif\0\0garbage")


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("jpg", ".jpg"),
        ("JPEG", ".jpg"),
        ("png", ".png"),
        ("tif", ".tif"),
        ("tiff", ".tif"),
        (".png", ".png"),
        ("webp", ".webp"),
        ("WEBP", ".webp"),
    ],
)
def test_output_suffix_for(name, suffix):
    assert output_suffix_for(name) == suffix


def test_output_suffix_for_unknown_lists_known():
    with pytest.raises(ValueError, match="jpeg, jpg, png, tif, tiff, webp"):
        output_suffix_for("heic")


# --- atomic writes -----------------------------------------------------------------------


def _fail_midway(target) -> None:
    with open(target, "wb") as file:
        file.write(b"half an image")
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".tif"])
def test_write_image_failure_leaves_destination_intact(tmp_path, gradient_rgb_u8, monkeypatch, suffix):
    path = tmp_path / f"result{suffix}"
    path.write_bytes(b"previous result")
    monkeypatch.setattr(Image.Image, "save", lambda image, target, **kw: _fail_midway(target))
    monkeypatch.setattr(tifffile, "imwrite", lambda target, data, **kw: _fail_midway(target))
    with pytest.raises(ImageWriteError, match="No space left"):
        write_image(path, gradient_rgb_u8)
    assert path.read_bytes() == b"previous result"
    assert _no_temp_files(tmp_path)


def test_write_image_replaces_existing_file(tmp_path, gradient_rgb_u8):
    path = tmp_path / "r.png"
    path.write_bytes(b"previous result")
    write_image(path, gradient_rgb_u8)
    np.testing.assert_array_equal(_pixels(path), gradient_rgb_u8)
    assert _no_temp_files(tmp_path)


def test_write_image_refuses_folder(tmp_path, gradient_rgb_u8):
    folder = tmp_path / "x.png"
    folder.mkdir()
    with pytest.raises(ImageWriteError, match="folder"):
        write_image(folder, gradient_rgb_u8)


# --- input protection --------------------------------------------------------------------


@pytest.fixture
def input_photo(tmp_path, gradient_rgb_u8):
    path = tmp_path / "input.png"
    Image.fromarray(gradient_rgb_u8).save(path)
    return path


def test_write_image_refuses_input_path(tmp_path, input_photo, gradient_rgb_u8):
    before = input_photo.read_bytes()
    with pytest.raises(ImageWriteError, match="refusing to overwrite the input photo"):
        write_image(input_photo, np.zeros_like(gradient_rgb_u8), protect=[input_photo])
    relative = os.path.relpath(input_photo)
    with pytest.raises(ImageWriteError):
        write_image(input_photo, gradient_rgb_u8, protect=[relative])
    assert input_photo.read_bytes() == before


def test_write_image_refuses_hard_link_to_input(tmp_path, input_photo, gradient_rgb_u8):
    link = tmp_path / "link.png"
    os.link(input_photo, link)
    with pytest.raises(ImageWriteError, match="refusing"):
        write_image(link, gradient_rgb_u8, protect=[input_photo])


def test_write_image_refuses_symlink_to_input(tmp_path, input_photo, gradient_rgb_u8):
    link = tmp_path / "symlink.png"
    link.symlink_to(input_photo)
    with pytest.raises(ImageWriteError, match="refusing"):
        write_image(link, gradient_rgb_u8, protect=[input_photo])
    with pytest.raises(ImageWriteError, match="refusing"):
        write_image(input_photo, gradient_rgb_u8, protect=[link])


def test_write_image_protect_allows_other_paths(tmp_path, input_photo, gradient_rgb_u8):
    path = write_image(tmp_path / "colour.png", gradient_rgb_u8, protect=[input_photo])
    assert path.is_file() and input_photo.is_file()
