"""A full disk or a killed writer never leaves a partial photo, nor a stray temporary file."""

from __future__ import annotations

import builtins
import errno
import io
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from ideepcolor_app.atomic import atomic_path
from ideepcolor_app.imageio import ImageWriteError, write_image

LIMIT = 2000  # bytes the "disk" takes before it is full


class _FullDiskFile(io.FileIO):
    """A file on a disk that fills after LIMIT bytes: later bytes vanish, or raise ENOSPC."""

    def __init__(self, path, mode, raise_when_full):
        super().__init__(path, mode.replace("b", ""))
        self.raise_when_full = raise_when_full

    def fileno(self):  # make encoders write through write(), as a file object on a full disk
        raise io.UnsupportedOperation("fileno")

    def write(self, data):
        room = max(0, LIMIT - self.tell())
        if len(data) > room and self.raise_when_full:
            super().write(bytes(data[:room]))
            raise OSError(errno.ENOSPC, "No space left on device")
        super().write(bytes(data[:room]))
        return len(data)  # the encoder believes everything was written


@pytest.fixture(params=["silent", "enospc"])
def full_disk(monkeypatch, request):
    """Writes to our temporary files stop after LIMIT bytes (silently, or with ENOSPC)."""
    real_open = builtins.open

    def fake_open(file, mode="r", *args, **kwargs):
        if str(file).endswith(".tmp") and "w" in mode and "b" in mode:
            return _FullDiskFile(file, mode, request.param == "enospc")
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    return request.param


def noise(h=64, w=96):
    return np.random.default_rng(0).integers(0, 256, (h, w, 3), dtype=np.uint8)


@pytest.mark.parametrize("name", ["out.jpg", "out.png"])
def test_write_image_on_a_full_disk_fails_and_leaves_nothing(tmp_path, full_disk, name):
    with pytest.raises(ImageWriteError, match="could not write"):
        write_image(tmp_path / name, noise())
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_write_image_on_a_full_disk_keeps_the_old_file(tmp_path, full_disk):
    old = tmp_path / "out.jpg"
    old.write_bytes(b"the previous result")
    with pytest.raises(ImageWriteError):
        write_image(old, noise())
    assert old.read_bytes() == b"the previous result"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jpg"]


def test_write_image_refuses_a_file_the_encoder_cut_short(tmp_path, monkeypatch):
    """Pillow's optimised JPEG encoder returns normally after a short write: we must not."""
    from ideepcolor_app.imageio import write as write_module

    real = write_module._write_with_pillow

    def short(tmp, *args):
        real(tmp, *args)
        data = tmp.read_bytes()
        tmp.write_bytes(data[: len(data) // 2])

    monkeypatch.setattr(write_module, "_write_with_pillow", short)
    with pytest.raises(ImageWriteError, match="does not decode"):
        write_image(tmp_path / "out.jpg", noise())
    assert not (tmp_path / "out.jpg").exists()


def test_written_images_are_whole_and_marked_as_ours(tmp_path):
    from ideepcolor_app.imageio.verify import is_our_output, is_whole_image

    for name in ("a.jpg", "b.png", "c.tif"):
        path = write_image(tmp_path / name, noise())
        assert is_whole_image(path) and is_our_output(path)
    Image.fromarray(noise()).save(tmp_path / "photo.jpg")
    assert not is_our_output(tmp_path / "photo.jpg")
    data = (tmp_path / "a.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    assert not is_whole_image(tmp_path / "cut.jpg")


def test_ctrl_c_during_a_write_removes_the_temporary(tmp_path):
    def interrupted(tmp):
        tmp.write_bytes(b"half a photo")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_image_with(tmp_path / "out.png", interrupted)
    assert list(tmp_path.iterdir()) == []


def write_image_with(path, writer):
    with atomic_path(path) as tmp:
        writer(tmp)


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_stale_temporaries_of_dead_writers_are_removed_on_the_next_write(tmp_path):
    stale = tmp_path / f".out.png.{dead_pid()}.abcd1234.tmp"
    stale.write_bytes(b"x" * 100)
    live = tmp_path / f".out.png.{os.getpid()}.efgh5678.tmp"  # a write in progress
    live.write_bytes(b"y")
    foreign = tmp_path / ".out.png.swp"
    foreign.write_bytes(b"z")
    write_image(tmp_path / "out.png", noise())
    assert not stale.exists()
    assert live.exists() and foreign.exists()


def test_old_temporaries_without_a_pid_are_removed_but_fresh_ones_kept(tmp_path):
    from ideepcolor_app.atomic import remove_stale_temporaries

    old = tmp_path / ".a.jpg.k3j4h5g6.tmp"
    old.write_bytes(b"x")
    os.utime(old, (1, 1))
    fresh = tmp_path / ".b.jpg.q1w2e3r4.tmp"
    fresh.write_bytes(b"x")
    removed = remove_stale_temporaries(tmp_path)
    assert removed == [old]
    assert fresh.exists()
