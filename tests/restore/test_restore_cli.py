"""`ideepcolor restore`: 8-bit, 16-bit and EXIF-rotated inputs, one-line errors, input untouched."""

import numpy as np
import pytest
from PIL import Image
from PIL.ExifTags import Base

from ideepcolor_app.cli.main import main
from tests.restore.conftest import scene


def damaged_samples(top: int) -> np.ndarray:
    """The generated scene with two white specks, as integer samples up to `top`."""
    x = scene(64, 96)
    x[20:23, 40:43] = 0.98
    x[45:47, 70:72] = 0.98
    return np.round(x * top).astype(np.uint8 if top == 255 else np.uint16)


def exif_with(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[int(Base.Artist)] = "Grandma"
    exif[int(Base.Orientation)] = orientation
    return exif


def test_8_bit_photo_is_restored_at_8_bits_with_its_exif(tmp_path, capsys):
    source, out = tmp_path / "old.png", tmp_path / "restored.png"
    Image.fromarray(damaged_samples(255)).save(source, exif=exif_with())
    before = source.read_bytes()
    assert main(["restore", str(source), "-o", str(out), "--tone", "off"]) == 0
    assert str(out) in capsys.readouterr().out
    with Image.open(out) as image:
        assert image.mode == "L" and image.size == (96, 64)
        assert image.getexif()[int(Base.Artist)] == "Grandma"
        pixels = np.asarray(image).astype(int)
    clean = np.round(scene(64, 96) * 255).astype(int)
    assert abs(pixels[21, 41] - clean[21, 41]) <= 3  # the speck is filled
    assert np.abs(pixels - clean).max() <= 3  # and nothing else moved
    assert source.read_bytes() == before


@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_16_bit_photo_keeps_16_bits(tmp_path, suffix):
    source, out = tmp_path / "scan.png", tmp_path / f"restored{suffix}"
    samples = damaged_samples(65535)
    Image.fromarray(samples).save(source, exif=exif_with())
    assert main(["restore", str(source), "-o", str(out), "--tone", "off"]) == 0
    with Image.open(out) as image:
        pixels = np.asarray(image)
    assert pixels.dtype == np.uint16 and pixels.shape == (64, 96)
    with Image.open(out) as image:
        assert image.getexif().get(int(Base.Artist)) == "Grandma"  # PNG: the EXIF; TIFF: its text tags
    clean = np.round(scene(64, 96) * 65535).astype(np.int64)
    assert abs(int(pixels[21, 41]) - clean[21, 41]) < 600  # filled, at 16-bit precision
    flat = (slice(2, 18), slice(2, 30))  # a smooth area away from the specks and the boxes
    assert np.abs(pixels[flat].astype(np.int64) - clean[flat]).max() < 40


def test_jpeg_output_of_16_bit_photo_is_8_bit(tmp_path):
    source, out = tmp_path / "scan.png", tmp_path / "restored.jpg"
    Image.fromarray(damaged_samples(65535)).save(source)
    assert main(["restore", str(source), "-o", str(out)]) == 0
    with Image.open(out) as image:
        assert image.mode == "L" and image.size == (96, 64)


def test_exif_rotated_photo_comes_out_upright(tmp_path):
    source, out = tmp_path / "rotated.jpg", tmp_path / "restored.png"
    stored = np.full((24, 40), 90, np.uint8)  # 40 wide as stored; orientation 6: turn 90 degrees
    stored[:, :8] = 200  # a bright band at the stored left, which is the top when upright
    Image.fromarray(stored).save(source, exif=exif_with(orientation=6), quality=98)
    assert main(["restore", str(source), "-o", str(out), "--tone", "off"]) == 0
    with Image.open(out) as image:
        assert image.size == (24, 40)  # upright: 24 wide, 40 high
        exif = image.getexif()
        assert exif.get(int(Base.Orientation), 1) == 1 and exif[int(Base.Artist)] == "Grandma"
        pixels = np.asarray(image).astype(int)
    assert pixels[:6].mean() > 180 and pixels[12:].mean() < 110


def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys):
    broken, out = tmp_path / "broken.jpg", tmp_path / "out.png"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    assert main(["restore", str(broken), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ideepcolor: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("output", ["same", "out.bmp"])
def test_refuses_the_input_and_unknown_formats(tmp_path, capsys, output):
    source = tmp_path / "old.png"
    Image.fromarray(damaged_samples(255)).save(source)
    before = source.read_bytes()
    target = source if output == "same" else tmp_path / output
    assert main(["restore", str(source), "-o", str(target)]) == 1
    assert "ideepcolor: error:" in capsys.readouterr().err
    assert source.read_bytes() == before and not (tmp_path / "out.bmp").exists()


def test_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["restore", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--tone" in out and "--strength" in out
