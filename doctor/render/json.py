"""The versioned JSON report (schema in doctor/schema/report.schema.json, docs/json.md).

Mapped field by field rather than with dataclasses.asdict, so renaming an internal field
is never a schema change. `schema_version` only goes up on a breaking change.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, TextIO

from pyo3_doctor import __version__
from pyo3_doctor.about import TOOL
from pyo3_doctor.kb.files import knowledge_version
from pyo3_doctor.model import Evidence, Finding, FixStep, LogSummary, ProbeResult, Report
from pyo3_doctor.render import Options
from pyo3_doctor.textsafe import INVISIBLE

SCHEMA_VERSION = 1
SCHEMA_MINOR = 2  # additions since 1.0 (docs/json.md)
KINDS = ("check", "diagnose")
# json.dumps with ensure_ascii=False leaves DEL, C1 and bidi controls raw, and a terminal showing
# the report would obey them; as \u escapes they decode to the same strings.
_INVISIBLE = re.compile(f"[{INVISIBLE}]")


def _evidence(ev: Evidence) -> dict[str, Any]:
    return {
        "argv": list(ev.argv),
        "exit_code": ev.exit_code,
        "output": ev.output,
        "note": ev.note or None,
    }


def _fix(step: FixStep) -> dict[str, Any]:
    out: dict[str, Any] = {
        "summary": step.summary,
        "kind": step.kind,
        "applicability": step.applicability.value,
        "platform": step.platform,
    }
    if step.argv:
        out["argv"] = list(step.argv)
    if step.env:
        out["env"] = dict(step.env)
    if step.unset:
        out["unset"] = list(step.unset)
    if step.edit:
        out["edit"] = dict(step.edit)
    if step.patch:
        line = step.patch["line"]
        out["patch"] = {**step.patch, "line": int(line) if line.isdigit() else line}
    if step.text:
        out["text"] = step.text
    if step.missing:
        out["missing"] = list(step.missing)
        out["unknown"] = list(step.unknown)
    return out


def _log(log: LogSummary) -> dict[str, Any]:
    first = None
    if log.first_error is not None:
        first = {"line": log.first_error[0], "text": list(log.first_error[1])}
    return {"lines": log.lines, "first_error": first}


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id,
        "title": f.title,
        "severity": f.severity.value,
        "why": f.why,
        "source": f.source,
        "location": f.location,
        "evidence": list(f.evidence),
        "fixes": [_fix(s) for s in f.fixes],
        "docs": list(f.docs),
        "recheck": list(f.recheck),
        "confidence": f.confidence,
        **(
            {"explains": [{"id": i, "line": n or None} for i, n in f.explains]}
            if f.explains
            else {}
        ),
    }


def _probe(r: ProbeResult) -> dict[str, Any]:
    return {
        "id": r.probe,
        "title": r.shown_title,
        "status": r.status.value,
        "summary": r.summary,
        "duration_ms": round(r.seconds * 1000),
        "facts": dict(r.facts),
        "evidence": [_evidence(e) for e in r.evidence],
        "findings": [d.id for d in r.detected],
        "error": r.error,
    }


def to_dict(report: Report, kind: str = "check") -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "schema_minor": SCHEMA_MINOR,
        "tool": TOOL,
        "tool_version": __version__,
        "knowledge_version": knowledge_version(),
        "kind": kind,
        "status": report.status.value,
        "context": dict(report.context),
        "probes": [_probe(r) for r in report.probes],
        "findings": [_finding(f) for f in report.findings],
        **({"log": _log(report.log)} if report.log is not None else {}),
    }


def _finite(value: Any) -> Any:
    """inf and nan (a TOML file may hold them) as strings: JSON has no such numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def dumps(report: Report, kind: str = "check") -> str:
    data = to_dict(report, kind)
    try:
        text = json.dumps(data, indent=2, ensure_ascii=False, default=str, allow_nan=False)
    except ValueError:  # a non-finite float somewhere in the facts
        text = json.dumps(_finite(data), indent=2, ensure_ascii=False, default=str)
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def write(report: Report, options: Options, out: TextIO) -> None:
    out.write(dumps(report, kind=options.kind) + "\n")
