"""Atomic file writes: write a temporary file beside the target, fsync, then rename over it.

A reader never sees a half-written file, and a crash mid-write leaves the previous version intact.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["USER_ERRNOS", "atomic_path", "atomic_write_bytes", "atomic_write_parquet", "atomic_write_text"]

#: File-system refusals caused by the path a user chose (exit 2): read-only file system, a name
#: too long, a file where a folder should be, no permission; unlike a full disk or an I/O error.
USER_ERRNOS: frozenset[int] = frozenset(
    {
        errno.EACCES,
        errno.EPERM,
        errno.EROFS,
        errno.ENAMETOOLONG,
        errno.ENOTDIR,
        errno.EISDIR,
        errno.ENOENT,
        errno.EEXIST,
    }
)


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` atomically.

    The caller writes to the yielded path by any means (pandas, pyarrow, openpyxl …). If the block
    raises, the temporary file is removed and ``target`` is untouched.
    """
    final = Path(target)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(final))
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


def _mode_for(final: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0o666 less the umask.

    ``mkstemp`` creates 0o600 files, which a trading terminal running as another user could not read.
    """
    try:
        return final.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it where the OS allows (``/proc/self/status`` on
    Linux), since ``os.umask`` can only be read by setting it, which races with threads that create
    files meanwhile. Elsewhere the value read once at import (single-threaded) is used."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return _IMPORT_UMASK


def _read_umask_once() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_IMPORT_UMASK = _read_umask_once()


def _write(target: str | Path, mode: str, writer: Callable[[IO], object], **open_kw: object) -> Path:
    with atomic_path(target) as tmp, open(tmp, mode, **open_kw) as handle:  # type: ignore[call-overload]
        writer(handle)
    return Path(target)


def atomic_write_bytes(target: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically and return the path."""
    return _write(target, "wb", lambda h: h.write(data))


def atomic_write_text(
    target: str | Path, text: str, encoding: str = "utf-8", newline: str | None = ""
) -> Path:
    """Write ``text`` to ``target`` atomically (no newline translation by default)."""
    return _write(target, "w", lambda h: h.write(text), encoding=encoding, newline=newline)


def atomic_write_parquet(target: str | Path, frame: pd.DataFrame) -> Path:
    """Write ``frame`` to ``target`` as Parquet (without its index) atomically and return the path."""
    with atomic_path(target) as tmp:
        frame.to_parquet(tmp, index=False)
    return Path(target)
