"""Large log files: let grep find the candidate lines, then match them as usual.

In pure Python the cost of a big log is finding the anchor fragments (one memchr pass per
anchor over the whole file). grep finds all of them in a single pass in C, so for a
regular file of some size, with grep on PATH, grep lists the candidate lines with their
numbers and byte offsets and the same `Scanner.consider` matches them; the few lines of
context a hit needs are read back with a seek. Anything unusual (a pipe, UTF-16, grep
missing or failing) goes the pure-Python way, which gives the same Scan (tests compare them).
"""

from __future__ import annotations

import codecs
from typing import BinaryIO

from pyo3_doctor.diagnosis.anchors import MIN_BYTES, grep_command
from pyo3_doctor.diagnosis.matcher import (
    AFTER,
    BEFORE,
    BLOCK,
    MAX_LINE,
    Matcher,
    Scan,
    Scanner,
    _decode,
    refuse_binary,
)
from pyo3_doctor.model import Evidence
from pyo3_doctor.system.proc import discard, finish, spawn

WINDOW = 16 * 1024  # bytes read around a hit for its context lines
BATCH = 2048  # listed lines whose needles are looked for at once


def grep_scan(matcher: Matcher, stream: BinaryIO, min_bytes: int = MIN_BYTES) -> Scan | None:
    """The scan of `stream` done with grep, or None when it has to be done in Python."""
    path = getattr(stream, "name", None)
    command = grep_command(path, min_bytes) if isinstance(path, str) else None
    if command is None:
        return None
    try:
        if stream.tell():
            raise ValueError("not read from the start")
        head = stream.read(BLOCK)  # the block the Python scanner would judge
        stream.seek(0)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise ValueError("UTF-16: the Python scanner transcodes it")
        refuse_binary(head)
    except (OSError, ValueError):
        discard(
            *command
        )  # a grep started early (pyo3_doctor.diagnosis.anchors.start_grep) is not needed
        return None
    except BaseException:
        discard(*command)
        raise
    proc = spawn(*command)
    if isinstance(proc, Evidence):
        return None
    try:
        with open(path, "rb") as log:
            scan = _Grepped(matcher, log).run(proc.stdout)  # type: ignore[arg-type]
    except BaseException:
        finish(proc)
        raise
    # grep's output was read to its end: it is exiting; 0 and 1 are "found" and "not found"
    return scan if finish(proc, grace=5.0) in (0, 1) else None


class _Grepped(Scanner):
    def __init__(self, matcher: Matcher, log: BinaryIO) -> None:
        super().__init__(matcher)
        self.log = log

    def run(self, listing: BinaryIO) -> Scan:  # type: ignore[override]
        done = 0  # the last line number handled (a "Caused by:" line pulls in the next one)
        while True:
            batch = self._batch(listing)
            if not batch:
                break
            needles = self.m.needles_in(b"\n".join(text for _, _, text, _ in batch))
            for number, offset, text, whole in batch:
                if number > done:
                    done = self._handle(number, offset, text, whole, needles)
        return self.result(done)

    def _batch(self, listing: BinaryIO) -> list[tuple[int, int, bytes, bool]]:
        """The next BATCH lines grep listed: (number, byte offset, text, whole)."""
        batch: list[tuple[int, int, bytes, bool]] = []
        while len(batch) < BATCH:
            raw = listing.readline(MAX_LINE + 64)
            if not raw:
                break
            whole = raw.endswith(b"\n")
            rest = raw
            while rest and not rest.endswith(b"\n"):
                rest = listing.readline(1 << 20)  # the rest of an over-long line: skipped
            if not whole:
                self.truncated += 1
            try:
                number, offset, text = _fields(raw if whole else raw + b"\n")
            except ValueError:
                continue
            batch.append((number, offset, text.rstrip(b"\n"), whole))
        return batch

    def _handle(
        self, number: int, offset: int, line: bytes, whole: bool, needles: tuple[str, ...]
    ) -> int:
        self._one(number, offset, line, whole, needles)
        # "Caused by:" and "panicked at src/x.rs:1:2:" put the message on the next line
        if whole and line.rstrip(b"\r").endswith(b":"):
            nxt = self._read_line(offset + len(line) + 1)
            if nxt is not None:  # not in the batch: every needle may be there
                self._one(number + 1, offset + len(line) + 1, nxt, True, None)
                return number + 1
        return number

    def _one(
        self, number: int, offset: int, line: bytes, whole: bool, needles: tuple[str, ...] | None
    ) -> None:
        text = line[:MAX_LINE].decode("utf-8", "replace")
        hits = self.consider(text, number, lambda: self._before(offset, number), needles)
        for hit in hits:
            # after an over-long line the next line's offset is unknown: no context after
            hit.after = self._after(offset + len(line) + 1, number) if whole else []

    def _read_line(self, offset: int) -> bytes | None:
        self.log.seek(offset)
        line = self.log.readline(MAX_LINE)
        return line.rstrip(b"\n") if line else None

    def _before(self, offset: int, number: int) -> list[tuple[int, str]]:
        start = max(0, offset - WINDOW)
        while True:
            self.log.seek(start)
            chunk = self.log.read(offset - start)
            # enough whole lines, or the start of the file, or further back than any line
            # worth showing: then stop widening the window
            if start == 0 or chunk.count(b"\n") > BEFORE or offset - start >= 4 * MAX_LINE:
                break
            start = max(0, offset - 2 * (offset - start))
        pieces = chunk.split(b"\n")[:-1] if chunk.endswith(b"\n") else chunk.split(b"\n")
        if start > 0:
            pieces = pieces[1:]  # the first piece may be the tail of a longer line
        kept = pieces[-BEFORE:]
        first = number - len(kept)
        return [(first + i, _decode(p)) for i, p in enumerate(kept) if first + i >= 1]

    def _after(self, offset: int, number: int) -> list[tuple[int, str]]:
        self.log.seek(offset)
        lines = []
        for i in range(AFTER):
            raw = self.log.readline(MAX_LINE)
            if not raw:
                break
            lines.append((number + i + 1, _decode(raw.rstrip(b"\n"))))
            while raw and not raw.endswith(b"\n"):  # skip the rest of an over-long line
                raw = self.log.readline(1 << 20)
        return lines


def _fields(raw: bytes) -> tuple[int, int, bytes]:
    first = raw.index(b":")
    second = raw.index(b":", first + 1)
    return int(raw[:first]), int(raw[first + 1 : second]), raw[second + 1 :]
