"""`pyo3-doctor run -- COMMAND ...`: run a build command as usual, and when it fails, say why.

The command's output passes through live and unchanged (stdout to stdout, stderr to stderr;
on a terminal the usual variables ask cargo, maturin and pip for colour; with `--json` or
another machine-read `--format` its stdout goes to stderr, so ours carries the report
alone), its stdin is ours, and its exit code is ours. The same bytes stream into the log
scanner (whole lines from each stream, through a bounded queue, so memory stays flat
whatever the output). On failure the checks run, and a short diagnosis follows the output:
the root cause, the lines that show it, the fix. On success nothing is added, unless the
output names a cause at fail level that the checks here confirm (maturin's "Python will
fail to import this module" after a build that worked); the exit code is the command's
either way. `--fix` offers the fix (preview, confirmation) and then runs the command once
more. Ctrl-C reaches the command as it would without us; SIGTERM and SIGHUP are passed on
to it; either way it has GRACE to end before it and its children are killed, then we exit
128+n.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import BinaryIO

from pyo3_doctor.context import Context
from pyo3_doctor.exits import ExitCode

CHUNK = 64 * 1024
BACKLOG = 64  # chunks the scanner may lag behind the command before the command waits
COLOUR = {"CARGO_TERM_COLOR": "always", "CLICOLOR_FORCE": "1", "FORCE_COLOR": "1"}


class _Lines:
    """The command's output as one readable stream of whole lines (queue-fed); read() gives
    what has arrived, up to `size`, and b"" only when every stream has ended."""

    def __init__(self, feed: queue.Queue[bytes | None], writers: int) -> None:
        self._feed, self._open, self._left = feed, writers, b""

    def read(self, size: int = -1) -> bytes:
        while not self._left and self._open:
            chunk = self._feed.get()
            if chunk is None:
                self._open -= 1
            else:  # a test printing bytes is no reason to stop reading the build's output
                self._left = chunk.replace(b"\x00", b"")
        size = len(self._left) if size is None or size < 0 else size
        out, self._left = self._left[:size], self._left[size:]
        return out


def _pump(source: BinaryIO, sink: BinaryIO, feed: queue.Queue[bytes | None]) -> None:
    """Copy one of the command's streams to ours as it comes, and its whole lines to the
    scanner (a line split across reads is held until its end arrives)."""
    carry = b""
    try:
        while chunk := source.read1(CHUNK) if hasattr(source, "read1") else source.read(CHUNK):
            try:
                sink.write(chunk)
                sink.flush()
            except (OSError, ValueError):  # our own output closed: the command goes on
                pass
            carry += chunk
            cut = carry.rfind(b"\n") + 1
            if cut:
                feed.put(carry[:cut])
                carry = carry[cut:]
            if len(carry) > CHUNK:  # an endless line: the scanner cuts it anyway
                feed.put(carry + b"\n")
                carry = b""
    finally:
        if carry:
            feed.put(carry + b"\n")
        feed.put(None)


def _start(command: Sequence[str], colour: bool) -> subprocess.Popen[bytes]:
    env = {**os.environ, **(COLOUR if colour else {})}
    return subprocess.Popen(list(command), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def run_once(command: Sequence[str], as_json: bool):  # -> (exit code, matcher.Scan)
    from pyo3_doctor.diagnosis.diagnose import matcher, scan_log

    colour = not as_json and sys.stdout.isatty()
    try:
        proc = _start(command, colour)
    except OSError as exc:
        return _not_started(command, exc)
    feed: queue.Queue[bytes | None] = queue.Queue(maxsize=BACKLOG)
    # with --json our stdout carries the report alone: the command's stdout goes to stderr
    out_sink = sys.stderr.buffer if as_json else sys.stdout.buffer
    pumps = [
        threading.Thread(target=_pump, args=(proc.stdout, out_sink, feed), daemon=True),
        threading.Thread(target=_pump, args=(proc.stderr, sys.stderr.buffer, feed), daemon=True),
    ]
    for pump in pumps:
        pump.start()
    from pyo3_doctor.diagnosis.matcher import BinaryInput

    lines = _Lines(feed, len(pumps))
    try:
        try:
            scan = scan_log(matcher(), lines)  # type: ignore[arg-type]
        except BinaryInput:  # nothing to read in it, but it still passes through to its end
            while lines.read(CHUNK):
                pass
            scan = None
        code = proc.wait()
    except KeyboardInterrupt as exc:  # the terminal's Ctrl-C reached the command too
        _end(proc, getattr(exc, "signum", None))
        raise
    for pump in pumps:
        pump.join(timeout=1)
    return code, scan


GRACE = 0.35  # seconds the command has to end on the signal before it is killed


def _end(proc: subprocess.Popen[bytes], signum: int | None) -> None:
    """End the command within GRACE: pass SIGTERM/SIGHUP on (Ctrl-C reached it from the
    terminal), then kill what is left, its own children included (a shell that ignores the
    signal leaves its `sleep` or `cargo` running otherwise)."""
    if signum is not None:
        with contextlib.suppress(OSError):
            proc.send_signal(signum)
    try:
        proc.wait(timeout=GRACE)
        return
    except subprocess.TimeoutExpired:
        pass
    for pid in (*_descendants(proc.pid), proc.pid):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=GRACE)


def _descendants(root: int) -> list[int]:
    """Every process below `root`, read from /proc (Linux); elsewhere none is known."""
    children: dict[int, list[int]] = {}
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    with open(f"/proc/{entry.name}/stat", "rb") as fh:
                        stat = fh.read(4096)
                    ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
                    children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo and len(found) < 10_000:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


def _not_started(command: Sequence[str], exc: OSError):  # -> (exit code, matcher.Scan)
    """A command that could not start is diagnosed as a shell would report it, with the
    shell's exit code: 127 for a program not found, 126 for one that cannot be run."""
    import io

    from pyo3_doctor.diagnosis.diagnose import matcher, scan_log
    from pyo3_doctor.textsafe import clean

    name = clean(command[0])
    missing = isinstance(exc, FileNotFoundError)
    said = f"{name}: command not found" if missing else f"{name}: {exc.strerror or exc}"
    sys.stderr.write(f"pyo3-doctor: {said}\n")
    return (127 if missing else 126), scan_log(matcher(), io.BytesIO(f"{said}\n".encode()))


def _fails(report, at_least: str) -> bool:
    """A cause at fail level, as sure as asked: "high" also takes one a check here confirms."""
    from pyo3_doctor.model import Severity

    confirmed = {d.id for r in report.probes for d in r.detected}
    sure = ("high",) if at_least == "high" else ("high", "medium")
    return any(
        f.severity is Severity.FAIL and (f.confidence in sure or f.id in confirmed)
        for f in report.findings
    )


def run_command(args: argparse.Namespace, ctx: Context, usage_error: type[Exception]) -> int:
    from pyo3_doctor import render
    from pyo3_doctor.diagnosis.diagnose import build
    from pyo3_doctor.engine import run_probes
    from pyo3_doctor.probes import BY_ID

    command = list(args.run_argv or [])
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        raise usage_error("run needs a command: pyo3-doctor run -- maturin develop")
    # a machine-read format (json, github, junit, sarif) has stdout to itself: the command's
    # stdout goes to stderr, and no banner is written
    as_json = args.format != "text"
    code, scan = run_once(command, as_json)
    if scan is None:  # the command printed binary: passed through, nothing to read
        sys.stderr.write("pyo3-doctor: the command's output is not text; nothing to diagnose\n")
        return code
    if code == 0 and not _fails(build(scan, [], ctx), "medium"):
        return 0  # success, and nothing in its output that will fail later: nothing added
    report = build(scan, list(run_probes(tuple(BY_ID.values()), ctx)), ctx, live=True)
    if code == 0 and not _fails(report, "high"):
        return 0  # what the output hinted at, the checks here do not confirm
    # a failure, or a success whose output names what fails next, confirmed here (maturin's
    # "Python will fail to import this module" after a build that worked)
    sys.stderr.flush()
    options = render.Options(kind="diagnose", error_lines=scan.error_lines)
    if not as_json:
        said = f"exited {code}" if code else "succeeded, but its output names a problem"
        sys.stdout.write(f"\n--- pyo3-doctor: `{shlex.join(command)}` {said} ---\n")
    render.write(args.format, report, options)
    sys.stdout.flush()
    if args.fix and report.findings and report.findings[0].fixes:
        from pyo3_doctor.cli.fix import _fix_one

        fixed = _fix_one(args, ctx, report.findings[0], usage_error)
        if fixed == ExitCode.OK:
            sys.stderr.write(f"pyo3-doctor: running `{shlex.join(command)}` again\n")
            code, _scan = run_once(command, as_json)
    return code
