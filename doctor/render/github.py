"""`--format github`: findings as GitHub Actions workflow commands (annotations).

    ::error file=Cargo.toml,line=3,col=5,title=pyo3-doctor%3A project-file-invalid::...

One command per finding (fail -> error, warn -> warning), then one plain summary line. A
finding with a location ("path:line[:col]") points at that file; a `diagnose` finding points
at its line of the log file. Paths under $GITHUB_WORKSPACE (else the working directory) are
made relative, which is how GitHub matches them to the checked-out files.

Every value is neutralised with textsafe and then escaped as the runner expects, so a log
line can neither start a workflow command of its own (newlines are escaped) nor end a
property early (`:` and `,` are escaped in properties).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Mapping
from typing import TextIO

from pyo3_doctor.about import TOOL
from pyo3_doctor.fixing.shell import fix_line
from pyo3_doctor.model import Finding, Report, Severity
from pyo3_doctor.render import Options
from pyo3_doctor.system.files import relative
from pyo3_doctor.textsafe import clean, clean_line

_LOCATION = re.compile(r"^(?P<file>.+?):(?P<line>\d+)(?::(?P<col>\d+))?$")
_LOG_SOURCE = re.compile(r"^log:(\d+)$")
KINDS = ("check", "diagnose")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _relative(path: str, env: Mapping[str, str]) -> str:
    """A path as GitHub matches it to the checkout: relative to the workspace when inside it."""
    if not os.path.isabs(path):
        return path
    rel = relative(path, env.get("GITHUB_WORKSPACE") or os.getcwd())
    return path if rel is None or rel.startswith("..") else rel


def _where(finding: Finding, log_file: str | None, env: Mapping[str, str]) -> dict[str, str]:
    log_line = _LOG_SOURCE.match(finding.source)
    if log_line and log_file:
        return {"file": _relative(log_file, env), "line": log_line.group(1)}
    found = _LOCATION.match(finding.location or "")
    if found:
        where = {"file": _relative(found["file"], env), "line": found["line"]}
        if found["col"] and found["col"] != "0":
            where["col"] = found["col"]
        return where
    if finding.location:
        return {"file": _relative(finding.location, env)}
    return {}


def _message(finding: Finding, shell: str) -> str:
    lines = [finding.title]
    if finding.why:
        lines.append(finding.why)
    for step in finding.fixes[:1]:
        command = fix_line(step, shell)
        lines.append(f"fix: {step.summary}")
        if command and command != step.summary:
            lines.append(f"  {command}")
    return clean("\n".join(lines))


def annotations(
    report: Report, log_file: str | None = None, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """One workflow command per finding, worst first as in the report."""
    env = os.environ if env is None else env
    shell = env.get("SHELL", "")
    for finding in report.findings:
        kind = "error" if finding.severity is Severity.FAIL else "warning"
        props = {**_where(finding, log_file, env), "title": f"{TOOL}: {finding.id}"}
        joined = ",".join(f"{k}={escape_property(clean_line(v))}" for k, v in props.items())
        yield f"::{kind} {joined}::{escape_data(_message(finding, shell))}"


def render(report: Report, log_file: str | None = None, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for line in annotations(report, log_file):
        out.write(line + "\n")
    fails, warns = report.counts
    out.write(f"{TOOL}: {fails} failing, {warns} warning\n")


def write(report: Report, options: Options, out: TextIO) -> None:
    render(report, options.log_file, out)
