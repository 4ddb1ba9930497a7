"""Atomic file writes: a reader never sees a half-written file, and a failed write leaves
whatever was at the destination untouched."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterator, Union

PathLike = Union[str, os.PathLike]


@contextlib.contextmanager
def atomic_path(destination: PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `destination`; on success rename it into place.

    The temporary file lives in the destination's folder so the final `os.replace` is a
    rename within one file system, which POSIX and Windows both make atomic. On any
    exception the temporary file is removed and the destination is left as it was.

    Example:
        >>> with atomic_path("out.png") as tmp:  # doctest: +SKIP
        ...     image.save(tmp, format="PNG")
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, _final_mode(destination))
        os.replace(tmp, destination)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_bytes(destination: PathLike, data: bytes) -> None:
    """Write `data` to `destination` atomically."""
    with atomic_path(destination) as tmp:
        tmp.write_bytes(data)


def atomic_write_with(destination: PathLike, writer: Callable[[Path], None]) -> None:
    """Call `writer(tmp_path)` and move the result onto `destination` atomically."""
    with atomic_path(destination) as tmp:
        writer(tmp)


def _final_mode(destination: Path) -> int:
    """Keep an existing file's permissions; else what a plain open() would give (0666 & ~umask).

    mkstemp creates files readable by their owner only, which is wrong for a photo.
    """
    if destination.exists():
        return destination.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
