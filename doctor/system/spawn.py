"""Start a tool with nothing but `os`: no subprocess, threading or signal module.

A check's first tools start before anything else is imported (pyo3_doctor.launch), and the
subprocess module alone pulls in re, enum, locale and threading: about 10 ms before the first
tool could start. os.posix_spawn starts the tool as Popen(start_new_session=True) would, and
Spawned is the part of Popen's interface system.proc uses. os.posix_spawn cannot change the
child's directory, so a tool that runs elsewhere, and every tool where posix_spawn is missing
(Windows), goes through subprocess instead.
"""

from __future__ import annotations

import _signal  # the C module under `signal`, loaded at start-up: the Python one builds enums
import _thread
import os

# What Popen's restore_signals=True puts back to default in the child: Python ignores SIGPIPE,
# and a tool writing to a closed pipe should die of it as it would from a shell.
_DEFAULT_SIGNALS = tuple(
    getattr(_signal, name) for name in ("SIGPIPE", "SIGXFZ", "SIGXFSZ") if hasattr(_signal, name)
)


def which(name: str, path: str) -> str | None:
    """The executable `name` on `path`, as shutil.which finds it on POSIX."""
    if os.name == "nt":
        import shutil

        return shutil.which(name, path=path)
    if os.sep in name:
        return name if _executable(name) else None
    if not path:  # not the working directory, as an empty PATH entry would mean
        return None
    seen = set()
    for folder in path.split(os.pathsep):
        if folder in seen:
            continue
        seen.add(folder)
        candidate = os.path.join(folder, name)
        if _executable(candidate):
            return candidate
    return None


def _executable(path: str) -> bool:
    return os.path.exists(path) and os.access(path, os.X_OK) and not os.path.isdir(path)


class Spawned:
    """A tool started by start(): pid, pipes, returncode, and poll, wait and kill as Popen has them
    (wait without a timeout: pyo3_doctor.system.proc polls when it needs one)."""

    def __init__(self, args: tuple[str, ...], pid: int, stdin_fd: int | None, stdout_fd: int):
        self.args = args
        self.pid = pid
        self.stdin = os.fdopen(stdin_fd, "wb") if stdin_fd is not None else None
        self.stdout = os.fdopen(stdout_fd, "rb")
        self.returncode: int | None = None
        self._reaping = _thread.allocate_lock()  # one waitpid at a time, as in Popen

    def _reap(self, flags: int) -> None:
        try:
            pid, status = os.waitpid(self.pid, flags)
        except ChildProcessError:  # reaped elsewhere: as Popen, call it a clean exit
            self.returncode = 0 if self.returncode is None else self.returncode
            return
        if pid == self.pid:
            self.returncode = os.waitstatus_to_exitcode(status)

    def poll(self) -> int | None:
        if self.returncode is None and self._reaping.acquire(False):
            try:
                if self.returncode is None:
                    self._reap(os.WNOHANG)
            finally:
                self._reaping.release()
        return self.returncode

    def wait(self) -> int:
        """Block until the tool exits (pyo3_doctor.system.proc polls when it needs a time limit)."""
        with self._reaping:
            if self.returncode is None:
                self._reap(0)
        return self.returncode  # type: ignore[return-value]

    def kill(self) -> None:
        if self.returncode is None:
            os.kill(self.pid, _signal.SIGKILL)


def start(
    argv: tuple[str, ...],
    env: dict[str, str],
    stdin_pipe: bool = False,
    stdin_fd: int | None = None,
) -> Spawned | None:
    """Start argv (argv[0] a path) in a new session, stdout and stderr into one pipe, in this
    process's working directory; its stdin a pipe, the descriptor `stdin_fd`, or /dev/null.
    None where posix_spawn cannot do what Popen would."""
    if not hasattr(os, "posix_spawn"):
        return None
    opened: list[int] = []  # closed again if anything below fails
    try:
        opened += os.pipe()
        out_r, out_w = opened
        if stdin_pipe:
            opened += os.pipe()
        in_r, in_w = opened[2:] if stdin_pipe else (None, None)
        if in_r is None:
            in_r = stdin_fd
        actions = [
            (os.POSIX_SPAWN_DUP2, in_r, 0)
            if in_r is not None
            else (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, out_w, 1),
            (os.POSIX_SPAWN_DUP2, out_w, 2),
        ]
        # Popen(close_fds=True) closes what this process inherited without close-on-exec.
        actions += [(os.POSIX_SPAWN_CLOSE, fd) for fd in _inherited_fds()]
        pid = os.posix_spawn(
            argv[0],
            list(argv),
            env,
            file_actions=actions,
            setsid=True,
            setsigdef=_DEFAULT_SIGNALS,
        )
    except BaseException as exc:
        for fd in opened:
            os.close(fd)
        if isinstance(exc, NotImplementedError):  # no POSIX_SPAWN_SETSID here: Popen does it
            return None
        raise
    os.close(out_w)
    if stdin_pipe:
        os.close(in_r)
    return Spawned(argv, pid, in_w, out_r)


def _inherited_fds() -> list[int]:
    """Descriptors above stderr that a child would inherit (Linux and macOS list them)."""
    for listing in ("/proc/self/fd", "/dev/fd"):
        try:
            fds = [int(name) for name in os.listdir(listing)]
        except (OSError, ValueError):
            continue
        found = []
        for fd in fds:
            try:
                if fd > 2 and os.get_inheritable(fd):
                    found.append(fd)
            except OSError:  # the descriptor listdir itself used, closed since
                pass
        return found
    return []
