"""Lines around a byte offset of a log file, read with pread: the context of grep's matches.

When grep reads a big log file itself, it lists only the lines that hold a key, each with
its number and byte offset; the few lines a hit or a fact needs around it are read here, on
demand, instead of having grep list every line around every match. Every read is bounded:
a line is cut at MAX_LINE bytes, and a line longer than that is skipped a block at a time.
"""

from __future__ import annotations

import os

from pyo3_doctor.diagnosis.matcher import MAX_LINE

_STEP = 1 << 16  # how far one read looks


class FileLines:
    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.size = os.fstat(fd).st_size

    def line_at(self, offset: int, limit: int = MAX_LINE) -> tuple[bytes, int]:
        """The line starting at `offset`, cut at `limit` bytes and without its newline, and
        where the next line starts."""
        data = os.pread(self.fd, limit + 1, offset)
        nl = data.find(b"\n")
        if nl >= 0:
            return data[:nl], offset + nl + 1
        return data[:limit], self._end_of_line(offset + len(data))

    def _end_of_line(self, offset: int) -> int:
        while offset < self.size:
            data = os.pread(self.fd, _STEP, offset)
            if not data:
                break
            nl = data.find(b"\n")
            if nl >= 0:
                return offset + nl + 1
            offset += len(data)
        return self.size

    def lines_after(self, offset: int, count: int) -> list[bytes]:
        """Up to `count` lines starting at `offset` (the start of a line)."""
        lines = []
        while len(lines) < count and offset < self.size:
            line, offset = self.line_at(offset)
            lines.append(line)
        return lines

    def lines_before(self, offset: int, count: int) -> list[bytes]:
        """Up to `count` lines ending just before `offset` (the start of a line), oldest
        first. A line longer than MAX_LINE before them shows as its last MAX_LINE bytes."""
        for reach in (512 * count, count * (MAX_LINE + 1)):  # short lines first: cheap
            start = max(0, offset - reach)
            window = os.pread(self.fd, offset - start, start) if offset > start else b""
            pieces = window[:-1].split(b"\n") if window.endswith(b"\n") else window.split(b"\n")
            if start == 0 or len(pieces) > count:  # the oldest piece is whole, or not needed
                break
        if not window:
            return []
        return [line[:MAX_LINE] for line in pieces[-count:]]
