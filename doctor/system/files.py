"""Files on disk: written so that a crash leaves the old or the new one, never half; read
from a project (someone else's tree) only as bounded regular files."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def relative(path: str | os.PathLike[str], base: str | os.PathLike[str]) -> str | None:
    """`path` relative to `base` (may start with ".."), or None when it cannot be (another
    drive on Windows)."""
    try:
        return os.path.relpath(path, base)
    except ValueError:
        return None


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves the old or the new file, never half.
    A symbolic link stays one: the file it points to is replaced."""
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        st: os.stat_result | None = path.stat()
    except FileNotFoundError:
        st = None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode) if st else 0o644)
        if st is not None and hasattr(os, "chown"):
            # run as root on a user's file, keep it theirs
            with contextlib.suppress(OSError):
                os.chown(tmp, st.st_uid, st.st_gid)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # the rename itself survives a crash once the dir is synced
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def read_bytes_bounded(path: Path, limit: int = 1 << 20) -> bytes | None:
    """The first `limit` bytes of a regular file, or None for anything else: a FIFO, a
    device (`src/zero.rs -> /dev/zero`), a directory, or an unreadable file. A project is
    someone else's tree, so nothing read from it may block or grow without bound."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, left = [], limit
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def read_text_bounded(path: Path, limit: int = 1 << 20) -> str | None:
    """read_bytes_bounded as UTF-8 text (undecodable bytes replaced)."""
    raw = read_bytes_bounded(path, limit)
    return None if raw is None else raw.decode("utf-8", "replace")


def source_files(root: Path, suffix: str = ".rs", limit: int = 400) -> list[Path]:
    """Up to `limit` regular files named *suffix under `root`, sorted, never following a
    symlinked folder (a loop, or a tree outside the project)."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in ("target", ".git", "node_modules"))
        for name in sorted(files):
            if name.endswith(suffix):
                found.append(Path(folder) / name)
                if len(found) >= limit:
                    return found
    return found
