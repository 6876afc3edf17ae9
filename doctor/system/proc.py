"""The one place that starts processes.

Every tool runs from an argv list (never a shell), with stdin closed, in its own session so
that a timeout or Ctrl-C kills the whole process group (`maturin` under `pip`, `rustc` under
`cargo`...). Output is capped and decoded with replacement: tools print garbage sometimes.
A probe's deadline is set per thread by the engine, so a tool never outlives its probe.
"""

from __future__ import annotations

import _signal  # the C module under `signal`: the Python one builds enums, see system.spawn
import _thread
import os
import time

from pyo3_doctor.system import spawn as posix

# Nothing here imports more than os at start-up: pyo3_doctor.launch starts the first tools through
# this module before anything else is loaded. subprocess and threading load when first needed.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from subprocess import Popen

    from pyo3_doctor.model import Evidence

    Process = Popen[bytes] | posix.Spawned

OUTPUT_CAP = 64 * 1024
DEFAULT_TIMEOUT = 10.0

_local = _thread._local()
_live: set[Process] = set()
_live_lock = _thread.allocate_lock()


def set_deadline(deadline: float | None) -> None:
    """Bound every tool this thread starts to `deadline` (a time.monotonic() value)."""
    _local.deadline = deadline


def _remaining(timeout: float | None) -> float:
    """A tool's time: its own limit if it has one, within the probe's deadline (--timeout);
    with neither, DEFAULT_TIMEOUT. A deadline is never cut to a hidden default."""
    deadline = getattr(_local, "deadline", None)
    left = deadline - time.monotonic() if deadline is not None else None
    if timeout is None:
        limit = left if left is not None else DEFAULT_TIMEOUT
    else:
        limit = timeout if left is None else min(timeout, left)
    return max(limit, 0.01)


class ToolTimeout(Exception):
    """A tool that gave no answer in its time: the probe's result is a timeout, never the
    tool's absence (a slow maturin is not a missing one)."""

    def __init__(self, evidence: Evidence, limit: float) -> None:
        super().__init__(f"`{' '.join(evidence.argv)}` gave no answer within {limit:.3g}s")
        self.evidence = evidence
        self.limit = limit


def _evidence(
    argv: tuple[str, ...], exit_code: int | None, output: str, note: str = ""
) -> Evidence:
    # Imported here, not at the top: the CLI starts the first tools before the model (and the
    # dataclasses machinery under it) has loaded, to get them going sooner.
    from pyo3_doctor.model import Evidence

    return Evidence(argv, exit_code, output, note=note)


def which(name: str, env: Mapping[str, str]) -> str | None:
    """Find `name` on the PATH of `env` (not of this process)."""
    return posix.which(name, env.get("PATH", ""))


def _ignoring(
    errors: type[BaseException] | tuple[type[BaseException], ...], action: Callable[[], object]
) -> None:
    """contextlib.suppress, without importing contextlib before the first tools start."""
    try:  # noqa: SIM105
        action()
    except errors:
        pass


def _running(started: Process | Evidence) -> bool:
    """A started tool (Popen or Spawned), not the Evidence of one that could not start."""
    return hasattr(started, "pid")


def _kill_group(proc: Process) -> None:
    try:
        os.killpg(proc.pid, _signal.SIGKILL)
    except (OSError, AttributeError):  # gone already, or no process groups (Windows)
        _ignoring(OSError, proc.kill)


def _exited_within(proc: Process, seconds: float) -> bool:
    """Whether proc exits within `seconds`, polling with a backoff as Popen.wait(timeout) does."""
    end, delay = time.monotonic() + seconds, 0.0005
    while proc.poll() is None:
        left = end - time.monotonic()
        if left <= 0:
            return False
        delay = min(delay * 2, left, 0.05)
        time.sleep(delay)
    return True


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
    stdin_fd: int | None = None,
) -> Process | Evidence:
    """Start argv in its own session, or say why it could not start."""
    exe = argv[0] if os.sep in argv[0] else which(argv[0], env)
    if exe is None:
        return _evidence(argv, None, "", note=f"{argv[0]} not found on PATH")
    try:
        proc: Process | None = None
        if cwd is None or _is_cwd(cwd):
            proc = posix.start((exe, *argv[1:]), dict(env), stdin_pipe, stdin_fd)
        if proc is None:
            import subprocess

            proc = subprocess.Popen(
                (exe, *argv[1:]),
                env=dict(env),
                cwd=cwd,
                stdin=subprocess.PIPE
                if stdin_pipe
                else (subprocess.DEVNULL if stdin_fd is None else stdin_fd),
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


def _is_cwd(path: str) -> bool:
    try:
        return os.path.samefile(path, ".")
    except OSError:
        return False


def _widen(proc: Process, size: int) -> None:
    """Let a tool write `size` bytes ahead of its reader (Linux; elsewhere nothing changes)."""
    try:
        import fcntl

        fcntl.fcntl(proc.stdout.fileno(), fcntl.F_SETPIPE_SZ, size)  # type: ignore[union-attr]
    except (ImportError, AttributeError, OSError):
        pass


def spawn(
    argv: Sequence[str],
    env: Mapping[str, str],
    cwd: str | None = None,
    stdin_pipe: bool = False,
    stdin_fd: int | None = None,
    pipe_bytes: int = 0,
) -> Process | Evidence:
    """Start a tool whose output the caller reads itself (stdout and stderr together), or take
    the one prestarted with the same argv; the caller must end with finish(). With
    `stdin_pipe` the caller writes its input (proc.stdin) and closes it; with `stdin_fd` the
    tool reads that open file; `pipe_bytes` lets it write that far ahead of its reader.
    Evidence instead when it could not start."""
    argv = tuple(argv)
    own_stdin = stdin_pipe or stdin_fd is not None
    with _live_lock:
        started = None if own_stdin else _prestarted.pop(_key(argv, env, cwd), None)
    if started is not None:
        return started
    return _start(argv, env, cwd, stdin_pipe=stdin_pipe, stdin_fd=stdin_fd, pipe_bytes=pipe_bytes)


def finish(proc: Process, grace: float = 0.0) -> int:
    """End a spawned tool and return its exit code: it gets `grace` seconds to exit on its own
    (its output was read to the end), then it is killed with its group."""
    if grace:
        _exited_within(proc, grace)
    _finish(proc)
    return proc.wait()


def _finish(proc: Process, close: bool = True) -> None:
    """Stop tracking a tool that is done, or kill it if it is not: an exception on the way out
    (Ctrl-C, a failing output callback) would otherwise leave it running in its own session,
    where the terminal's Ctrl-C never reaches it and kill_all no longer knows it."""
    if proc.poll() is None:
        _kill_group(proc)
        _exited_within(proc, 1.0)
    if close and proc.stdout is not None:
        _ignoring(OSError, proc.stdout.close)
    with _live_lock:
        _live.discard(proc)


_prestarted: dict[tuple, Process | Evidence] = {}


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
    if _running(proc):
        _close_stdin(proc, text.encode("utf-8", errors="replace"))  # type: ignore[arg-type]


def discard(argv: Sequence[str], env: Mapping[str, str], cwd: str | None = None) -> None:
    """Kill a prestarted tool that turned out not to be needed."""
    with _live_lock:
        proc = _prestarted.pop(_key(tuple(argv), env, cwd), None)
    if _running(proc):
        _finish(proc)  # type: ignore[arg-type]


def _close_stdin(proc: Process, text: bytes = b"") -> None:
    if proc.stdin is not None and not proc.stdin.closed:
        _ignoring((OSError, ValueError), lambda: proc.stdin.write(text))  # type: ignore[union-attr]
        _ignoring((OSError, ValueError), proc.stdin.close)


def _collect(proc: Process, limit: float) -> tuple[bytes, int, bool, bool]:
    """Read at most OUTPUT_CAP bytes while draining the rest; kill the group at `limit`.

    The last value says whether the reader is done with the pipe (a child that left the
    group may still hold it open), so that closing it cannot race with a read."""
    import threading

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
    """Run argv and return what it said. A missing tool is evidence; a timeout raises
    ToolTimeout, which the engine reports as the probe's timeout."""
    argv = tuple(argv)
    limit = _remaining(timeout)
    with _live_lock:
        proc = _prestarted.pop(_key(argv, env, cwd), None)
    if proc is None:
        proc = _start(argv, env, cwd)
    if not _running(proc):
        return proc  # type: ignore[return-value]
    drained = False
    try:
        out, dropped, timed_out, drained = _collect(proc, limit)
    finally:
        _finish(proc, close=drained)
    text = _decode(out, dropped)
    if timed_out:
        raise ToolTimeout(_evidence(argv, None, text, note=f"timed out after {limit:.3g}s"), limit)
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
    if not _running(proc):
        return proc  # type: ignore[return-value]
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
