"""Lines around a byte offset of a log, read on demand: the context of grep's matches.

grep lists only the lines that hold a key, each with its number and byte offset; the few
lines a hit or a fact needs around it are read here instead of having grep list every line
around every match. The log is a file (read with pread) or the stream this process feeds
grep (kept in a ring of its last RING_BYTES, which grep cannot fall far behind: only its pipe
and its buffer lie between them). Every read is bounded: a line is cut at MAX_LINE bytes,
and a line longer than that is skipped a block at a time.
"""

# (FedSource.pread may return fewer bytes than asked once a line end is there: every reader
# here looks for the line end first.)

from __future__ import annotations

import os
import threading
from collections import deque

from pyo3_doctor.diagnosis.matcher import MAX_LINE

_STEP = 1 << 16  # how far one read looks
RING_BYTES = 16 << 20  # what the fed stream keeps behind it: grep lags by a pipe and a buffer


class FileSource:
    """A regular file's bytes, by offset."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def pread(self, size: int, offset: int) -> bytes:
        return os.pread(self.fd, size, offset)


class FedSource:
    """The bytes this process feeds grep, by offset in what was fed: appended before grep is
    given them, so whatever grep lists is here (unless RING_BYTES behind, then read as
    gone); a read past what was fed waits for it, or for the end."""

    def __init__(self) -> None:
        self._chunks: deque[tuple[int, bytes]] = deque()
        self._kept = self._fed = 0
        self._done = False
        self._more = threading.Condition()

    def append(self, data: bytes) -> None:
        with self._more:
            self._chunks.append((self._fed, data))
            self._fed += len(data)
            self._kept += len(data)
            while self._kept - len(self._chunks[0][1]) >= RING_BYTES:
                self._kept -= len(self._chunks.popleft()[1])
            self._more.notify_all()

    def close(self) -> None:
        with self._more:
            self._done = True
            self._more.notify_all()

    def pread(self, size: int, offset: int) -> bytes:
        """Up to `size` bytes at `offset`: once that many were fed, or a line end after
        `offset` was (a reader wants lines: no need to wait for more than one), or the end."""
        with self._more:
            while self._fed < offset + size and not self._done:
                if self._fed > offset and b"\n" in self._slice(offset, self._fed):
                    break
                self._more.wait()
            return self._slice(offset, offset + size)

    def _slice(self, start: int, end: int) -> bytes:
        parts = []
        for at, data in self._chunks:
            if at + len(data) <= start:
                continue
            if at >= end:
                break
            parts.append(data[max(0, start - at) : end - at])
        return b"".join(parts)


class FileLines:
    def __init__(self, source: FileSource | FedSource) -> None:
        self.source = source

    def has(self, offset: int) -> bool:
        """Whether the log goes on at `offset`."""
        return bool(self.source.pread(1, offset))

    def line_at(self, offset: int, limit: int = MAX_LINE) -> tuple[bytes, int]:
        """The line starting at `offset`, cut at `limit` bytes and without its newline, and
        where the next line starts."""
        data = self.source.pread(limit + 1, offset)
        nl = data.find(b"\n")
        if nl >= 0:
            return data[:nl], offset + nl + 1
        return data[:limit], self._end_of_line(offset + len(data))

    def _end_of_line(self, offset: int) -> int:
        while True:
            data = self.source.pread(_STEP, offset)
            if not data:
                return offset
            nl = data.find(b"\n")
            if nl >= 0:
                return offset + nl + 1
            offset += len(data)

    def lines_after(self, offset: int, count: int) -> list[bytes]:
        """Up to `count` lines starting at `offset` (the start of a line)."""
        lines = []
        while len(lines) < count and self.has(offset):
            line, offset = self.line_at(offset)
            lines.append(line)
        return lines

    def lines_before(self, offset: int, count: int) -> list[bytes]:
        """Up to `count` lines ending just before `offset` (the start of a line), oldest
        first. A line longer than MAX_LINE before them shows as its last MAX_LINE bytes."""
        window = b""
        for reach in (512 * count, count * (MAX_LINE + 1)):  # short lines first: cheap
            start = max(0, offset - reach)
            window = self.source.pread(offset - start, start) if offset > start else b""
            pieces = window[:-1].split(b"\n") if window.endswith(b"\n") else window.split(b"\n")
            if start == 0 or len(pieces) > count:  # the oldest piece is whole, or not needed
                break
        if not window:
            return []
        return [line[:MAX_LINE] for line in pieces[-count:]]
