"""`--format sarif`: findings as SARIF 2.1.0, for code scanning (GitHub uploads it as is).

Each finding is a result of the rule named by its knowledge id, anchored to a file line: its
own location (`Cargo.toml:12`, `src/lib.rs:7`), the log line for `diagnose`, else the project
file the cause concerns (pyproject.toml, else Cargo.toml, line 1), since code scanning shows
only results with a location. `partialFingerprints` are stable across runs (id and file), so
a finding that stays is one alert, not a new one each run.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any, TextIO
from urllib.parse import quote

from pyo3_doctor import __version__
from pyo3_doctor.about import TOOL
from pyo3_doctor.model import Finding, Report, Severity
from pyo3_doctor.render import Options, place
from pyo3_doctor.system.files import relative
from pyo3_doctor.textsafe import clean

KINDS = ("check", "diagnose")
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str, root: str) -> str:
    """A URI reference, as SARIF wants it: relative to the checkout where it can be, with
    anything but unreserved characters percent-encoded (spaces, and the bytes of a file name
    that is not UTF-8, which a URI can carry and a JSON string cannot)."""
    rel = relative(path, root) if os.path.isabs(path) else path
    chosen = (rel if rel is not None and not rel.startswith("..") else path).replace(os.sep, "/")
    return quote(os.fsencode(chosen), safe="/:")


def _anchor(finding: Finding, report: Report, options: Options, root: str) -> dict[str, Any]:
    found = place(finding, options.log_file)
    if found is not None and found[1] is not None:
        where: dict[str, Any] = {"uri": _uri(found[0], root), "line": found[1]}
        if found[2] is not None:
            where["column"] = found[2]
        return where
    project = report.context.get("project")
    for name in ("pyproject.toml", "Cargo.toml"):
        if project and os.path.isfile(os.path.join(project, name)):
            return {"uri": _uri(os.path.join(project, name), root), "line": 1}
    return {"uri": "pyproject.toml", "line": 1}


def _result(finding: Finding, report: Report, options: Options, root: str) -> dict[str, Any]:
    where = _anchor(finding, report, options, root)
    region: dict[str, Any] = {"startLine": where["line"]}
    if "column" in where:
        region["startColumn"] = where["column"]
    fix = finding.fixes[0].summary if finding.fixes else ""
    text = (
        finding.title + (f" {finding.why}" if finding.why else "") + (f" Fix: {fix}" if fix else "")
    )
    key = f"{finding.id}\0{where['uri']}".encode("utf-8", "surrogateescape")
    stable = hashlib.sha256(key).hexdigest()
    return {
        "ruleId": finding.id,
        "level": "error" if finding.severity is Severity.FAIL else "warning",
        "message": {"text": clean(text)},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": where["uri"]}, "region": region}}
        ],
        "partialFingerprints": {"pyo3DoctorFinding/v1": stable[:32]},
        "properties": {"confidence": finding.confidence, "source": finding.source},
    }


def _rule(finding: Finding) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": finding.id,
        "shortDescription": {"text": clean(finding.title)},
        "defaultConfiguration": {
            "level": "error" if finding.severity is Severity.FAIL else "warning"
        },
    }
    if finding.docs:
        rule["helpUri"] = finding.docs[0]
    return rule


def to_sarif(report: Report, options: Options, root: str | None = None) -> dict[str, Any]:
    root = root or os.environ.get("GITHUB_WORKSPACE") or os.getcwd()
    rules = {f.id: _rule(f) for f in report.findings}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL,
                        "version": __version__,
                        "informationUri": "https://pyo3.rs",
                        "rules": list(rules.values()),
                    }
                },
                "results": [_result(f, report, options, root) for f in report.findings],
            }
        ],
    }


def write(report: Report, options: Options, out: TextIO) -> None:
    out.write(json.dumps(to_sarif(report, options), indent=2, ensure_ascii=False) + "\n")
