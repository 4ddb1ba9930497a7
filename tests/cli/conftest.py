"""Command-line fixtures: small generated photos on disk."""

import numpy as np
import pytest
from PIL import Image


def two_tone_photo(path, size=(48, 32), mode="L"):
    """A photo whose left half is dark and right half bright (a luminance edge at the middle)."""
    width, height = size
    l = np.full((height, width), 60, dtype=np.uint8)
    l[:, width // 2 :] = 200
    image = Image.fromarray(l, mode="L").convert(mode)
    image.save(path)
    return path


@pytest.fixture
def photo_png(tmp_path):
    return two_tone_photo(tmp_path / "photo.png")


@pytest.fixture
def photo_folder(tmp_path):
    """in/a.png, in/b.jpg (with a red sidecar hint on its left half), in/sub/c.png, in/broken.jpg."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    two_tone_photo(root / "a.png")
    two_tone_photo(root / "b.jpg", mode="RGB")
    two_tone_photo(root / "sub" / "c.png")
    (root / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    (root / "notes.txt").write_text("not a photo")
    (root / "b.hints.json").write_text(
        '{"version": 1, "image": {"width": 48, "height": 32}, '
        '"points": [{"x": 10, "y": 16, "ab": [60.0, 40.0], "size": 9}], '
        '"global": {"saturation": null, "histogram": null}}'
    )
    return root
