"""The fragments every diagnosable log line carries: the only lines the scanners look at."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

# A line must contain one of these to be looked at (tests/diagnosis checks that every positive
# sample line does). On a small log each costs one memchr pass; a big one goes to grep as one
# regex. Not "warning": a build log can be a quarter cargo warnings, and the warnings that
# matter are named by the words they carry.
ANCHORS = (
    b"rror",  # error, Error, TypeError, ImportError, ...
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
    b"only accepted on the nightly",
    # which ecosystem the log comes from (facts: python_tool, foreign_tool)
    b"maturin",
    b"Traceback",
    b"setuptools",
    b"cargo ",  # cargo test, cargo nextest run, cargo bench
    b"napi",
    b"npm ",
    b"node_modules",
    b"unsendable",
    b"does not have th",
    # PyO3's API in code people quote beside rustc's "not found in this scope"
    b"Bound<",
    b"&Py",
    b"_bound(",
    b"with_gil",
    b"not found in",
    # people telling that a rebuild changed nothing (fact stale_build)
    b"stale",
    b"rebuil",
    b"recompil",
    b"updated",
    b"old ",
    b"pick",
    b"copied",
    # where a log comes from (facts: platform)
    b"/Users/",
    b"macosx_",
    b"-apple-darwin",
    # warnings that name a cause
    b"manifest key",
    b"activating",
    b"version constraint",
    b"current maturin",
    b"not yet support",
    b"experimental support",
)

# The scanners look for them in any case (a user retypes "Rust Compiler", a tool changes its
# capitals between versions): the patterns decide, the prefilter never rejects on case.
ANCHORS_FOLDED = tuple(dict.fromkeys(a.lower() for a in ANCHORS))

_WORD = re.compile(r"[a-z0-9_]{4,}")
# Words on most lines of a build log: a key that is one of these makes every such line a
# candidate, so a needle's other words are taken instead where it has one.
_COMMON = frozenset(
    [
        "compil",
        "compile",
        "compiling",
        "build",
        "building",
        "built",
        "target",
        "python",
        "version",
        "running",
        "finished",
        "downloaded",
        "downloading",
        "collecting",
        "test",
        "tests",
        "info",
        "default",
        "config",
        "using",
        "with",
        "from",
    ]
)


def line_keys(needles: Iterable[str]) -> tuple[bytes, ...]:
    """The fragments a line must hold to be looked at: the anchors, and for every needle no
    anchor covers, a word of it (or the needle itself). A rule needs its needle on the line,
    and its needle holds its key, so no line a rule could match is ever skipped, whatever the
    anchors were written for. Words shared by many needles ("version", "python") are taken
    first, which keeps the keys few: each is one memchr pass over a small log."""
    keys = list(ANCHORS_FOLDED)
    left = {n.encode("utf-8").lower().decode("utf-8") for n in needles}  # as bytes.lower()
    left = {n for n in left if not any(k.decode() in n for k in keys)}
    while left:
        counts = Counter(w for n in left for w in set(_words(n)))
        if counts:
            word = max(counts, key=lambda w: (counts[w], len(w), w))
        else:  # needles with no word of 4 letters: themselves, shortest first
            word = min(left, key=lambda n: (len(n), n))
        keys.append(word.encode("utf-8"))
        left = {n for n in left if word not in n}
    return tuple(keys)


def _words(needle: str) -> list[str]:
    words = _WORD.findall(needle)
    return [w for w in words if w not in _COMMON] or words


def key_ere(keys: Iterable[bytes]) -> str:
    """The keys as one extended regex for `grep -i -E`: GNU grep runs it faster than -F."""
    return "|".join(re.sub(r"([.[\]()*+?{}|^$\\])", r"\\\1", k.decode("utf-8")) for k in keys)
