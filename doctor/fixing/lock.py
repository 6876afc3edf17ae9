"""One fix at a time per project: `fix` runs that overlap (two terminals, a CI matrix on one
checkout) take turns, so each re-verifies the finding against the files the previous one left.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from pyo3_doctor.fixing.safewrite import state_dir


@contextlib.contextmanager
def project_lock(root: Path | None) -> Iterator[None]:
    """Hold the project's fix lock (an advisory lock on a file in the user state dir) while
    the block runs. Where the system has no such locks, the block runs unguarded."""
    try:
        import fcntl
    except ImportError:  # Windows: the re-verification alone guards a fix
        yield
        return
    folder = state_dir() / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(os.fsencode((root or Path.cwd()).resolve())).hexdigest()[:16]
    fd = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
