"""The one place that starts processes.

Every tool runs from an argv list (never a shell), with stdin closed, in its own session so
that a timeout or Ctrl-C kills the whole process group (`maturin` under `pip`, `rustc` under
`cargo`...). Output is capped and decoded with replacement: tools print garbage sometimes.
A probe's deadline is set per thread by the engine, so a tool never outlives its probe.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from doctor.model import Evidence

OUTPUT_CAP = 64 * 1024
DEFAULT_TIMEOUT = 10.0

_local = threading.local()
_live: set[subprocess.Popen[bytes]] = set()
_live_lock = threading.Lock()


def set_deadline(deadline: float | None) -> None:
    """Bound every tool this thread starts to `deadline` (a time.monotonic() value)."""
    _local.deadline = deadline


def _remaining(timeout: float | None) -> float:
    deadline = getattr(_local, "deadline", None)
    limit = timeout if timeout is not None else DEFAULT_TIMEOUT
    if deadline is not None:
        limit = min(limit, deadline - time.monotonic())
    return max(limit, 0.01)


def _evidence(
    argv: tuple[str, ...], exit_code: int | None, output: str, note: str = ""
) -> Evidence:
    # Imported here, not at the top: the CLI starts the first tools before the model (and the
    # dataclasses machinery under it) has loaded, to get them going sooner.
    from doctor.model import Evidence

    return Evidence(argv, exit_code, output, note=note)


def which(name: str, env: Mapping[str, str]) -> str | None:
    """Find `name` on the PATH of `env` (not of this process)."""
    return shutil.which(name, path=env.get("PATH", ""))


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        with contextlib.suppress(OSError):
            proc.kill()


def kill_all() -> None:
    """Kill every tool still running (on Ctrl-C or exit)."""
    with _live_lock:
        procs = list(_live)
    for proc in procs:
        _kill_group(proc)
    with _live_lock:
        _prestarted.clear()


def _start(
    argv: tuple[str, ...],
    env: Mapping[str, str],
    cwd: str | None,
    stdin_pipe: bool = False,
    pipe_bytes: int = 0,
) -> subprocess.Popen[bytes] | Evidence:
    """Start argv in its own session, or say why it could not start."""
    exe = argv[0] if os.sep in argv[0] else which(argv[0], env)
    if exe is None:
        return _evidence(argv, None, "", note=f"{argv[0]} not found on PATH")
    try:
        proc = subprocess.Popen(
            (exe, *argv[1:]),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.PIPE if stdin_pipe else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as exc:
        return _evidence(argv, None, "", note=f"could not start {argv[0]}: {exc.strerror or exc}")
    if pipe_bytes:
        _widen(proc, pipe_bytes)
    with _live_lock:
        _live.add(proc)
    return proc


def _widen(proc: subprocess.Popen[bytes], size: int) -> None:
    """Let a tool write `size` bytes ahead of its reader (Linux; elsewhere nothing changes)."""
    try:
        import fcntl

        fcntl.fcntl(proc.stdout.fileno(), fcntl.F_SETPIPE_SZ, size)  # type: ignore[union-attr]
    except (ImportError, AttributeError, OSError):
        pass


def spawn(
    argv: Sequence[str], env: Mapping[str, str], cwd: str | None = None
) -> subprocess.Popen[bytes] | Evidence:
    """Start a tool whose output the caller reads itself (stdout and stderr together), or take
    the one prestarted with the same argv; the caller must end with finish(). Evidence
    instead when it could not start."""
    argv = tuple(argv)
    with _live_lock:
        started = _prestarted.pop(_key(argv, env, cwd), None)
    return started if started is not None else _start(argv, env, cwd)


def finish(proc: subprocess.Popen[bytes], grace: float = 0.0) -> int:
    """End a spawned tool and return its exit code: it gets `grace` seconds to exit on its own
    (its output was read to the end), then it is killed with its group."""
    if grace:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
    _finish(proc)
    return proc.wait()


def _finish(proc: subprocess.Popen[bytes], close: bool = True) -> None:
    """Stop tracking a tool that is done, or kill it if it is not: an exception on the way out
    (Ctrl-C, a failing output callback) would otherwise leave it running in its own session,
    where the terminal's Ctrl-C never reaches it and kill_all no longer knows it."""
    if proc.poll() is None:
        _kill_group(proc)
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            proc.wait(timeout=1.0)
    if close and proc.stdout is not None:
        with contextlib.suppress(OSError):
            proc.stdout.close()
    with _live_lock:
        _live.discard(proc)


_prestarted: dict[tuple, subprocess.Popen[bytes] | Evidence] = {}


def _key(argv: tuple[str, ...], env: Mapping[str, str], cwd: str | None) -> tuple:
    return (argv, env.get("PATH", ""), cwd)


def prestart(
    argv: Sequence[str],
    env: Mapping[str, str],
    cwd: str | None = None,
    feed: bool = False,
    pipe_bytes: int = 0,
) -> None:
    """Start a tool now that a probe will ask for later, so start-up hides behind it.

    The probe's run_tool (or spawn) with the same argv, PATH and cwd collects it; one nobody
    collects is killed at exit with the rest (kill_all). With `feed`, its stdin stays open
    for one later feed() (a tool run directly reads an empty stdin instead). `pipe_bytes`
    lets a tool with much to say run ahead while its reader is still being imported.
    """
    argv = tuple(argv)
    key = _key(argv, env, cwd)
    with _live_lock:
        if key in _prestarted:
            return
    started = _start(argv, env, cwd, stdin_pipe=feed, pipe_bytes=pipe_bytes)
    with _live_lock:
        _prestarted[key] = started


def feed(argv: Sequence[str], env: Mapping[str, str], cwd: str | None, text: str) -> None:
    """Write `text` to a tool prestarted with `feed`, and close its stdin."""
    with _live_lock:
        proc = _prestarted.get(_key(tuple(argv), env, cwd))
    if isinstance(proc, subprocess.Popen):
        _close_stdin(proc, text.encode("utf-8", errors="replace"))


def discard(argv: Sequence[str], env: Mapping[str, str], cwd: str | None = None) -> None:
    """Kill a prestarted tool that turned out not to be needed."""
    with _live_lock:
        proc = _prestarted.pop(_key(tuple(argv), env, cwd), None)
    if isinstance(proc, subprocess.Popen):
        _finish(proc)


def _close_stdin(proc: subprocess.Popen[bytes], text: bytes = b"") -> None:
    if proc.stdin is not None and not proc.stdin.closed:
        with contextlib.suppress(OSError, ValueError):
            proc.stdin.write(text)
        with contextlib.suppress(OSError, ValueError):
            proc.stdin.close()


def _collect(proc: subprocess.Popen[bytes], limit: float) -> tuple[bytes, int, bool, bool]:
    """Read at most OUTPUT_CAP bytes while draining the rest; kill the group at `limit`.

    The last value says whether the reader is done with the pipe (a child that left the
    group may still hold it open), so that closing it cannot race with a read."""
    kept = bytearray()
    dropped = 0

    def drain() -> None:
        nonlocal dropped
        assert proc.stdout is not None
        for chunk in iter(lambda: proc.stdout.read1(65536), b""):  # type: ignore[union-attr]
            room = OUTPUT_CAP - len(kept)
            kept.extend(chunk[:room])
            dropped += max(0, len(chunk) - room)

    exited = threading.Event()

    def wait() -> None:
        proc.wait()
        exited.set()

    _close_stdin(proc)  # never left waiting for a feed() that is not coming
    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    # A blocking wait in a thread, not Popen.wait(timeout): that one polls with a backoff of
    # up to 50 ms, which a tool's exit would wait out on the critical path.
    threading.Thread(target=wait, daemon=True).start()
    timed_out = not exited.wait(limit)
    if timed_out:
        _kill_group(proc)
        exited.wait()
    reader.join(timeout=1.0)
    return bytes(kept), dropped, timed_out, not reader.is_alive()


def run_tool(
    argv: Sequence[str],
    env: Mapping[str, str],
    cwd: str | None = None,
    timeout: float | None = None,
) -> Evidence:
    """Run argv and return what it said. A missing tool or a timeout is evidence, not an error."""
    argv = tuple(argv)
    limit = _remaining(timeout)
    with _live_lock:
        proc = _prestarted.pop(_key(argv, env, cwd), None)
    if proc is None:
        proc = _start(argv, env, cwd)
    if not isinstance(proc, subprocess.Popen):
        return proc
    drained = False
    try:
        out, dropped, timed_out, drained = _collect(proc, limit)
    finally:
        _finish(proc, close=drained)
    text = _decode(out, dropped)
    if timed_out:
        return _evidence(argv, None, text, note=f"timed out after {limit:.3g}s")
    return _evidence(argv, proc.returncode, text)


def _decode(data: bytes | None, dropped: int = 0) -> str:
    if not data:
        return ""
    text = data[:OUTPUT_CAP].decode("utf-8", errors="replace")
    dropped += max(0, len(data) - OUTPUT_CAP)
    if dropped:
        text += f"\n[... {dropped} more bytes cut]"
    return text


def stream_tool(
    argv: Sequence[str],
    env: Mapping[str, str],
    on_output: Callable[[str], None],
    cwd: str | None = None,
) -> Evidence:
    """Run argv to completion (no deadline: installs take time), passing output on live."""
    argv = tuple(argv)
    proc = _start(argv, env, cwd)
    if not isinstance(proc, subprocess.Popen):
        return proc
    kept: list[bytes] = []
    size = 0
    try:
        assert proc.stdout is not None
        for chunk in iter(proc.stdout.readline, b""):
            on_output(chunk.decode("utf-8", errors="replace"))
            if size < OUTPUT_CAP:
                kept.append(chunk)
                size += len(chunk)
        proc.wait()
    finally:
        _finish(proc)
    return _evidence(argv, proc.returncode, _decode(b"".join(kept)))
