"""`pyo3-doctor knowledge [ID]`: the entries as text or JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

from pyo3_doctor.fixing.shell import template_line
from pyo3_doctor.kb.entries import Entry, FixTemplate
from pyo3_doctor.kb.templates import describe
from pyo3_doctor.model import STEP_KINDS
from pyo3_doctor.textsafe import clean


def _fix(t: FixTemplate) -> dict[str, Any]:
    out: dict[str, Any] = {
        "summary": t.summary,
        "platform": t.platform,
        "applicability": t.applicability.value,
    }
    for key in STEP_KINDS:
        value = getattr(t, key)
        if value:
            out[key] = list(value) if key in ("argv", "unset") else value
    return out


def entry_dict(e: Entry) -> dict[str, Any]:
    return {
        "id": e.id,
        "title": e.title,
        "severity": e.severity.value,
        "priority": e.priority,
        "why": e.why,
        "probes": list(e.probes),
        "docs": list(e.docs),
        "patterns": list(e.pattern_texts),
        "fixes": [_fix(f) for f in e.fixes],
    }


def render_list(entries: Mapping[str, Entry], as_json: bool) -> None:
    if as_json:
        data = [
            {"id": e.id, "title": e.title, "severity": e.severity.value} for e in entries.values()
        ]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    width = max(len(i) for i in entries)
    for e in sorted(entries.values(), key=lambda e: e.id):
        sys.stdout.write(clean(f"{e.id.ljust(width)}  {e.severity.value:4}  {e.title}") + "\n")


def render_entry(e: Entry, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(entry_dict(e), indent=2) + "\n")
        return
    # placeholders in words: a check fills them from this machine and project
    lines = [f"{e.id}: {e.title}", f"severity: {e.severity.value}", "", describe(e.why), ""]
    if e.probes:
        lines.append(f"confirmed by: {', '.join(e.probes)}")
    for f in e.fixes:
        where = "" if f.platform == "any" else f" [{f.platform}]"
        lines.append(f"fix{where}: {describe(f.summary)}")
        detail = template_line(f)
        if detail:
            lines.append(f"    {describe(detail)}")
    lines += [f"docs: {d}" for d in e.docs]
    # shipped data, but a locally edited knowledge file is text like any other
    sys.stdout.write(clean("\n".join(lines)) + "\n")
