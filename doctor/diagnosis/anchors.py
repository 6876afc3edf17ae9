"""The fragments every diagnosable log line carries: the only lines the scanners look at."""

from __future__ import annotations

import re

# A line must contain one of these to be looked at (tests/diagnosis checks that every positive
# sample line does). On a small log each costs one memchr pass; a big one goes to grep as one
# regex. Not "warning": a build log can be a quarter cargo warnings, and the warnings that
# matter are named by the words they carry.
ANCHORS = (
    b"rror",  # error, Error, TypeError, ImportError, ...
    b"RROR",  # pip's ERROR:
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
    b"minimum Python version",
    b"architecture (",
    b"cross-compil",
    b"compliant",  # maturin's and auditwheel's manylinux/musllinux audits
    # performance reports are prose: the GIL held through Rust work, call overhead
    b"GIL",
    b"allow_threads",
    b"overhead",
    b"slower",
    # facts (knowledge/facts.toml) whose lines carry none of the above
    b"No such file",
    b"nknown command",
    b"which: no",
    b"not installed",
    b" PATH",
    b"required by crate",
    b"referenced from",
    b'"-o" "',
    b"no version of",
    b"No solution found",
    b"unsatisfiable",
    b"Compiling pyo3",
    b"Current version",
    b"PyO3 version",
    b"Found CPython",
    b"missing field",
    b"unknown field",
    b"invalid type",
    b"wanted ",
    b"registry",  # rustc's --> into a registry crate's source
    b"does not define",
    b"patchelf",
    b"RAW_DYLIB",
    b"use of deprecated",
    b"exit successfully",
    b"ust Compiler",
    b"only accepted on the nightly",
    # which ecosystem the log comes from (facts: python_tool, foreign_tool)
    b"maturin",
    b"Traceback",
    b"setuptools",
    b"cargo test",
    b"cargo nextest",
    b"cargo bench",
    b"napi",
    b"npm ",
    b"node_modules",
    b"unsendable",
    b"does not have th",
    # where a log comes from (facts: platform)
    b"/Users/",
    b"macosx_",
    b"-apple-darwin",
    # warnings that name a cause
    b"Couldn't find",
    b"manifest key",
    b"activating",
    b"version constraint",
    b"current maturin",
    b"not yet support",
    b"experimental support",
)

# The anchors as one extended regex: GNU grep runs it faster than the same list given to -F.
ANCHOR_ERE = "|".join(re.sub(r"([.[\]()*+?{}|^$\\])", r"\\\1", a.decode("ascii")) for a in ANCHORS)
