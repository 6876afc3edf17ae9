"""`pyo3-doctor diagnose [FILE|-]`: the root cause of a pasted error or a whole build log.

The log is scanned by diagnosis.matcher while the probes run in a thread; their facts then fill
the fixes, and each finding is confirmed or weakened by what the machine shows now. Findings
come best first (priority, then the earliest line: in a build log the first error is usually
the cause and the later ones cascade from it).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from pyo3_doctor.context import Context
from pyo3_doctor.diagnosis.matcher import Matcher, Scan
from pyo3_doctor.diagnosis.rank import Cause, causes
from pyo3_doctor.kb.entries import Entry
from pyo3_doctor.kb.facts import LOG_FACTS
from pyo3_doctor.model import Detected, Finding, LogSummary, ProbeResult, Report, Status
from pyo3_doctor.textsafe import clean_line

CONTEXT_WIDTH = 300  # characters of a context line kept in evidence


@dataclass(frozen=True)
class Diagnosis:
    """A diagnosed log: the report of what it matched, and the scan behind it."""

    report: Report  # findings best first; probes when they ran
    scan: Scan


def matcher() -> Matcher:
    from pyo3_doctor.engine import knowledge_base
    from pyo3_doctor.kb.entries import fact_rules

    return Matcher(knowledge_base().values(), fact_rules().values())


def scan_log(matcher: Matcher, stream: BinaryIO) -> Scan:
    """One pass over the log: grep's once it is big, else the Python scanner's (both give
    the same Scan)."""
    from pyo3_doctor.diagnosis import grepscan

    return grepscan.scan(matcher, stream)


def root_causes(stream: BinaryIO) -> list[Cause]:
    """The causes a log names, root cause first, without asking this machine anything."""
    from pyo3_doctor.engine import knowledge_base

    return causes(scan_log(matcher(), stream), knowledge_base().values())


def diagnose(stream: BinaryIO, ctx: Context, with_probes: bool = True) -> Diagnosis:
    """Scan the log (raises matcher.BinaryInput) while the probes run, then merge."""
    results: list[ProbeResult] = []
    worker = None
    if with_probes:
        from pyo3_doctor.engine import run_probes
        from pyo3_doctor.probes import BY_ID

        def run() -> None:
            results.extend(run_probes(tuple(BY_ID.values()), ctx))

        worker = threading.Thread(target=run, daemon=True, name="diagnose-probes")
        worker.start()
    scan = scan_log(matcher(), stream)
    if worker is not None:
        # run_probes enforces each probe's deadline, so this wait is bounded
        worker.join()
    return Diagnosis(build(scan, results, ctx), scan)


def build(scan: Scan, results: Sequence[ProbeResult], ctx: Context, live: bool = False) -> Report:
    """The report of a scanned log. `live`: the log is the output of a command that ran here
    just now (`run`), so it cannot come from another machine or an earlier state."""
    from pyo3_doctor.engine import context_summary, in_registry_order, knowledge_base, merged_facts

    probes = in_registry_order(results)
    facts = merged_facts(probes)
    found = causes(scan, knowledge_base().values(), facts)
    findings = [_finding(cause, probes, facts, ctx, live) for cause in found]
    first = scan.first_error
    log = LogSummary(
        scan.lines,
        None
        if first is None
        else (first.line_no, tuple(_short(t) for _, t in ((0, first.line), *first.after))),
    )
    return Report(context_summary(ctx, facts), probes, tuple(findings), log)


def _finding(
    cause: Cause,
    probes: Sequence[ProbeResult],
    facts: Mapping[str, Any],
    ctx: Context,
    live: bool = False,
) -> Finding:
    from pyo3_doctor.engine import finding_for, knowledge_base

    entry = cause.entry
    detected_by = {d.id: (r, d) for r in probes for d in r.detected}
    chosen, note = entry.id, ""
    details: dict[str, Any] = {}
    for other in entry.alternatives:
        if other in detected_by:
            result, det = detected_by[other]
            chosen = other
            details = dict(det.details)
            note = (
                f"the log reads like {entry.id}, but the {result.probe} check finds {other}: "
                f"{result.summary}"
            )
            break
    else:
        if chosen in detected_by:  # the machine shows the same cause: its details fill the fix
            details = dict(detected_by[chosen][1].details)
    evidence = [f"line {cause.line_no}: {_short(cause.line)}"]
    evidence += [f"the log shows {LOG_FACTS[f.kind]}: {_short(f.value)}" for f in cause.facts]
    evidence += [
        f"line {f.line_no}: {_short(f.line)}" for f in cause.facts if f.line_no != cause.line_no
    ]
    if cause.count > 1:
        evidence.append(f"seen {cause.count} times in the log")
    for other, line in cause.explained:
        evidence.append(f"also in the log, and follows from it: {other} (line {line})")
    if note:
        evidence.append(note)
    evidence.extend(_confirmation(knowledge_base()[chosen], probes, live))
    if cause.before or cause.after:
        evidence.append("context:")
        for number, text in (*cause.before, (cause.line_no, cause.line), *cause.after):
            mark = ">" if number == cause.line_no else " "
            evidence.append(f"{mark}{number:>6} | {_short(text)}")
    detected = Detected(chosen, knowledge_base()[chosen].severity, details)
    return finding_for(
        detected,
        f"log:{cause.line_no}",
        facts,
        ctx,
        evidence,
        log_values=cause.groups,
        confidence=cause.confidence,
        explains=cause.explained,
    )


def _confirmation(entry: Entry, results: Sequence[ProbeResult], live: bool = False) -> list[str]:
    """What the machine says now about the cause the log shows."""
    lines = []
    for result in results:
        if result.probe not in entry.probes:
            continue
        if entry.project_match:  # matched on this project's facts: they are the confirmation
            lines.append(f"this project, by the {result.probe} check: {result.summary}")
        elif any(d.id == entry.id for d in result.detected):
            lines.append(f"confirmed on this machine by the {result.probe} check: {result.summary}")
        elif result.status is Status.OK and live:
            lines.append(
                f"the {result.probe} check does not see it ({result.summary}); "
                "the command's output just now shows it"
            )
        elif result.status is Status.OK:
            lines.append(
                f"not seen on this machine now ({result.probe} check: {result.summary}); "
                "the log may come from another machine or an earlier state"
            )
    return lines


def _short(text: str) -> str:
    text = clean_line(text)
    return text if len(text) <= CONTEXT_WIDTH else text[: CONTEXT_WIDTH - 1] + "…"
