"""Atomic file writes: a reader never sees a half-written file, and a failed write leaves
whatever was at the destination untouched.

Temporary files are hidden and named ``.<name>.<pid>.<random>.tmp`` beside their destination.
A process killed mid-write (``kill -9``, power loss) cannot remove its own; the next write to
the same folder removes those whose process is gone (`remove_stale_temporaries`).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

PathLike = str | os.PathLike[str]

# ".NAME.PID.RANDOM.tmp" (this version) or ".NAME.RANDOM.tmp" (earlier versions, no pid);
# RANDOM is tempfile's 8 characters.
_TEMP_NAME = re.compile(r"^\.(?P<name>.+?)\.(?:(?P<pid>\d+)\.)?[a-z0-9_]{8}\.tmp$")
# A temporary without a live owner we can check is stale after this long (no write takes it).
_ORPHAN_AGE_S = 3600.0


@contextlib.contextmanager
def atomic_path(destination: PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `destination`; on success rename it into place.

    The temporary file lives in the destination's folder so the final `os.replace` is a
    rename within one file system, which POSIX and Windows both make atomic. Its data is
    flushed to disk (fsync) before the rename, so a full disk is reported here rather than
    discovered later. On any exception (Ctrl+C included) the temporary file is removed and
    the destination is left as it was.

    Example:
        >>> with atomic_path("out.png") as tmp:  # doctest: +SKIP
        ...     image.save(tmp, format="PNG")
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(destination.parent, name=destination.name)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{destination.name}.{os.getpid()}.", suffix=".tmp", dir=destination.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        _fsync(tmp)
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


def remove_stale_temporaries(folder: PathLike, name: str | None = None, recursive: bool = False) -> list[Path]:
    """Remove our own temporary files left behind by a process that died mid-write.

    A temporary is stale when the process named in it no longer runs (POSIX), or, for names
    without a process id or where that cannot be checked, when it is over an hour old. Files
    of other programs never match our naming and are left alone; so are the temporaries of a
    write still in progress in another process.

    Args:
        folder: where to look.
        name: only temporaries of this destination file name; None for all.
        recursive: also look in sub-folders.
    Returns:
        The paths removed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    pattern = f".{glob_escape(name)}.*.tmp" if name else ".*.tmp"
    removed = []
    for path in folder.rglob(pattern) if recursive else folder.glob(pattern):
        match = _TEMP_NAME.match(path.name)
        if match is None or (name is not None and match["name"] != name) or not _is_stale(path, match["pid"]):
            continue
        with contextlib.suppress(OSError):  # gone meanwhile, or not ours to remove
            path.unlink()
            removed.append(path)
    return removed


def check_writable(folder: PathLike) -> None:
    """Raise OSError (PermissionError for a read-only folder) unless files can be created in `folder`.

    The folder is created when missing, as a write would; a probe file is made and removed.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fd, probe = tempfile.mkstemp(prefix=f".ideepcolor-probe.{os.getpid()}.", suffix=".tmp", dir=folder)
    os.close(fd)
    os.unlink(probe)


def glob_escape(text: str) -> str:
    """Escape glob wildcards in a literal file name."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _is_stale(path: Path, pid: str | None) -> bool:
    if pid is not None and os.name == "posix":
        return not _process_running(int(pid))
    try:
        return time.time() - path.stat().st_mtime > _ORPHAN_AGE_S
    except OSError:
        return False


def _process_running(pid: int) -> bool:
    """Whether a process with this id exists (POSIX: signal 0 checks without sending)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # it exists but belongs to someone else (or the number is odd): keep it
    return True


def _fsync(path: Path) -> None:
    """Flush a file's data to disk, so that ENOSPC and I/O errors surface before the rename."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows needs write access
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _final_mode(destination: Path) -> int:
    """Keep an existing file's permissions; else what a plain open() would give (0666 & ~umask).

    mkstemp creates files readable by their owner only, which is wrong for a photo.
    """
    if destination.exists():
        return destination.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
