"""`--format gitlab`: findings as a GitLab Code Quality report (the merge request widget).

GitLab reads a JSON array of issues from the job artifact named under
`artifacts: reports: codequality:`: each with a description, the check's name (the
knowledge id), a fingerprint that identifies the issue across pipelines (GitLab shows one
issue per fingerprint, and compares them between the branch and its target), a severity
(info, minor, major, critical, blocker) and a location (a path relative to the repository
and a line). Findings are anchored as for SARIF (render.anchor).
"""

from __future__ import annotations

import json
import os
from typing import Any, TextIO

from pyo3_doctor.model import Finding, Report, Severity
from pyo3_doctor.render import Options, anchor, fingerprint, one_message
from pyo3_doctor.textsafe import clean

KINDS = ("check", "diagnose")
# a failure stops the build or the import: it blocks as a critical issue would
SEVERITY = {Severity.FAIL: "critical", Severity.WARN: "minor"}


def _issue(finding: Finding, report: Report, options: Options, root: str) -> dict[str, Any]:
    where = anchor(finding, report, options, root)
    return {
        "description": clean(one_message(finding)),
        "check_name": finding.id,
        "fingerprint": fingerprint(finding, where["uri"]),
        "severity": SEVERITY.get(finding.severity, "info"),
        "location": {"path": where["uri"], "lines": {"begin": where["line"]}},
    }


def to_code_quality(
    report: Report, options: Options, root: str | None = None
) -> list[dict[str, Any]]:
    root = root or os.environ.get("CI_PROJECT_DIR") or os.getcwd()
    return [_issue(f, report, options, root) for f in report.findings]


def write(report: Report, options: Options, out: TextIO) -> None:
    out.write(json.dumps(to_code_quality(report, options), indent=2, ensure_ascii=False) + "\n")
