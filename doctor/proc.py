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


def _start(
    argv: tuple[str, ...], env: Mapping[str, str], cwd: str | None
) -> subprocess.Popen[bytes] | Evidence:
    """Start argv in its own session, or say why it could not start."""
    exe = argv[0] if os.sep in argv[0] else which(argv[0], env)
    if exe is None:
        return Evidence(argv, None, "", note=f"{argv[0]} not found on PATH")
    try:
        proc = subprocess.Popen(
            (exe, *argv[1:]),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as exc:
        return Evidence(argv, None, "", note=f"could not start {argv[0]}: {exc.strerror or exc}")
    with _live_lock:
        _live.add(proc)
    return proc


def _forget(proc: subprocess.Popen[bytes]) -> None:
    with _live_lock:
        _live.discard(proc)


def run_tool(
    argv: Sequence[str],
    env: Mapping[str, str],
    cwd: str | None = None,
    timeout: float | None = None,
) -> Evidence:
    """Run argv and return what it said. A missing tool or a timeout is evidence, not an error."""
    argv = tuple(argv)
    limit = _remaining(timeout)
    proc = _start(argv, env, cwd)
    if isinstance(proc, Evidence):
        return proc
    try:
        try:
            out, _ = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            out, _ = proc.communicate()
            return Evidence(argv, None, _decode(out), note=f"timed out after {limit:.3g}s")
    finally:
        _forget(proc)
    return Evidence(argv, proc.returncode, _decode(out))


def _decode(data: bytes | None) -> str:
    if not data:
        return ""
    text = data[:OUTPUT_CAP].decode("utf-8", errors="replace")
    if len(data) > OUTPUT_CAP:
        text += f"\n[... {len(data) - OUTPUT_CAP} more bytes cut]"
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
    if isinstance(proc, Evidence):
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
        _forget(proc)
    return Evidence(argv, proc.returncode, _decode(b"".join(kept)))
