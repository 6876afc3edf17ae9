"""The fragments every diagnosable log line carries: the only lines the scanners look at."""

from __future__ import annotations

import re

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
