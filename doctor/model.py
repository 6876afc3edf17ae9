"""The result model every front end shares: facts from probes, findings from knowledge.

Nothing here does I/O. Probes build `ProbeResult`s, the engine turns the knowledge ids they
name into `Finding`s with filled-in fixes, and the renderers (text, JSON, TUI) only format a
`Report`. Text in these objects may come from tools, logs or project files: it is untrusted
until `pyo3_doctor.textsafe` has cleaned it for display.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


class Status(str, enum.Enum):
    OK = "ok"
    WARN = "warn"  # works today, but a known trap is armed
    FAIL = "fail"
    SKIP = "skip"  # does not apply to this machine or project
    CRASH = "crash"  # the probe itself raised: our failure, reported, never fatal
    TIMEOUT = "timeout"  # the probe did not answer before its deadline


class Severity(str, enum.Enum):
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Evidence:
    """One tool run: what was executed and what it said."""

    argv: tuple[str, ...]
    exit_code: int | None  # None: the tool was missing or was killed
    output: str  # stdout and stderr, capped and decoded with replacement
    note: str = ""  # "not found", "timed out after 10s", ...


@dataclass(frozen=True)
class Detected:
    """A knowledge id a probe found, with the details that fill its text and fixes."""

    id: str
    severity: Severity
    details: Mapping[str, str] = field(default_factory=dict)
    location: str | None = None  # "path:line[:col]" when the cause sits in a file


def status_of(detected: Sequence[Detected]) -> Status:
    """A probe's status from what it found: fail if anything fails, warn if anything warns."""
    if not detected:
        return Status.OK
    return Status.FAIL if any(d.severity is Severity.FAIL for d in detected) else Status.WARN


def fail(entry_id: str, location: str | None = None, **details: str) -> Detected:
    """A knowledge id found at fail level, with the details that fill its text."""
    return Detected(entry_id, Severity.FAIL, details, location)


def warn(entry_id: str, location: str | None = None, **details: str) -> Detected:
    """A knowledge id found at warn level, with the details that fill its text."""
    return Detected(entry_id, Severity.WARN, details, location)


@dataclass(frozen=True)
class ProbeResult:
    """What one probe saw: its status, a one-line summary, facts and evidence."""

    probe: str  # the probe's id (its module name)
    status: Status
    summary: str  # one line: what was seen
    facts: Mapping[str, Any] = field(default_factory=dict)  # JSON values; they fill fixes
    evidence: tuple[Evidence, ...] = ()
    detected: tuple[Detected, ...] = ()
    seconds: float = 0.0
    error: str | None = None  # the traceback of a crash (crash log and -v only)
    title: str = ""  # the probe's title, as reports show it (set by the engine)

    @property
    def shown_title(self) -> str:
        return self.title or self.probe


# The kinds of fix step, each carried by the FixStep field of its name (fixing.steps.KINDS says
# how each is previewed and applied).
STEP_KINDS = ("argv", "edit", "patch", "env", "unset", "text")


class Applicability(str, enum.Enum):
    CONFIRM = "confirm"  # can be applied by the tool after the user says yes
    MANUAL = "manual"  # shown only: the user has to do it


@dataclass(frozen=True)
class FixStep:
    """One way to fix a finding. Exactly one of argv, edit, patch, env, unset or text carries
    it."""

    summary: str
    argv: tuple[str, ...] = ()  # run without a shell
    edit: Mapping[str, str] | None = None  # {"file", "key", "value"}: a TOML edit
    # {"file", "line", "old", "new"}: replace line `line` (1-based), which must read exactly
    # `old` (no line ending), with `new` (may hold several lines): a source edit
    patch: Mapping[str, str] | None = None
    env: Mapping[str, str] | None = None  # variables for the user to set
    unset: tuple[str, ...] = ()  # variables for the user to remove from their shell
    text: str = ""  # prose for a manual step
    applicability: Applicability = Applicability.CONFIRM
    platform: str = "any"
    # it fixes the finding on its own, as the steps ranked above it do (a way out of its own,
    # not a step for another case): `fix` may take it when those are for the user to do
    alternative: bool = False
    missing: tuple[str, ...] = ()  # placeholders no fact could fill (the step is then manual)
    unknown: tuple[str, ...] = ()  # for each, in words: what is unknown and how to find it

    @property
    def kind(self) -> str:
        """Which of STEP_KINDS this step is: the first field that carries it."""
        return next((k for k in STEP_KINDS[:-1] if getattr(self, k)), "text")

    @property
    def can_apply(self) -> bool:
        """The tool may carry it out once the user says yes: a command, edit or patch that is
        not manual and has every placeholder filled."""
        return (
            self.applicability is Applicability.CONFIRM
            and not self.missing
            and bool(self.argv or self.edit or self.patch)
        )


@dataclass(frozen=True)
class Finding:
    """A known problem found on this machine or in a log, with its fixes filled in."""

    id: str  # knowledge id, a public contract
    severity: Severity
    title: str
    why: str
    source: str  # "probe:<id>" or "log:<line>"
    evidence: tuple[str, ...] = ()  # what was seen, one line each
    fixes: tuple[FixStep, ...] = ()
    docs: tuple[str, ...] = ()
    location: str | None = None
    recheck: tuple[str, ...] = ()  # probe ids that confirm the fix worked
    confidence: str = "high"  # "high" | "medium" | "low": how surely the evidence means it
    explains: tuple[tuple[str, int], ...] = ()  # (id, log line; 0 in a check) it takes in


@dataclass(frozen=True)
class LogSummary:
    """diagnose: how much of the log was read, and its first error with the lines after it
    (what a reader should look at when no known cause is found)."""

    lines: int
    first_error: tuple[int, tuple[str, ...]] | None = None  # (line, its text and the next)


@dataclass(frozen=True)
class Report:
    """One run's result: every renderer (text, JSON, GitHub, TUI) formats this."""

    context: Mapping[str, Any]
    probes: tuple[ProbeResult, ...]  # registry order
    findings: tuple[Finding, ...]  # fail before warn, then registry or log order
    log: LogSummary | None = None  # diagnose only

    @property
    def counts(self) -> tuple[int, int]:
        """(findings at fail, findings at warn): every summary line says these."""
        fails = sum(f.severity is Severity.FAIL for f in self.findings)
        return fails, len(self.findings) - fails

    @property
    def status(self) -> Status:
        severities = {f.severity for f in self.findings}
        if Severity.FAIL in severities:
            return Status.FAIL
        if Severity.WARN in severities:  # crash and timeout come as warn findings
            return Status.WARN
        return Status.OK


def judged(
    probe: str,
    summary: str,
    facts: Mapping[str, Any] | None = None,
    evidence: Sequence[Evidence] = (),
    found: Sequence[Detected] = (),
) -> ProbeResult:
    """A probe's result whose status is what it found: ok, or the worst finding's level."""
    return ProbeResult(
        probe, status_of(found), summary, dict(facts or {}), tuple(evidence), tuple(found)
    )


def skipped(
    probe: str,
    reason: str,
    facts: Mapping[str, Any] | None = None,
    evidence: Sequence[Evidence] = (),
    found: Sequence[Detected] = (),
) -> ProbeResult:
    """A probe that does not apply here, and why; with findings it still warns about them."""
    status = status_of(found) if found else Status.SKIP
    return ProbeResult(probe, status, reason, dict(facts or {}), tuple(evidence), tuple(found))
