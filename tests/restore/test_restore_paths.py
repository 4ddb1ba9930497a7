"""`--restore` on `colorize` and `batch`: restored first, then colourized; a batch resumes as any."""

import numpy as np
from PIL import Image

from ideepcolor_app.cli.main import main

SPECK = (slice(14, 17), slice(10, 13))  # on the dark left half


def specked_photo(path, mode="L"):
    """48 x 32: dark left half, bright right half, a white speck on the left half."""
    gray = np.full((32, 48), 60, np.uint8)
    gray[:, 24:] = 200
    gray[SPECK] = 250
    Image.fromarray(gray, mode="L").convert(mode).save(path)
    return path


def red_hint(path):
    path.write_text(
        '{"version": 1, "image": {"width": 48, "height": 32}, '
        '"points": [{"x": 10, "y": 16, "ab": [60.0, 40.0], "size": 9}], '
        '"global": {"saturation": null, "histogram": null}}'
    )


def pixels(path):
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB")).astype(int)


def test_colorize_restore_fills_the_speck_first(tmp_path):
    photo = specked_photo(tmp_path / "old.png")
    plain, restored = tmp_path / "plain.png", tmp_path / "restored.png"
    for out, extra in ((plain, []), (restored, ["--restore", "--restore-tone", "off"])):
        assert main(["colorize", str(photo), "-o", str(out), "--backend", "levin", "--size", "16", *extra]) == 0
    assert pixels(plain)[15, 11].mean() > 200  # the speck is colourized as it is: white
    assert abs(pixels(restored)[15, 11].mean() - pixels(restored)[15, 4].mean()) < 12  # filled


def test_batch_with_restore_resumes_and_keeps_sidecar_hints(tmp_path, capsys):
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    for name in ("a", "b", "c"):
        specked_photo(source / f"{name}.png")
    red_hint(source / "b.hints.json")
    args = ["batch", str(source), str(out), "--backend", "levin", "--size", "16", "--format", "png", "--restore"]
    assert main(args) == 0
    first = {name: (out / f"{name}.png").read_bytes() for name in "abc"}
    for name in "abc":
        assert abs(pixels(out / f"{name}.png")[15, 11].mean() - pixels(out / f"{name}.png")[15, 4].mean()) < 12
    left = pixels(out / "b.png")[16, 10]
    assert left[0] > left[2] + 20  # b's sidecar hint (red) still applies
    (out / "c.png").unlink()
    capsys.readouterr()
    assert main(args) == 0  # resumes: a and b are skipped, c is done again
    said = capsys.readouterr()
    assert "1 colourized (levin 1), 2 skipped" in said.out
    assert {name: (out / f"{name}.png").read_bytes() for name in "abc"} == first
