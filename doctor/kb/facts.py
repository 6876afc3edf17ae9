"""Facts a log states, whoever printed it: the vocabulary, the rules that find them, and the
conditions entries write on them.

A fact is a kind from LOG_FACTS and a value: `missing_program = "cargo"` whether a shell said
`cargo: command not found`, Python said `FileNotFoundError: ... 'cargo'`, maturin's error
chain ended in `No such file or directory (os error 2)` after `Cargo metadata failed`, or a
build script printed "Cargo, the Rust package manager, is not installed or is not on PATH".
Rules (knowledge/facts.toml) find facts on single log lines, as entries' patterns do:

    [missing-program-sh]
    fact = "missing_program"       # a kind from LOG_FACTS
    producer = "sh, bash, dash"    # who prints it, and in which versions
    needles = ["not found"]
    patterns = ['(?P<value>[\\w.+-]+): (?:command )?not found']   # group `value`, or:
    value = "cargo"                # a fixed value when the line itself names none
    value_from = ['...(?P<value>...)']   # else the value from the lines just before
    exclude = ['...']
    confidence = "medium"          # how surely the line means the fact (default "high")

Entries name facts in `when` (any clause, every kind in it) and `unless`:

    when = [{ missing_program = ["cargo", "rustc", "rustup"] }]
    unless = [{ link_target = ["test", "bench"] }]

Values compare lowercased, as shell-style globs (`"*-sys"`, `"*gcc"`); a glob starting with
`!` excludes (`["*-sys", "!pyo3-*"]`: any -sys crate but PyO3's); a kind with only `!` globs
asks that the log state no such fact (`platform = ["!macos"]`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cached_property
from re import Pattern
from typing import Any

# The kinds of fact a log can state: name -> what it is (its value).
LOG_FACTS = {
    "missing_program": "a program that could not be found or started (its file name)",
    "missing_library": "a native library, header or pkg-config package a build did not find",
    "undefined_python_symbol": "a CPython C-API symbol the linker could not resolve",
    "link_target": "what cargo was linking when it failed: lib, test, bench, bin, example",
    "build_script_failed": "the crate whose build script failed (e.g. openssl-sys)",
    "unsatisfied_requirement": "a package pip or uv found no version of, for the build",
    "pyinit_missing": "a module whose PyInit_ symbol maturin's check did not find after a build",
    "platform": "the system a log comes from, where it shows: linux, macos, windows",
    "pyo3_version": "the PyO3 version the log shows being built",
    "error_in_crate": "a dependency in whose own source a compile error sits (its crate name)",
    "toml_error_key": "the key a TOML error points at (as the error echoes the line)",
    "virtual_manifest": "a Cargo.toml read as a package that is a workspace root",
    "python_tool": "a tool of the Python side at work (maturin, pip, uv, ...)",
    "foreign_tool": "a tool of another ecosystem at work (npm, napi, ...)",
    "python_version": "an interpreter version",
    "unresolved_name": "an item (type, trait, function, method) a Rust compile error did not find",
    "pyo3_api_named": "a PyO3 API item whose name or form changed between releases, anywhere",
    "stale_build": "a rebuilt extension that did not replace the old one",
    "link_failed": "a link step failed (the linker that failed, where the log names it)",
    "workspace_error": "cargo could not place a package in its workspace (a file left out)",
    "sdist_build": "a build from an unpacked sdist (pip's or uv's temporary folder)",
    "build_script_uncompiled": "a crate whose build script did not compile (cargo names it)",
    "cargo_ran": "cargo at work, compiling or finishing a build (so it was installed)",
    "startup_program": "the program whose Python start-up failed (CPython's `program name`)",
    "rust_at_work": "Rust's tools or output in the log (cargo, rustc, maturin, PyO3, rlibs)",
    "c_extension": "a Python extension built from C or C++ (pybind11, cffi, Cython, build_ext)",
    "source_build": "a package pip, uv or poetry builds from its source distribution (its name)",
    "extension_module_on": "the extension-module feature shown on (a features list, --features)",
}
# Facts that say which ecosystem a log comes from, not what went wrong: a line stating one
# still counts among the log's error lines when no cause explains it.
SETTING_FACTS = frozenset({"python_tool", "foreign_tool", "rust_at_work", "c_extension"})
# Facts whose presence is all a condition may ask ("*" or "!*"): once seen, their rules are
# not tried again in that log (their needles are on many lines of a build log).
PRESENCE_FACTS = frozenset({"rust_at_work", "c_extension"})
CONFIDENCES = ("high", "medium", "low")
RULE_KEYS = {
    "fact",
    "producer",
    "needles",
    "patterns",
    "value",
    "value_from",
    "exclude",
    "confidence",
}


class FactError(Exception):
    """A fact rule or condition that does not fit the vocabulary: a bug in shipped data."""


@dataclass(frozen=True)
class FactRule:
    """How one producer's wording states a fact on a log line."""

    id: str
    fact: str
    producer: str
    needles: tuple[str, ...]
    pattern_texts: tuple[str, ...]
    value: str = ""
    value_from_texts: tuple[str, ...] = ()
    exclude_texts: tuple[str, ...] = ()
    confidence: str = "high"
    context: tuple[Pattern[str], ...] = ()  # the scanner's line filter: facts have none
    priority: int = 0

    @cached_property
    def patterns(self) -> tuple[Pattern[str], ...]:
        return _compiled(self.pattern_texts, self.id)

    @cached_property
    def exclude(self) -> tuple[Pattern[str], ...]:
        return _compiled(self.exclude_texts, self.id)

    @cached_property
    def value_from(self) -> tuple[Pattern[str], ...]:
        return _compiled(self.value_from_texts, self.id)


def _compiled(texts: tuple[str, ...], rule_id: str) -> tuple[Pattern[str], ...]:
    try:
        return tuple(re.compile(text) for text in texts)
    except re.error as exc:
        raise FactError(f"facts.toml [{rule_id}]: bad regex: {exc}") from None


def _texts(raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise FactError(f"{where}: {key} is a list of strings")
    return tuple(value)


def rules_from(tables: Mapping[str, Any], source: str) -> dict[str, FactRule]:
    rules = {}
    for rule_id, raw in tables.items():
        where = f"{source} [{rule_id}]"
        if not isinstance(raw, dict):
            raise FactError(f"{where}: a rule is a table")
        unknown = set(raw) - RULE_KEYS
        if unknown:
            raise FactError(f"{where}: unknown keys {sorted(unknown)}")
        if raw.get("fact") not in LOG_FACTS:
            raise FactError(f"{where}: fact is one of {sorted(LOG_FACTS)}")
        confidence = raw.get("confidence", "high")
        if confidence not in CONFIDENCES:
            raise FactError(f"{where}: confidence is high, medium or low")
        rule = FactRule(
            id=rule_id,
            fact=raw["fact"],
            producer=str(raw.get("producer", "")),
            needles=_texts(raw, "needles", where),
            pattern_texts=_texts(raw, "patterns", where),
            value=str(raw.get("value", "")),
            value_from_texts=_texts(raw, "value_from", where),
            exclude_texts=_texts(raw, "exclude", where),
            confidence=confidence,
        )
        if not rule.needles or not rule.pattern_texts:
            raise FactError(f"{where}: a rule needs needles and patterns")
        # read, not compiled: diagnose compiles a rule's regexes when its needle is first seen
        # (a check without a log never needs them), and the tests compile every one
        named = any("(?P<value>" in text for text in rule.pattern_texts)
        if not (named or rule.value or rule.value_from):
            raise FactError(f"{where}: the value comes from a `value` group, value or value_from")
        rules[rule_id] = rule
    return rules


@dataclass(frozen=True)
class Condition:
    """Facts that must all be in the log (each kind: a value matching one of its globs)."""

    wanted: Mapping[str, tuple[str, ...]]
    confidence: str = "medium"

    def matches(self, facts: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first fact of each kind that fits, or None when a kind has none that fits.
        `facts` maps a kind to its facts (anything with `.value`), earliest first."""
        chosen = {}
        for kind, globs in self.wanted.items():
            if all(g.startswith("!") for g in globs):  # "no such fact": none may match
                if any(_fits(f.value, tuple(g[1:] for g in globs)) for f in facts.get(kind, ())):
                    return None
                continue
            found = next((f for f in facts.get(kind, ()) if _fits(f.value, globs)), None)
            if found is None:
                return None
            chosen[kind] = found
        return chosen if chosen else None


def _fits(value: str, globs: tuple[str, ...]) -> bool:
    """A value one positive glob takes and no `!` glob excludes."""
    if any(fnmatchcase(value, g[1:]) for g in globs if g.startswith("!")):
        return False
    return any(fnmatchcase(value, g) for g in globs if not g.startswith("!"))


def conditions(raw: Any, where: str) -> tuple[Condition, ...]:
    """`when` / `unless` as written in an entry: a list of tables of kind -> value(s)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(c, dict) and c for c in raw):
        raise FactError(f"{where}: a list of tables of facts")
    found = []
    for clause in raw:
        clause = dict(clause)
        confidence = clause.pop("confidence", "medium")
        if confidence not in CONFIDENCES:
            raise FactError(f"{where}: confidence is high, medium or low")
        wanted = {}
        for kind, globs in clause.items():
            if kind not in LOG_FACTS:
                raise FactError(f"{where}: unknown fact {kind!r}")
            values = [globs] if isinstance(globs, str) else globs
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise FactError(f"{where}: {kind} is a string or a list of strings")
            if kind in PRESENCE_FACTS and not set(values) <= {"*", "!*"}:
                raise FactError(f'{where}: {kind} is only there or not: "*" or "!*"')
            wanted[kind] = tuple(v.lower() for v in values)
        found.append(Condition(wanted, confidence))
    return tuple(found)


def normalised(kind: str, value: str) -> str:
    """A fact's value as conditions compare it: lowercase; a program by its file name."""
    value = value.strip().strip("`'\"").lower()
    if kind == "missing_program":
        value = re.split(r"[\\/]", value)[-1]
        value = re.sub(r"\.exe$", "", value)
        value = {"the rust compiler": "rustc", "rust compiler": "rustc"}.get(value, value)
    elif kind == "link_target":  # cargo's `(lib test)`, `(test "it")`, `(bin "x")`
        words = value.replace('"', " ").split()
        value = "test" if "test" in words else (words[0] if words else value)
    elif kind in ("unsatisfied_requirement", "build_script_failed"):
        value = value.replace("_", "-")
    return value
