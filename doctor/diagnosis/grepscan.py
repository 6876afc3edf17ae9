"""Big logs, from a file or a pipe: grep finds the candidate lines, Python matches them.

In pure Python the cost of a big log is finding the anchor fragments (one memchr pass per
anchor). grep finds all of them in one pass in C, so once a log has passed MIN_BYTES, grep
lists the lines that hold a key (`grep -n -b`: each with its number and byte offset), they go
to the same Scanner.consider as the Python scanner's lines do, and the few lines a hit needs
around it are read from the log by offset (filelines); both give the same Scan (tests
compare them). Without grep (or with PYO3_DOCTOR_NO_GREP set) the Python scanner reads all.

A pipe goes through this process on its way to grep, so that binary input is refused, UTF-16
transcoded, and every line cut at MAX_LINE bytes before grep sees it (GNU grep holds a whole
line in memory, and a 1 GB line would cost 1 GB); what was fed is kept in a ring for the
context. A regular file on Linux skips the trip: grep reads it itself (started by
pyo3_doctor.diagnosis.early, as early as launch when it can), in an address space capped at
early.GREP_MEMORY, so that a long line makes it fail fast with "memory exhausted" instead of
growing; the log is then read again the first way, which cuts lines. Only a plain UTF-8 file
goes direct: UTF-16, a byte-order mark and CR-only line ends need the first way's work.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from pyo3_doctor.diagnosis import early
from pyo3_doctor.diagnosis.anchors import key_ere
from pyo3_doctor.diagnosis.early import MIN_BYTES
from pyo3_doctor.diagnosis.filelines import FedSource, FileLines, FileSource
from pyo3_doctor.diagnosis.matcher import (
    AFTER,
    BEFORE,
    BLOCK,
    MAX_LINE,
    Matcher,
    Scan,
    Scanner,
    _blocks,
    _decode,
)
from pyo3_doctor.system.proc import finish, spawn, which

BATCH = 2048  # listed lines read at once
NEEDLE_GROUP = 32  # matched lines whose needles are looked for at once


def scan(matcher: Matcher, stream: BinaryIO, min_bytes: int = MIN_BYTES) -> Scan:
    """One pass over the log (raises BinaryInput): grep's once it is big, else Python's."""
    grep = None if os.environ.get("PYO3_DOCTOR_NO_GREP") else which("grep", os.environ)
    fd = _plain_file(stream, min_bytes) if grep else None
    if grep and fd is not None:
        found = _Grepped(matcher).run_file(grep, fd)
        if found is not None:
            return found
        stream.seek(0)  # grep gave up (a line too long for its memory cap): cut lines here
    blocks = _blocks(stream)
    head: list[bytes] = []
    size = 0
    for block in blocks:
        head.append(block)
        size += len(block)
        if size >= min_bytes:
            break
    else:  # the whole log is read already: small, Python scans it
        return Scanner(matcher).run_blocks(head)
    rest = _joined(head, blocks)
    if grep is None:
        return Scanner(matcher).run_blocks(rest)
    return _Grepped(matcher).run(grep, rest)


def _plain_file(stream: BinaryIO, min_bytes: int) -> int | None:
    """The descriptor of a log grep can read itself (early.direct_file), else None."""
    try:
        fd = stream.fileno()
        at_start = stream.tell() == 0
    except (OSError, AttributeError, ValueError):  # not a file (a pipe, a test's BytesIO)
        return None
    return fd if at_start and early.direct_file(fd, min_bytes) else None


def _count_lines(fd: int) -> Callable[[], int]:
    """The file's line count as the Python scanner counts it (an unended last line too), from
    `wc -l` on a descriptor of its own (Linux's /proc/self/fd) while grep reads the file."""
    size = os.fstat(fd).st_size
    unended = int(size > 0 and os.pread(fd, 1, size - 1) != b"\n")
    try:
        own = os.open(f"/proc/self/fd/{fd}", os.O_RDONLY)
    except OSError:
        own = None
    proc = spawn(["wc", "-l"], early.c_locale(), stdin_fd=own) if own is not None else None
    if own is not None:
        os.close(own)

    def counted() -> int:
        digits = b""
        if proc is not None and hasattr(proc, "pid"):
            try:
                digits = proc.stdout.read(64).strip()  # type: ignore[union-attr]
            finally:
                finish(proc)  # type: ignore[arg-type]
        return (int(digits) if digits.isdigit() else _counted_here(fd)) + unended

    return counted


def _counted_here(fd: int) -> int:
    lines, offset = 0, 0
    while block := os.pread(fd, BLOCK, offset):
        lines += block.count(b"\n")
        offset += len(block)
    return lines


def _joined(head: list[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    yield from head
    yield from rest


class _Feeder(threading.Thread):
    """Writes the log to grep's stdin, each line cut at MAX_LINE bytes, then `end`: a line
    grep lists (it holds a key), whose number tells how many lines the log has, which costs
    less than counting them here."""

    def __init__(
        self, blocks: Iterable[bytes], sink: BinaryIO, end: bytes, kept: FedSource
    ) -> None:
        super().__init__(daemon=True, name="grep-feed")
        self.blocks, self.sink, self.end, self.kept = blocks, sink, end, kept
        self.truncated = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._feed()
        except BaseException as exc:  # BinaryInput midway, a read error, grep gone
            self.error = exc
        finally:
            self.kept.close()
            with contextlib.suppress(OSError):
                self.sink.close()

    def _feed(self) -> None:
        tail, skipping = b"", False  # an unfinished line; inside a cut line's rest
        for block in self.blocks:
            if skipping:
                nl = block.find(b"\n")
                if nl < 0:
                    continue
                block, skipping = block[nl + 1 :], False
            buf = tail + block if tail else block
            out, start = [], 0
            while True:  # jump from line start to the last newline within MAX_LINE bytes
                last = buf.rfind(b"\n", start, start + MAX_LINE + 1)
                if last >= 0:
                    start = last + 1
                    continue
                if len(buf) - start <= MAX_LINE:
                    break
                out.append(buf[: start + MAX_LINE] + b"\n")  # cut: the rest is skipped
                self.truncated += 1
                nl = buf.find(b"\n", start + MAX_LINE)
                if nl < 0:
                    buf, start, skipping = b"", 0, True
                    break
                buf, start = buf[nl + 1 :], 0
            out.append(buf[:start])
            tail = buf[start:]
            self._write(b"".join(out))
        if tail:
            self._write(tail + b"\n")
        self.kept.close()  # the log ends here; the end line is grep's alone
        self.sink.write(self.end + b"\n")

    def _write(self, data: bytes) -> None:
        self.kept.append(data)  # first: what grep lists, the reader finds kept
        self.sink.write(data)


class _Grepped(Scanner):
    def args(self) -> tuple[str, ...]:
        """grep's arguments: the lines holding a key, each with its number and byte offset
        (what a hit needs around it is read from the log, filelines)."""
        args = ("-n", "-b", "-a", "-i", "-E", "--", key_ere(self.m.line_keys))
        early.store_args(args)  # for the next run's early start
        return args

    def run_file(self, grep: str, fd: int) -> Scan | None:
        """grep reading the file itself (started early when it could be); None when it failed
        (out of memory on a long line)."""
        argv = early.capped(grep, self.args())
        counting = _count_lines(fd)
        proc = early.take(fd, argv)
        if proc is None:
            os.lseek(fd, 0, os.SEEK_SET)
            proc = spawn(argv, early.c_locale(), stdin_fd=fd)  # type: ignore[assignment]
        if not hasattr(proc, "pid"):
            counting()
            return None
        try:
            last = self._matched(proc.stdout, FileLines(FileSource(fd)))  # type: ignore[union-attr]
        finally:
            code = finish(proc, grace=5.0)  # type: ignore[arg-type]
            lines = counting()
        return self.result(max(last, lines)) if code in (0, 1) else None

    def _matched(self, listing: BinaryIO, file: FileLines, end: bytes | None = None) -> int:
        """Read grep's `N:offset:line` listing of the log, reading what a hit needs around
        it from the log; returns the number of the last line considered, or the log's line
        count: the number before the `end` line's, where the log was given one."""
        last = 0
        for batch in _batches(listing):
            # every listed line holds a key, and a batch of them most needles: narrowing in
            # small groups keeps the needles each line is searched for few
            for group in (
                batch[at : at + NEEDLE_GROUP] for at in range(0, len(batch), NEEDLE_GROUP)
            ):
                needles = self.m.needles_in(b"\n".join(raw for _, _, raw, _ in group))
                for number, offset, raw, whole in group:
                    if raw == end:
                        return number - 1
                    if number > last:  # not the line after a "Caused by:", considered already
                        last = self._from_file(file, number, offset, raw, whole, needles)
        return last

    def _from_file(
        self, file: FileLines, number: int, offset: int, raw: bytes, whole: bool, needles
    ) -> int:
        """Consider a listed line, and the line after each that ends in ":" ("Caused by:")."""
        while True:
            end = offset + len(raw) + 1 if whole else file.line_at(offset)[1]
            following = file.line_at(end, 512)[0] if file.has(end) else b""
            hits = self.consider(
                raw[:MAX_LINE].decode("utf-8", "replace"),
                number,
                lambda n=number, o=offset: _before(file, n, o),
                needles,
                following.decode("utf-8", "replace"),
            )
            if hits:
                after = _numbered(number + 1, file.lines_after(end, AFTER))
                for hit in hits:
                    hit.after = list(after)
            if not raw.rstrip(b"\r").endswith(b":") or not file.has(end):
                return number
            raw, _ = file.line_at(end)
            number, offset, whole, needles = number + 1, end, False, None

    def run(self, grep: str, blocks: Iterable[bytes]) -> Scan:  # type: ignore[override]
        proc = spawn((grep, *self.args()), early.c_locale(), stdin_pipe=True)  # lines are cut
        if not hasattr(proc, "pid"):  # grep could not start: Python reads it all
            return Scanner(self.m).run_blocks(blocks)
        # unguessable, so that no log can end itself early; "error" makes grep list it
        end = f"pyo3-doctor {os.urandom(16).hex()} end of the log, no error".encode()
        kept = FedSource()
        feeder = _Feeder(blocks, proc.stdin, end, kept)  # type: ignore[union-attr]
        feeder.start()
        try:
            lines = self._matched(proc.stdout, FileLines(kept), end)  # type: ignore[union-attr]
        finally:
            finish(proc, grace=5.0)
            feeder.join()
        if feeder.error is not None and not isinstance(feeder.error, BrokenPipeError):
            raise feeder.error
        self.truncated += feeder.truncated
        return self.result(lines)


_AT = re.compile(rb"(\d+):(\d+):")  # grep -n -b: line number and byte offset


def _batches(listing: BinaryIO) -> Iterator[list[tuple[int, int, bytes, bool]]]:
    """grep's `-n -b` output in batches of (line number, byte offset, text, whether whole).
    A line longer than MAX_LINE is cut, its rest skipped (grep reading a file lists it
    whole)."""
    batch: list[tuple[int, int, bytes, bool]] = []
    rest_of_line = False
    for raw in iter(lambda: listing.readline(MAX_LINE + 64), b""):
        whole = raw.endswith(b"\n")
        if rest_of_line:
            rest_of_line = not whole
            continue
        rest_of_line = not whole
        listed = _AT.match(raw)
        if listed is not None:
            batch.append((int(listed[1]), int(listed[2]), raw[listed.end() :].rstrip(b"\n"), whole))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _before(file: FileLines, number: int, offset: int) -> list[tuple[int, str]]:
    lines = file.lines_before(offset, BEFORE)
    return _numbered(number - len(lines), lines)


def _numbered(first: int, lines: list[bytes]) -> list[tuple[int, str]]:
    """Lines numbered from `first`, decoded as the scanners show them; none before line 1."""
    start = first if first >= 1 else 1
    return [(first + i, _decode(raw)) for i, raw in enumerate(lines) if first + i >= start]


__all__ = ["BLOCK", "MIN_BYTES", "scan"]
