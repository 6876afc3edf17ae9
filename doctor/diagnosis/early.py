"""Starting grep on a big log file before the knowledge base is even loaded.

On a big log, grep's one pass is most of `diagnose`'s time, and loading the knowledge base
(which says what grep looks for) would hold it back by a good part of that. So grep's
arguments of the last run are kept in the user cache folder under the knowledge's cache key, and
pyo3_doctor.launch starts grep with it on the named file at once; grepscan takes that grep
only if it was started on the same file with the very argv it would use now, and starts its
own otherwise. A missing or stale cache only means no early start.
"""

from __future__ import annotations

import os
import stat
import sys

from pyo3_doctor.about import user_dir
from pyo3_doctor.system import proc as tools

CACHE_NAME = "grep-args.json"
MIN_BYTES = 1 << 20  # below this a grep child costs more than it saves
GREP_MEMORY = 64 << 20  # grep's address space when it reads a file itself: 16 MiB suffice
# What grep may list before anyone reads it: started early, it runs while the knowledge loads
# (Linux's default pipe-max-size; a smaller pipe would stop it after a few MB of log)
LISTING_AHEAD = 1 << 20

# (st_dev, st_ino) of the file -> (argv, the started grep)
_started: dict[tuple[int, int], tuple[tuple[str, ...], tools.Process]] = {}


def capped(grep: str, args: tuple[str, ...]) -> tuple[str, ...]:
    """grep with `args` under a memory cap (`ulimit -v`)."""
    return ("sh", "-c", f'ulimit -v {GREP_MEMORY >> 10} && exec "$0" "$@"', grep, *args)


def c_locale() -> dict[str, str]:
    return {**os.environ, "LC_ALL": "C"}  # bytes, not characters: faster, never "invalid"


def binary_reason(first: bytes) -> str | None:
    """Why the first block of a (non-UTF-16) input is no text log, or None when it is one."""
    if b"\x00" in first:
        return "the input is binary (it contains NUL bytes), not a text log"
    sample = first[:65536]
    if sample and sample.decode("utf-8", "replace").count("\ufffd") * 4 > len(sample):
        return "the input does not decode as text (UTF-8)"
    return None


def direct_file(fd: int, min_bytes: int = MIN_BYTES) -> bool:
    """Whether grep may read this descriptor itself: a regular file of `min_bytes` or more on
    Linux (where the memory cap holds), plain UTF-8 text from its first byte (no byte-order
    mark, not binary, not CR-only line ends: those need what the Python side does)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size < min_bytes:
            return False
        first = os.pread(fd, 1 << 20, 0)
    except OSError:
        return False
    if first.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or binary_reason(first):
        return False
    return not (b"\r" in first and b"\n" not in first)


def cached_args() -> tuple[str, ...] | None:
    """grep's arguments stored by the last run with these knowledge files, if any."""
    import json

    from pyo3_doctor.kb.files import cache_key

    try:
        stored = json.loads((user_dir("cache") / CACHE_NAME).read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != cache_key():
        return None
    args = stored.get("args")
    ok = isinstance(args, list) and args and all(isinstance(a, str) for a in args)
    return tuple(args) if ok else None


def store_args(args: tuple[str, ...]) -> None:
    if cached_args() == args:
        return
    import json

    from pyo3_doctor.kb.files import cache_key
    from pyo3_doctor.system.files import write_atomic

    try:
        path = user_dir("cache") / CACHE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps({"key": cache_key(), "args": list(args)}).encode())
    except OSError:
        pass


def start(path: str) -> None:
    """Start grep on the log at `path` when it qualifies and its arguments are cached."""
    grep = tools.which("grep", os.environ)
    args = cached_args() if grep else None
    if grep is None or args is None:
        return
    try:  # non-blocking: a FIFO must not hang here (logopen deals with it)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return
    try:
        if direct_file(fd):
            argv = capped(grep, args)
            proc = tools.spawn(argv, c_locale(), stdin_fd=fd, pipe_bytes=LISTING_AHEAD)
            if hasattr(proc, "pid"):
                info = os.fstat(fd)
                _started[(info.st_dev, info.st_ino)] = (argv, proc)  # type: ignore[assignment]
    finally:
        os.close(fd)


def take(fd: int, argv: tuple[str, ...]) -> tools.Process | None:
    """The grep started early on the file open at `fd`, if its argv is `argv`; a grep started
    with another argv (a stale cache) is ended."""
    info = os.fstat(fd)
    found = _started.pop((info.st_dev, info.st_ino), None)
    if found is None:
        return None
    started_argv, proc = found
    if started_argv == argv:
        return proc
    tools.finish(proc)
    return None
