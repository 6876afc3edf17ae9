"""Opening the log `diagnose` reads, without hanging on a named pipe nobody writes to.

`open()` on a FIFO blocks until a writer appears, which may be never (a stale `mkfifo`). A
FIFO is therefore opened non-blocking: if a writer is there (`diagnose <(cargo build 2>&1)`)
it is read normally for as long as it writes; if none is, one is awaited for at most the
given number of seconds, then the input is refused. Regular files open as usual.
"""

from __future__ import annotations

import os
import select
import stat
from typing import BinaryIO


class NoWriter(Exception):
    """A named pipe that nothing wrote to in time."""


class _Prefixed:
    """A binary stream that first returns bytes already read off the pipe."""

    def __init__(self, prefix: bytes, inner: BinaryIO) -> None:
        self.prefix = prefix
        self.inner = inner

    def read(self, size: int = -1) -> bytes:
        if self.prefix:
            head, self.prefix = self.prefix, b""
            return head
        return self.inner.read(size)

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> _Prefixed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_log(path: str, wait: float) -> BinaryIO:
    """The file at `path` for reading in binary; raises OSError or NoWriter."""
    if os.name != "posix" or not stat.S_ISFIFO(os.stat(path).st_mode):
        return open(path, "rb")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        prefix = _first_bytes(fd, path, wait)
    except BaseException:
        os.close(fd)
        raise
    os.set_blocking(fd, True)
    return _Prefixed(prefix, os.fdopen(fd, "rb"))  # type: ignore[return-value]


def _first_bytes(fd: int, path: str, wait: float) -> bytes:
    try:
        data = os.read(fd, 1 << 16)
    except BlockingIOError:
        return b""  # a writer is connected and has not written yet: read it blocking
    if data:
        return data
    # no writer (a read at EOF): wait for one to connect and write, or to connect and close
    ready, _, _ = select.select([fd], [], [], wait)
    if not ready:
        raise NoWriter(f"{path}: a named pipe that nothing wrote to within {wait:g} s")
    try:
        return os.read(fd, 1 << 16)
    except BlockingIOError:
        return b""
