"""Big logs, from a file or a pipe: grep finds the candidate lines, Python matches them.

In pure Python the cost of a big log is finding the anchor fragments (one memchr pass per
anchor). grep finds all of them in one pass in C, so once a log has passed MIN_BYTES, the log
is fed to `grep -n -B3 -A2` through a pipe and grep's listing (each anchored line with its
number and the lines around it) goes to the same Scanner.consider as the Python scanner's
lines do; both give the same Scan (tests compare them). The log goes through this process on
its way to grep, so that a file and standard input are read the same way, binary input is
refused, UTF-16 transcoded, and every line is cut at MAX_LINE bytes before grep sees it: GNU
grep holds a whole line in memory, and a 1 GB line would cost 1 GB. Without grep (or with
PYO3_DOCTOR_NO_GREP set) the Python scanner reads everything.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from pyo3_doctor.diagnosis.anchors import key_ere
from pyo3_doctor.diagnosis.matcher import (
    AFTER,
    BEFORE,
    BLOCK,
    MAX_LINE,
    Hit,
    Matcher,
    Scan,
    Scanner,
    _blocks,
    _decode,
)
from pyo3_doctor.system.proc import finish, spawn, which

MIN_BYTES = 1 << 20  # below this a grep child costs more than it saves
BATCH = 2048  # listed lines whose needles are looked for at once


def scan(matcher: Matcher, stream: BinaryIO, min_bytes: int = MIN_BYTES) -> Scan:
    """One pass over the log (raises BinaryInput): grep's once it is big, else Python's."""
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
    grep = None if os.environ.get("PYO3_DOCTOR_NO_GREP") else which("grep", os.environ)
    rest = _joined(head, blocks)
    if grep is None:
        return Scanner(matcher).run_blocks(rest)
    return _Grepped(matcher).run(grep, rest)


def _joined(head: list[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    yield from head
    yield from rest


class _Feeder(threading.Thread):
    """Writes the log to grep's stdin, each line cut at MAX_LINE bytes; counts lines."""

    def __init__(self, blocks: Iterable[bytes], sink: BinaryIO) -> None:
        super().__init__(daemon=True, name="grep-feed")
        self.blocks, self.sink = blocks, sink
        self.lines = self.truncated = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._feed()
        except BaseException as exc:  # BinaryInput midway, a read error, grep gone
            self.error = exc
        finally:
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
            data = b"".join(out)
            self.lines += data.count(b"\n")
            self.sink.write(data)
        if tail:
            self.sink.write(tail + b"\n")
            self.lines += 1


class _Grepped(Scanner):
    def run(self, grep: str, blocks: Iterable[bytes]) -> Scan:  # type: ignore[override]
        env = {**os.environ, "LC_ALL": "C"}  # bytes, not characters: faster, never "invalid"
        # one line more after: the line after a "Caused by:" is a candidate with lines after it too
        argv = [
            grep,
            "-n",
            "-a",
            "-i",
            "-E",
            f"-B{BEFORE}",
            f"-A{AFTER + 1}",
            "--",
            key_ere(self.m.line_keys),
        ]
        proc = spawn(argv, env, stdin_pipe=True)
        if not hasattr(proc, "pid"):  # grep could not start: Python reads it all
            return Scanner(self.m).run_blocks(blocks)
        feeder = _Feeder(blocks, proc.stdin)  # type: ignore[union-attr]
        feeder.start()
        try:
            self._listing(proc.stdout)  # type: ignore[union-attr]
        finally:
            finish(proc, grace=5.0)
            feeder.join()
        if feeder.error is not None and not isinstance(feeder.error, BrokenPipeError):
            raise feeder.error
        self.truncated += feeder.truncated
        return self.result(feeder.lines)

    def _listing(self, listing: BinaryIO) -> None:
        """Read grep's output: `N:line` for an anchored line, `N-line` around it, `--`
        between groups; keep the lines before each, fill in the lines after each hit."""
        before: deque[tuple[int, str]] = deque(maxlen=BEFORE)
        waiting: list[Hit] = []  # hits still short of their lines after
        follow = 0  # the line after one ending in ":" ("Caused by:") is a candidate too
        for batch in _batches(listing):
            texts = [text for _, anchored, text in batch if anchored]
            needles = self.m.needles_in(b"\n".join(texts))
            for at, (number, anchored, raw) in enumerate(batch):
                if number < 0:  # a gap between groups
                    before.clear()
                    waiting, follow = [], 0
                    continue
                text = _decode(raw)
                if waiting:
                    for hit in waiting:
                        hit.after.append((number, text))
                    waiting = [h for h in waiting if len(h.after) < AFTER]
                if anchored or number == follow:
                    line = raw.decode("utf-8", "replace")
                    lines_before = list(before)
                    nxt = batch[at + 1] if at + 1 < len(batch) else (-1, False, b"")
                    following = (
                        nxt[2][:512].decode("utf-8", "replace") if nxt[0] == number + 1 else ""
                    )
                    hits = self.consider(
                        line,
                        number,
                        lambda lb=lines_before: lb,
                        needles if anchored else None,
                        following,
                    )
                    waiting += hits
                    follow = number + 1 if raw.rstrip(b"\r").endswith(b":") else 0
                before.append((number, text))


def _batches(listing: BinaryIO) -> Iterator[list[tuple[int, bool, bytes]]]:
    """grep's output in batches of (line number, anchored, text); a gap is number -1."""
    batch: list[tuple[int, bool, bytes]] = []
    for raw in iter(lambda: listing.readline(MAX_LINE + 64), b""):
        raw = raw.rstrip(b"\n")
        if raw == b"--":
            batch.append((-1, False, b""))
        else:
            cut = 0
            while cut < len(raw) and 48 <= raw[cut] <= 57:
                cut += 1
            if 0 < cut < len(raw) and raw[cut] in (58, 45):  # ":" anchored, "-" context
                batch.append((int(raw[:cut]), raw[cut] == 58, raw[cut + 1 :]))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


__all__ = ["BLOCK", "MIN_BYTES", "scan"]
