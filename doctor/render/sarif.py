"""`--format sarif`: findings as SARIF 2.1.0, for code scanning (GitHub uploads it as is).

Each finding is a result of the rule named by its knowledge id, anchored to a file line: its
own location (`Cargo.toml:12`, `src/lib.rs:7`), the log line for `diagnose`, else the project
file the cause concerns (pyproject.toml, else Cargo.toml, line 1), since code scanning shows
only results with a location. `partialFingerprints` are stable across runs (id and file), so
a finding that stays is one alert, not a new one each run.
"""

from __future__ import annotations

import json
import os
from typing import Any, TextIO

from pyo3_doctor import __version__
from pyo3_doctor.about import TOOL
from pyo3_doctor.model import Finding, Report, Severity
from pyo3_doctor.render import Options, anchor, fingerprint, one_message
from pyo3_doctor.textsafe import clean

KINDS = ("check", "diagnose")
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _result(finding: Finding, report: Report, options: Options, root: str) -> dict[str, Any]:
    where = anchor(finding, report, options, root)
    region: dict[str, Any] = {"startLine": where["line"]}
    if "column" in where:
        region["startColumn"] = where["column"]
    return {
        "ruleId": finding.id,
        "level": "error" if finding.severity is Severity.FAIL else "warning",
        "message": {"text": clean(one_message(finding))},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": where["uri"]}, "region": region}}
        ],
        "partialFingerprints": {"pyo3DoctorFinding/v1": fingerprint(finding, where["uri"])},
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
