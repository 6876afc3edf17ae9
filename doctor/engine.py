"""Runs probes concurrently with deadlines, then turns what they found into findings.

Threads, not asyncio: probes are blocking subprocess calls and plain functions are easiest to
write and test; `--json` needs no event loop and the TUI consumes the same generator from a
worker thread. Threads are daemons so a wedged probe never holds the interpreter open; the
tools it started die at the same deadline (pyo3_doctor.system.proc bounds them per thread).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import queue
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

from pyo3_doctor.context import Context
from pyo3_doctor.kb import entries as knowledge
from pyo3_doctor.kb import templates
from pyo3_doctor.kb.entries import Entry, Vocabulary
from pyo3_doctor.kb.packages import for_values as system_packages
from pyo3_doctor.model import (
    Detected,
    Finding,
    FixStep,
    ProbeResult,
    Report,
    Severity,
    Status,
)
from pyo3_doctor.probes import BY_ID, Probe, known_facts
from pyo3_doctor.system.proc import ToolTimeout, set_deadline, which


def run_probes(
    probes: Sequence[Probe], ctx: Context, cancelled: threading.Event | None = None
) -> Iterator[ProbeResult]:
    """Yield one result per probe, in completion order; a late probe yields TIMEOUT. Once
    `cancelled` is set (the TUI quitting), stop within a tenth of a second: the probes'
    threads are daemons and their tools are killed at exit, so nothing waits for a hung one."""
    done: queue.Queue[ProbeResult] = queue.Queue()
    started: dict[str, float] = {}
    titles = {p.ID: p.TITLE for p in probes}
    for p in probes:
        started[p.ID] = time.monotonic()
        thread = threading.Thread(
            target=_guarded, args=(p, ctx, done), daemon=True, name=f"probe-{p.ID}"
        )
        thread.start()
    waiting = set(started)
    while waiting:
        if cancelled is not None and cancelled.is_set():
            return
        deadline = min(started[i] for i in waiting) + ctx.timeout
        wait = max(0.0, deadline - time.monotonic())
        try:
            result = done.get(timeout=wait if cancelled is None else min(wait, 0.1))
        except queue.Empty:
            now = time.monotonic()
            for pid in sorted(i for i in waiting if now - started[i] >= ctx.timeout):
                waiting.discard(pid)
                yield ProbeResult(
                    pid,
                    Status.TIMEOUT,
                    f"no answer after {ctx.timeout:g}s (its tools were killed)",
                    seconds=now - started[pid],
                    detected=(Detected("probe-timeout", Severity.FAIL),),
                    title=titles[pid],
                )
            continue
        if result.probe in waiting:  # a straggler past its deadline was already reported
            waiting.discard(result.probe)
            yield result


def _guarded(p: Probe, ctx: Context, done: queue.Queue[ProbeResult]) -> None:
    t0 = time.monotonic()
    set_deadline(t0 + ctx.timeout)
    try:
        result = p.probe(ctx)
    except ToolTimeout as exc:
        result = ProbeResult(
            p.ID,
            Status.TIMEOUT,
            f"{exc} (killed); a slower machine may need --timeout above {ctx.timeout:g}",
            evidence=(exc.evidence,),
            detected=(Detected("probe-timeout", Severity.FAIL),),
        )
    except Exception as exc:  # flutter's crash result: reported, never fatal
        import traceback  # (3.11's pulls in textwrap: 5 ms no healthy run needs)

        result = ProbeResult(
            p.ID,
            Status.CRASH,
            f"the probe crashed: {type(exc).__name__}: {exc}",
            error=traceback.format_exc(),
            detected=(Detected("probe-crash", Severity.WARN),),
        )
    result = dataclasses.replace(result, seconds=time.monotonic() - t0, title=p.TITLE)
    with contextlib.suppress(Exception):  # a broken knowledge base: met when findings are built
        result = settled(result)
    done.put(result)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The probe registry as the knowledge base sees it: which probes and facts exist."""
    return Vocabulary(frozenset(BY_ID), frozenset(known_facts()))


def knowledge_base() -> dict[str, Entry]:
    """Every knowledge entry, validated against the probe registry."""
    return knowledge.load(vocabulary())


def knowledge_entry(entry_id: str) -> Entry:
    """One knowledge entry, built alone (a check needs the few it found); KeyError if none."""
    return knowledge.entry(entry_id, vocabulary())


def _prepare() -> None:
    knowledge.prepare()
    vocabulary()


def merged_facts(results: Sequence[ProbeResult]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for result in results:
        facts.update({k: v for k, v in result.facts.items() if v is not None})
    return facts


def finding_for(
    detected: Detected,
    source: str,
    facts: Mapping[str, Any],
    ctx: Context,
    evidence: Sequence[str] = (),
    log_values: Mapping[str, Any] | None = None,
    confidence: str = "high",
    explains: Sequence[tuple[str, int]] = (),
) -> Finding:
    """Attach knowledge to a detected cause and fill its fixes for this machine. The severity
    is the entry's rule (Entry.severity_for), wherever the cause was found (a check or a
    log). `log_values` are what a
    log said (its regex groups and facts): they win over this machine's facts, and `why`
    marks the machine's values when it mixes both."""
    entry = knowledge_entry(detected.id)
    from_log = dict(log_values or {})
    values = {**facts, **detected.details, **from_log}
    for name in _other_interpreter(values, from_log):
        values.pop(name, None)
    packages = system_packages(values, ctx.platform.package_manager)
    if packages:
        values["system_packages"] = packages
    from_machine = set(facts) - set(from_log) - set(detected.details) if from_log else set()
    tags = ctx.platform.tags
    rendered = (
        templates.render_fix(t, values, ctx.platform.is_root)
        for t in entry.fixes
        if t.platform in tags and templates.fix_applies(t, values)
    )
    fixes = tuple(step for step in rendered if _program_here(step, ctx))
    return Finding(
        id=entry.id,
        severity=entry.severity_for(values),
        title=entry.title,
        why=templates.fill_why(entry, values, from_machine),
        source=source,
        evidence=tuple(evidence),
        fixes=fixes,
        docs=entry.docs,
        location=detected.location,
        recheck=entry.probes,
        confidence=confidence,
        explains=tuple(explains),
    )


# Facts that describe the target interpreter's own files: wrong for another Python's.
INTERPRETER_FILES = ("libdir", "ldlibrary", "include_dir", "python_prefix", "python_base")
_LOG_PYTHON = re.compile(r"(?:libpython|python)(3)\.?(\d{1,2})(?!\d)", re.I)


def _other_interpreter(values: Mapping[str, Any], from_log: Mapping[str, Any]) -> list[str]:
    """The machine's interpreter facts to leave out when the log names another Python (a
    missing libpython3.10 while the Python here is 3.12: its lib folder holds no 3.10)."""
    said = _LOG_PYTHON.search(str(from_log.get("lib") or ""))
    here = str(values.get("python_minor") or "")
    if said is None or not here or f"{said.group(1)}.{said.group(2)}" == here:
        return []
    return [name for name in INTERPRETER_FILES if name not in from_log]


def _program_here(step: FixStep, ctx: Context) -> bool:
    """Whether a command step's program is on this machine: `conda config` where there is no
    conda, or `rustup default` with rustup off PATH, fixes nothing by running and is not
    offered. The program after `sudo` is the one that matters; a placeholder left unfilled
    (the step is then manual, with its default) is not looked for."""
    if not step.argv or step.missing:
        return True
    program = step.argv[1] if step.argv[0] == "sudo" and len(step.argv) > 1 else step.argv[0]
    if os.sep in program or (os.altsep and os.altsep in program):
        return os.access(program, os.X_OK)
    return which(program, ctx.env) is not None


def _severity(detected: Detected, facts: Mapping[str, Any]) -> Severity:
    try:
        entry = knowledge_entry(detected.id)
    except KeyError:  # not in the knowledge base (a test's own probe): as the probe says
        return detected.severity
    return entry.severity_for({**facts, **detected.details})


def settled(result: ProbeResult) -> ProbeResult:
    """A probe's result with the status its findings have in the knowledge base: an id's
    severity is the entry's rule, whichever probe or log finds it."""
    if not result.detected or result.status in (Status.CRASH, Status.TIMEOUT):
        return result
    severities = {_severity(d, result.facts) for d in result.detected}
    status = Status.FAIL if Severity.FAIL in severities else Status.WARN
    return result if status is result.status else dataclasses.replace(result, status=status)


def in_registry_order(results: Sequence[ProbeResult]) -> tuple[ProbeResult, ...]:
    """Results as reports list them: registry order, unregistered probes (tests) last."""
    order = {pid: i for i, pid in enumerate(BY_ID)}
    return tuple(sorted(results, key=lambda r: order.get(r.probe, len(order))))


def build_report(results: Sequence[ProbeResult], ctx: Context) -> Report:
    ordered = in_registry_order(results)
    facts = merged_facts(ordered)
    findings: list[Finding] = []
    for result in ordered:
        for detected in result.detected:
            findings.append(
                finding_for(detected, f"probe:{result.probe}", facts, ctx, (result.summary,))
            )
    findings = taken_in(findings)
    findings.sort(key=lambda f: f.severity is not Severity.FAIL)  # stable: fail first
    return Report(context=context_summary(ctx, facts), probes=ordered, findings=tuple(findings))


def taken_in(findings: list[Finding]) -> list[Finding]:
    """A finding whose cause explains another one found too takes it in (module-name-mismatch
    explains the import failure it causes), as diagnose does for a log: one cause, not two.
    Never one more severe than itself: a warning that took in a failure would let a broken
    project pass a gate (a maturin range that does not fit beside a Cargo.toml that does
    not parse)."""
    severity = {f.id: 1 if f.severity is Severity.FAIL else 0 for f in findings}
    explained: dict[str, list[str]] = {}
    for f in findings:
        try:
            others = knowledge_entry(f.id).explains
        except KeyError:
            continue
        explained[f.id] = [
            o for o in others if o in severity and o != f.id and severity[o] <= severity[f.id]
        ]
    gone = {
        other
        for f in findings
        for other in explained.get(f.id, ())
        if f.id not in explained.get(other, ())  # two that explain each other both stay
    }
    kept = []
    for f in findings:
        if f.id in gone:
            continue
        took = tuple((o, 0) for o in explained.get(f.id, ()) if o in gone)
        kept.append(dataclasses.replace(f, explains=f.explains + took) if took else f)
    return kept


def context_summary(ctx: Context, facts: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "platform": {
            "system": ctx.platform.system,
            "machine": ctx.platform.machine,
            "distro": ctx.platform.distro or None,
            "package_manager": ctx.platform.package_manager or None,
        },
        "interpreter": {
            "path": facts.get("python"),
            "version": facts.get("python_version"),
            "implementation": facts.get("python_impl"),
            "source": facts.get("python_source"),
        },
        "rust": {
            "rustc": facts.get("rustc_version"),
            "host": facts.get("rustc_host"),
            "cargo": facts.get("cargo_version"),
        },
        "project": facts.get("project_root"),
        "no_project": facts.get("no_project"),
    }


def check(ctx: Context, probes: Sequence[Probe] | None = None) -> Report:
    """Run the probes (all by default) and build the report."""
    # The knowledge files are read while the probes wait on their tools, not after them.
    loader = threading.Thread(target=_prepare, daemon=True, name="knowledge")
    loader.start()
    results = list(run_probes(probes or tuple(BY_ID.values()), ctx))
    loader.join()
    return build_report(results, ctx)
