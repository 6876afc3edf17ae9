"""The knowledge base: entries loaded from knowledge/*.toml and validated up front.

One TOML table per entry; the table name is the id (a public contract, see docs/knowledge.md).

    [linker-missing]
    title = "..."                 # one line
    severity = "fail"             # "warn" | "fail": how bad the cause is, in a check or a log
    fail_with = ["import_error"]  # optional, on a "warn" entry: facts under which the state is
                                  # certain to fail the build or the import (any one of them
                                  # known makes the finding fail, in a check and in a log)
    priority = 80                 # higher wins when several entries match one log
    why = "..."                   # the mechanism, may use {placeholders}
    probes = ["linker"]           # probes that confirm it (and are re-run after a fix)
    docs = ["https://..."]
    needles = ["linker `"]        # literal, case as printed: a log line must contain one
    patterns = ['regex', ...]     # any one matching names this cause; named groups fill fixes
    exclude = ['regex', ...]      # a line matching one of these is a near miss
    context = ['regex', ...]      # optional: one must match this line or one of the 3 before
    alternatives = ["other-id"]   # the real cause instead, when a probe detects that id
    project_match = { imported = "dist_import_name" }   # optional: a pattern group that must
                                  # equal what the probes know of this project (else no match)
    [[linker-missing.fix]]
    summary = "..."
    platform = "apt"              # any | linux | macos | windows | apt | dnf | apk | ...
    argv = ["{sudo}", "apt-get", "install", "-y", "build-essential"]   # or edit/patch/env/text
    applicability = "confirm"     # or "manual"
    pyo3 = ">=0.26"               # optional version guards (PEP 440 specifiers): the step is
    maturin = ">=1.9.4"           # dropped when the project's version is known and outside
    requires = ["forward_env"]    # optional: dropped unless these facts are known (a step
                                  # that only fits some machines, not one to complete by hand)
    when_unknown = ["libdir"]     # optional: a fallback, dropped once these facts are known
    alternative = true            # optional: it fixes the cause on its own, as the steps above
                                  # do; `fix` takes it when those are for the user to carry out
                                  # (a step for another case, or half a cure, never has it)

Log matching (diagnosis.matcher) tries an entry's patterns, one line at a time, only on lines
that contain one of its needles, so every entry with patterns needs needles, and each pattern
must imply one of them. Patterns are Python regexes on one normalised line (CI prefixes,
colours and carriage returns removed); use `(?i)` inside a pattern for case-insensitivity.

Fix kinds: `argv` runs a command; `edit = { file, key, value }` sets a TOML key (value is
TOML, or a plain string), and deletes the dotted key `remove` in the same write when given;
`patch = { file, line, old, new }` replaces source line `line`,
which must read exactly `old`, with `new` (several lines allowed); `env` is shown as the line
for the user's shell, and `unset = ["NAME"]` as the line that removes variables from it;
`text` is prose. A patch's fields normally all come from probe facts.

Placeholders are `{name}`: filled from the finding's details (regex groups, log facts, probe
details), then from probe facts. `{sudo}` as a whole argv element is "sudo", or dropped when
root. A placeholder nothing fills never reaches a user (kb.templates): it takes the default
knowledge/placeholders.toml gives it, or its words there, and the step turns manual.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from re import Pattern
from typing import Any

from pyo3_doctor.kb.facts import (
    CONFIDENCES,
    LOG_FACTS,
    Condition,
    FactError,
    FactRule,
    conditions,
    rules_from,
)
from pyo3_doctor.kb.version_spec import VersionSpec
from pyo3_doctor.model import STEP_KINDS, Applicability, Severity
from pyo3_doctor.system.tomlfile import parse_toml

ENTRY_KEYS = {
    "title",
    "severity",
    "priority",
    "why",
    "probes",
    "docs",
    "needles",
    "patterns",
    "exclude",
    "context",
    "alternatives",
    "fix",
    "when",
    "unless",
    "explains",
    "confidence",
    "only_if",
    "fail_with",
    "project_match",
}
FIX_KEYS = {
    "summary",
    "platform",
    "argv",
    "edit",
    "patch",
    "env",
    "unset",
    "text",
    "applicability",
    "pyo3",
    "maturin",
    "requires",
    "when_unknown",
    "alternative",
}
# A TOML edit: set `key` to `value` in `file`; `remove` (optional) names a key that the same
# write deletes, so a key moves from where Cargo ignores it in one step (and one undo).
EDIT_KEYS = {"file", "key", "value", "remove"}
# A fix's version guard -> the fact holding the project's version of that tool.
GUARD_FACTS = {"pyo3": "pyo3_version", "maturin": "maturin_version"}
PLATFORMS = {"any", "linux", "macos", "windows", "apt", "dnf", "apk", "pacman", "zypper", "brew"}
# filled by the engine: sudo where needed, the system packages for what a build lacks
BUILTIN_PLACEHOLDERS = {"sudo", "system_packages"}
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
ID_SHAPE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
GROUP_NAME = re.compile(r"\(\?P<([A-Za-z_]\w*)>")
VARIABLE = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*|\{[a-z_][a-z0-9_]*\})$")


# Knowledge files that hold no entries: the version policy (kb.versions), the log fact rules
# (kb.facts), what to say of a placeholder no fact fills (kb.templates.unknowns), what PyO3
# releases rename (kb.migrations), the standard library's module names (kb.stdlib), code that
# leans on the GIL (kb.threading) and the system packages for what a build lacks (kb.packages).
NOT_ENTRIES = (
    "versions.toml",
    "facts.toml",
    "placeholders.toml",
    "migrations.toml",
    "packages.toml",
    "stdlib.toml",
    "threading.toml",
)


class KnowledgeError(Exception):
    """The knowledge base itself is malformed: a bug in the shipped data."""


@dataclass(frozen=True)
class FixTemplate:
    """A fix as the knowledge base writes it, with {placeholders} for facts."""

    summary: str
    platform: str
    argv: tuple[str, ...]
    edit: Mapping[str, str] | None
    env: Mapping[str, str] | None
    text: str
    applicability: Applicability
    patch: Mapping[str, str] | None = None
    unset: tuple[str, ...] = ()  # variables the user removes from their shell
    guards: Mapping[str, VersionSpec] = field(default_factory=dict)  # tool -> versions
    requires: tuple[str, ...] = ()  # facts without which the step does not apply
    when_unknown: tuple[str, ...] = ()  # a fallback: shown only while these are all unknown
    alternative: bool = False  # fixes the cause on its own, as the steps above it do

    def placeholders(self) -> set[str]:
        parts = [self.summary, self.text, *self.argv, *self.unset]
        parts += list((self.edit or {}).values())
        parts += list((self.patch or {}).values())
        parts += [*(self.env or {}).keys(), *(self.env or {}).values()]
        return {name for part in parts for name in PLACEHOLDER.findall(part)}


@dataclass(frozen=True)
class Entry:
    """One knowledge-base entry: a root cause, how to spot it and how to fix it."""

    id: str
    title: str
    severity: Severity
    priority: int
    why: str
    probes: tuple[str, ...]
    docs: tuple[str, ...]
    needles: tuple[str, ...]
    pattern_texts: tuple[str, ...]
    exclude_texts: tuple[str, ...]
    fixes: tuple[FixTemplate, ...]
    source_file: str
    context_texts: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()
    when: tuple[Condition, ...] = ()  # log facts that name this cause too (kb.facts)
    unless: tuple[Condition, ...] = ()  # log facts under which it is not this cause
    only_if: tuple[Condition, ...] = ()  # log facts without which it is not this cause
    explains: tuple[str, ...] = ()  # ids that follow from this cause when both are in a log
    confidence: str = "high"  # how surely one of its patterns means this cause
    fail_with: tuple[str, ...] = ()  # facts that make it certain to fail (see severity_for)
    # pattern group -> probe fact: a log line names this cause only where the probes know the
    # fact and the group equals it (the log alone cannot tell, so without probes it never does)
    project_match: Mapping[str, str] = field(default_factory=dict)

    # Compiled on first use: a check without a log never needs them, and compiling all of
    # them costs more than reading the whole knowledge base.
    @cached_property
    def patterns(self) -> tuple[Pattern[str], ...]:
        return _compile(self.pattern_texts, self.id)

    @cached_property
    def exclude(self) -> tuple[Pattern[str], ...]:
        return _compile(self.exclude_texts, self.id)

    @cached_property
    def context(self) -> tuple[Pattern[str], ...]:
        return _compile(self.context_texts, self.id)

    def severity_for(self, values: Mapping[str, Any]) -> Severity:
        """The severity of this cause given what is known: the entry's own, or fail when a
        fact of `fail_with` is known. The one rule a check and a log diagnosis both follow."""
        if any(values.get(name) not in (None, "") for name in self.fail_with):
            return Severity.FAIL
        return self.severity

    @property
    def group_names(self) -> set[str]:
        """The named groups of the patterns, read without compiling them."""
        return {name for text in self.pattern_texts for name in GROUP_NAME.findall(text)}


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise KnowledgeError(f"{where}: expected a list of strings")
    return tuple(value)


def _conditions(raw: Any, where: str) -> tuple[Condition, ...]:
    try:
        return conditions(raw, where)
    except FactError as exc:
        raise KnowledgeError(str(exc)) from None


def _confidence(raw: Any, where: str) -> str:
    if raw not in CONFIDENCES:
        raise KnowledgeError(f"{where}: confidence is high, medium or low")
    return str(raw)


def _compile(patterns: Iterable[str], entry_id: str) -> tuple[Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise KnowledgeError(f"[{entry_id}]: bad regex {pattern!r}: {exc}") from None
    return tuple(compiled)


def _fix(raw: Any, where: str) -> FixTemplate:
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{where}: a fix must be a table")
    unknown = set(raw) - FIX_KEYS
    if unknown:
        raise KnowledgeError(f"{where}: unknown keys {sorted(unknown)}")
    kinds = [k for k in STEP_KINDS if k in raw]
    if len(kinds) != 1:
        raise KnowledgeError(f"{where}: needs exactly one of {', '.join(STEP_KINDS)}")
    platform = raw.get("platform", "any")
    if platform not in PLATFORMS:
        raise KnowledgeError(f"{where}: unknown platform {platform!r}")
    edit = raw.get("edit")
    if edit is not None and not {"file", "key", "value"} <= set(edit) <= EDIT_KEYS:
        raise KnowledgeError(f"{where}: an edit has file, key and value, and may have remove")
    patch = raw.get("patch")
    if patch is not None and (
        not isinstance(patch, dict)
        or set(patch) != {"file", "line", "old", "new"}
        or not all(isinstance(v, str) for v in patch.values())
    ):
        raise KnowledgeError(f"{where}: a patch has exactly file, line, old and new, as strings")
    shown_only = kinds[0] in ("env", "unset", "text")  # the user's shell or hands carry them out
    if "unset" in raw and (
        not raw["unset"] or not all(isinstance(n, str) and VARIABLE.match(n) for n in raw["unset"])
    ):
        raise KnowledgeError(f"{where}: unset lists variable names (or a placeholder)")
    applicability = raw.get("applicability", "manual" if shown_only else "confirm")
    if applicability not in ("confirm", "manual"):
        raise KnowledgeError(f"{where}: applicability is confirm or manual")
    if not isinstance(raw.get("alternative", False), bool):
        raise KnowledgeError(f"{where}: alternative is true or false")
    guards = {}
    for tool in GUARD_FACTS:
        if tool in raw:
            try:
                guards[tool] = VersionSpec(str(raw[tool]))
            except ValueError:  # packaging's InvalidSpecifier
                raise KnowledgeError(f"{where}: {tool} is not a version specifier") from None
    return FixTemplate(
        summary=str(raw.get("summary", "")),
        platform=platform,
        argv=_strings(raw.get("argv", []), where),
        edit=dict(edit) if edit else None,
        env=dict(raw["env"]) if "env" in raw else None,
        text=str(raw.get("text", "")),
        applicability=Applicability(applicability),
        patch=dict(patch) if patch else None,
        unset=_strings(raw.get("unset", []), where),
        guards=guards,
        requires=_strings(raw.get("requires", []), where),
        when_unknown=_strings(raw.get("when_unknown", []), where),
        alternative=raw.get("alternative", False),
    )


def parse_entries(text: str, source: str) -> dict[str, Entry]:
    return entries_from(parse_toml(text, source), source)


def entries_from(tables: Mapping[str, Any], source: str) -> dict[str, Entry]:
    """The entries of one knowledge file's parsed tables, each checked on its own."""
    entries = {}
    for entry_id, raw in tables.items():
        where = f"{source} [{entry_id}]"
        if not ID_SHAPE.match(entry_id) or not isinstance(raw, dict):
            raise KnowledgeError(f"{where}: ids are kebab-case tables")
        unknown = set(raw) - ENTRY_KEYS
        if unknown:
            raise KnowledgeError(f"{where}: unknown keys {sorted(unknown)}")
        for key in ("title", "severity", "why"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise KnowledgeError(f"{where}: {key} is required")
        try:
            severity = Severity(raw["severity"])
        except ValueError:
            raise KnowledgeError(f"{where}: severity is warn or fail") from None
        if raw.get("fail_with") and severity is Severity.FAIL:
            raise KnowledgeError(f"{where}: fail_with only raises a warn entry to fail")
        if not isinstance(raw.get("priority", 50), int) or isinstance(raw.get("priority"), bool):
            raise KnowledgeError(f"{where}: priority is an integer")
        if raw.get("patterns") and not raw.get("needles"):
            raise KnowledgeError(f"{where}: patterns need needles (the log prefilter)")
        if any(not n for n in raw.get("needles", [])):
            raise KnowledgeError(f"{where}: a needle is empty")
        entries[entry_id] = Entry(
            id=entry_id,
            title=raw["title"].strip(),
            severity=severity,
            priority=int(raw.get("priority", 50)),
            why=" ".join(raw["why"].split()),
            probes=_strings(raw.get("probes", []), where),
            docs=_strings(raw.get("docs", []), where),
            needles=_strings(raw.get("needles", []), where),
            pattern_texts=_strings(raw.get("patterns", []), where),
            exclude_texts=_strings(raw.get("exclude", []), where),
            fixes=tuple(_fix(f, f"{where} fix {i}") for i, f in enumerate(raw.get("fix", []))),
            source_file=source,
            context_texts=_strings(raw.get("context", []), where),
            alternatives=_strings(raw.get("alternatives", []), where),
            when=_conditions(raw.get("when"), f"{where} when"),
            unless=_conditions(raw.get("unless"), f"{where} unless"),
            only_if=_conditions(raw.get("only_if"), f"{where} only_if"),
            explains=_strings(raw.get("explains", []), where),
            confidence=_confidence(raw.get("confidence", "high"), where),
            fail_with=_strings(raw.get("fail_with", []), where),
            project_match=_project_match(raw, where),
        )
    return entries


def _project_match(raw: Mapping[str, Any], where: str) -> dict[str, str]:
    value = raw.get("project_match", {})
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise KnowledgeError(f"{where}: project_match maps pattern groups to fact names")
    groups = {g for p in raw.get("patterns", []) for g in GROUP_NAME.findall(p)}
    missing = set(value) - groups
    if missing:
        raise KnowledgeError(f"{where}: project_match names no pattern group {sorted(missing)}")
    return dict(value)


def validate(
    entries: Mapping[str, Entry],
    known_facts: set[str],
    probe_ids: set[str],
    all_ids: Iterable[str] | None = None,
) -> None:
    """Check what a single file cannot: probe ids exist, placeholders can be filled, and
    alternatives name other entries (of `all_ids`, when only some entries are given)."""
    ids = set(entries if all_ids is None else all_ids)
    for entry in entries.values():
        for probe_id in entry.probes:
            if probe_id not in probe_ids:
                raise KnowledgeError(f"[{entry.id}]: unknown probe {probe_id!r}")
        for other in entry.alternatives:
            if other not in ids or other == entry.id:
                raise KnowledgeError(f"[{entry.id}]: unknown alternative {other!r}")
        for other in entry.explains:
            if other not in ids or other == entry.id:
                raise KnowledgeError(f"[{entry.id}]: explains an unknown id {other!r}")
        allowed = known_facts | entry.group_names | BUILTIN_PLACEHOLDERS | set(LOG_FACTS)
        used = set(PLACEHOLDER.findall(entry.why)) | set(entry.fail_with)
        for fix in entry.fixes:
            used |= fix.placeholders() | set(fix.requires) | set(fix.when_unknown)
        unknown = used - allowed
        if unknown:
            raise KnowledgeError(f"[{entry.id}]: unknown placeholders {sorted(unknown)}")


def _entry_files() -> dict[str, dict[str, Any]]:
    """Each knowledge file's parsed tables (the cache's, see kb.files), by file name; the
    files in NOT_ENTRIES hold other things than entries."""
    from pyo3_doctor.kb.files import parsed

    return {name: tables for name, tables in parsed().items() if name not in NOT_ENTRIES}


@dataclass(frozen=True)
class Vocabulary:
    """What entries may name besides themselves: the probes that exist and the facts they
    report. Given by the caller (pyo3_doctor.engine), which knows the probe registry."""

    probe_ids: frozenset[str]
    facts: frozenset[str]


@lru_cache(maxsize=1)
def load(vocabulary: Vocabulary) -> dict[str, Entry]:
    """Every entry of the shipped knowledge base, validated against `vocabulary`."""
    entries: dict[str, Entry] = {}
    for name, tables in _entry_files().items():
        for entry_id, entry in entries_from(tables, name).items():
            if entry_id in entries:
                raise KnowledgeError(f"{name}: [{entry_id}] is defined twice")
            entries[entry_id] = entry
    validate(entries, set(vocabulary.facts), set(vocabulary.probe_ids))
    return entries


def prepare() -> None:
    """Read what entry() builds from, ahead of time (a check does it while probes wait)."""
    _entry_files()


@cache
def entry(entry_id: str, vocabulary: Vocabulary) -> Entry:
    """One entry, built and validated on its own (KeyError if there is none): a check needs
    the few it found, and building all of them costs more than the rest of its own work."""
    if load.cache_info().currsize:
        return load(vocabulary)[entry_id]
    tables = _entry_files()
    holders = [name for name, t in tables.items() if entry_id in t]
    if len(holders) > 1:
        raise KnowledgeError(f"{holders[1]}: [{entry_id}] is defined twice")
    if not holders:
        raise KeyError(entry_id)
    built = entries_from({entry_id: tables[holders[0]][entry_id]}, holders[0])
    all_ids = {i for t in tables.values() for i in t}
    validate(built, set(vocabulary.facts), set(vocabulary.probe_ids), all_ids)
    return built[entry_id]


@lru_cache(maxsize=1)
def fact_rules() -> dict[str, FactRule]:
    """The log fact rules of knowledge/facts.toml."""
    from pyo3_doctor.kb.files import parsed

    try:
        return rules_from(parsed().get("facts.toml", {}), "facts.toml")
    except FactError as exc:
        raise KnowledgeError(str(exc)) from None
