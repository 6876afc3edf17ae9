"""The fragments every diagnosable log line carries, and grep started on them early.

Light on purpose (no knowledge base, no model): `diagnose FILE` starts grep on a big log
before the rest of pyo3-doctor is imported, and diagnosis.grepscan reads its listing later.
"""

from __future__ import annotations

import os
import re
import shutil

from pyo3_doctor.system.proc import prestart

# A line must contain one of these to be looked at (tests/diagnosis checks that every positive
# sample line does). Each costs one memchr pass over the log, so keep the list short.
ANCHORS = (
    b"rror",  # error, Error, TypeError, ImportError, ...
    b"RROR",  # pip's ERROR:
    b"arning",  # warning, Warning
    b"aused by",  # maturin's and cargo's "Caused by:" chains
    b"anic",  # panicked, PanicException
    b"not found",
    b"ndefined",  # undefined reference / Undefined symbols
    b"ould",  # could not find, Couldn't find
    b"Rust compiler",
    b"egmentation",
    b"SIGSEGV",
    b"cannot find",
    b"brary not loaded",
    b"not recognized",
    b"native library",
    b"supported wheel",
    b"No module named",
    # PyO3's version, pointer-width and cross-compile checks and maturin's audit, as users
    # quote them in prose without the "error:" in front
    b"supported version",
    b"architecture (",
    b"cross-compil",
    b"manylinux compliant",
    # performance reports are prose: the GIL held through Rust work, call overhead
    b"GIL",
    b"allow_threads",
    b"overhead",
    b"slower",
)

# The anchors as one extended regex: GNU grep runs it faster than the same list given to -F.
ANCHOR_ERE = "|".join(re.sub(r"([.[\]()*+?{}|^$\\])", r"\\\1", a.decode("ascii")) for a in ANCHORS)
MIN_BYTES = 4 << 20  # below this a grep child costs more than it saves


def grep_command(path: str, min_bytes: int = MIN_BYTES) -> tuple[list[str], dict[str, str]] | None:
    """grep's argv and environment for listing the anchored lines of `path`, or None when
    the file is better read in Python (small, not a regular file, no grep)."""
    grep = shutil.which("grep")
    if grep is None or os.environ.get("PYO3_DOCTOR_NO_GREP"):
        return None
    try:
        if not os.path.isfile(path) or os.path.getsize(path) < min_bytes:
            return None
    except OSError:
        return None
    env = {**os.environ, "LC_ALL": "C"}  # bytes, not characters: faster and never "invalid"
    return [grep, "-n", "-b", "-a", "-E", ANCHOR_ERE, "--", path], env


def start_grep(path: str) -> None:
    """Start grep on a big log now; diagnosis.grepscan collects it (or it is killed at exit)."""
    command = grep_command(path)
    if command is not None:
        # a 1 MiB pipe holds the listing of about 100 MB of log while the reader is imported
        prestart(*command, pipe_bytes=1 << 20)
