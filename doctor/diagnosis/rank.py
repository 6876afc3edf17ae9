"""One root cause for the whole log: every candidate weighed against the others.

Candidates come from entries' patterns (a line in a producer's own wording) and from the facts
the log states (kb.facts: a missing program, undefined CPython symbols, a failed build script,
...), which name a cause whoever printed them. Then:

- a cause whose `unless` facts are in the log is not this cause (undefined Python symbols
  while linking a test binary are `cargo test` without libpython, not macOS link flags);
- a cause that `explains` another takes that one in as a consequence (a PyInit import error
  explains maturin's warning that the symbol is missing);
- the rest are ordered by the entries' priority (the more specific and the more upstream,
  the higher: a missing program beats the compile errors it causes), then by the earliest
  line, since in a build log the first failure is the cause and later ones cascade from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pyo3_doctor.diagnosis.matcher import Fact, Hit, Scan
from pyo3_doctor.kb.entries import Entry

_RANK = {"high": 3, "medium": 2, "low": 1}


@dataclass
class Cause:
    """A cause the log points at: where first, how surely, and what it rests on."""

    entry: Entry
    line_no: int
    line: str
    groups: dict[str, str]
    confidence: str
    before: list[tuple[int, str]] = field(default_factory=list)
    after: list[tuple[int, str]] = field(default_factory=list)
    count: int = 1
    facts: list[Fact] = field(default_factory=list)  # the log facts it was named from
    explained: list[tuple[str, int]] = field(default_factory=list)  # (id, line) it takes in


def _from_hit(hit: Hit) -> Cause:
    return Cause(
        hit.entry,
        hit.line_no,
        hit.line,
        dict(hit.groups),
        hit.entry.confidence,
        list(hit.before),
        list(hit.after),
        hit.count,
    )


def _from_facts(entry: Entry, facts: Mapping[str, Sequence[Fact]]) -> Cause | None:
    """The cause an entry's `when` names from the log's facts, at its earliest fact."""
    best: Cause | None = None
    for condition in entry.when:
        chosen = condition.matches(facts)
        if chosen is None:
            continue
        used = sorted(chosen.values(), key=lambda f: f.line_no)
        first = used[0]
        weakest = min([_RANK[condition.confidence], *(_RANK[f.confidence] for f in used)])
        confidence = next(k for k, v in _RANK.items() if v == weakest)
        cause = Cause(
            entry,
            first.line_no,
            first.line,
            {f.kind: f.value for f in used},
            confidence,
            before=list(first.before),
            facts=used,
        )
        if best is None or (_RANK[cause.confidence], -cause.line_no) > (
            _RANK[best.confidence],
            -best.line_no,
        ):
            best = cause
    return best


def _merge(by_pattern: Cause, by_facts: Cause) -> Cause:
    """The same cause seen both ways: the surer and earlier evidence, every fact."""
    lead = by_pattern if _RANK[by_pattern.confidence] >= _RANK[by_facts.confidence] else by_facts
    other = by_facts if lead is by_pattern else by_pattern
    if other.line_no < lead.line_no and other.confidence == lead.confidence:
        lead, other = other, lead
    lead.groups = {**other.groups, **lead.groups}
    lead.facts = [*by_facts.facts]
    lead.count = max(lead.count, other.count)
    return lead


def _admitted(entry: Entry, facts: Mapping[str, Sequence[Fact]]) -> bool:
    """Whether the log's facts let this entry be the cause: none of its `unless` holds and,
    when it has `only_if`, one of those does."""
    if any(u.matches(facts) for u in entry.unless):
        return False
    return not entry.only_if or any(o.matches(facts) for o in entry.only_if)


def _fits_project(cause: Cause, known: Mapping[str, object]) -> bool:
    """An entry with `project_match` names a cause only where the log's value is the one the
    probes found in this project (`No module named 'fast_demo'` where `fast-demo` builds
    `ftdemo`); without probes it never does."""
    for group, fact in cause.entry.project_match.items():
        value, wanted = cause.groups.get(group), known.get(fact)
        if not value or not isinstance(wanted, str) or value.lower() != wanted.lower():
            return False
    return True


def causes(
    scan: Scan, entries: Iterable[Entry], known: Mapping[str, object] | None = None
) -> list[Cause]:
    """The causes in the log, root cause first; `known`: the probes' facts, where they ran."""
    found: dict[str, Cause] = {hit.entry.id: _from_hit(hit) for hit in scan.hits}
    for entry in entries:
        if not entry.when:
            continue
        cause = _from_facts(entry, scan.facts)
        if cause is None:
            continue
        found[entry.id] = _merge(found[entry.id], cause) if entry.id in found else cause
    for entry_id in [
        i
        for i, c in found.items()
        if not _admitted(c.entry, scan.facts) or not _fits_project(c, known or {})
    ]:
        del found[entry_id]
    if scan.facts.get("foreign_tool") and not scan.facts.get("python_tool"):
        return []  # npm, napi-rs, ...: another ecosystem's log names no PyO3 cause
    for cause in list(found.values()):
        if found.get(cause.entry.id) is not cause:  # taken in by another already
            continue
        for other in cause.entry.explains:
            taken = found.pop(other, None)
            if taken is not None and other != cause.entry.id:
                cause.explained.append((other, taken.line_no))
    return sorted(found.values(), key=lambda c: (-c.entry.priority, c.line_no))
