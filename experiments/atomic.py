"""Files that appear complete or not at all: every file the experiments write goes through here.

:func:`write_atomic` writes to a temporary name in the same folder (``.NAME.XXXXXXXX.tmp``), flushes
it to disk and renames it into place (``os.replace`` is atomic on POSIX and Windows), so a reader, a
crash or a full disk never sees half a file; a failed write removes its temporary file. A process
killed mid-write can still leave one behind: :func:`clean_leftovers` removes them, and every writer
of a folder calls it when it starts. Files are created with the user's umask (``open``'s mode
0o666, as any file the user makes), never ``mkstemp``'s 0600.
"""

from __future__ import annotations

import errno
import os
import uuid
from collections.abc import Callable
from pathlib import Path

TMP_SUFFIX = ".tmp"


def temp_name(path: Path) -> Path:
    """A fresh temporary name beside ``path``: ``.NAME.XXXXXXXX.tmp``."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}{TMP_SUFFIX}")


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` to fill a temporary file beside ``path``, then rename it into place.

    ``write`` must write the file named (a writer that picks a format by the file's extension must
    be told the format: the temporary name ends in ``.tmp``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(path)
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # umask applies
        write(tmp)
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    write_atomic(Path(path), lambda tmp: tmp.write_bytes(data))


def write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    write_atomic(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files an interrupted write left in ``folder``; returns them."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    removed = []
    for tmp in folder.glob(f".*{TMP_SUFFIX}"):
        if tmp.is_file():
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def is_leftover(path: Path) -> bool:
    """True for a temporary file of an interrupted write."""
    return path.name.startswith(".") and path.name.endswith(TMP_SUFFIX)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def why(err: OSError) -> str:
    """A few words for a write that failed: "the disk is full", "permission denied", …"""
    return {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
            errno.EACCES: "permission denied", errno.EROFS: "the file system is read-only",
            errno.EPERM: "operation not permitted"}.get(err.errno, err.strerror or str(err))
