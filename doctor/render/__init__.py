"""Renderers: each formats the same Report and decides nothing.

One module per output format, named in FORMATS (the only place a new format is registered);
each has `KINDS`, the report kinds it can format ("check", "diagnose"), and
`write(report, options, out)`. Modules are imported only when their format is asked for, so
`--json` never loads rich.

May import: everything below it (model, kb for the knowledge version, fixing.shell for how a
step reads); never the TUI or the CLI.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from pyo3_doctor.system.files import relative

if TYPE_CHECKING:
    from pyo3_doctor.model import Finding, Report

FORMATS = {
    "text": "pyo3_doctor.render.text",
    "json": "pyo3_doctor.render.json",
    "github": "pyo3_doctor.render.github",
    "junit": "pyo3_doctor.render.junit",
    "sarif": "pyo3_doctor.render.sarif",
    "gitlab": "pyo3_doctor.render.gitlab",
}


@dataclass(frozen=True)
class Options:
    """What a renderer may be told besides the report."""

    kind: str = "check"  # "check" or "diagnose"
    verbose: bool = False
    log_file: str | None = None  # diagnose: the log's path, for annotations on its lines
    error_lines: Sequence[tuple[int, str]] = ()  # diagnose: first error lines when none is known
    strict: bool = False  # warnings count as failures (junit), as they do for the exit code


def kinds(name: str) -> tuple[str, ...]:
    """The report kinds format `name` can write."""
    return tuple(import_module(FORMATS[name]).KINDS)


def write(name: str, report: Report, options: Options, out: TextIO | None = None) -> None:
    import_module(FORMATS[name]).write(report, options, out or sys.stdout)


_LOCATION = re.compile(r"^(?P<file>.+?):(?P<line>\d+)(?::(?P<col>\d+))?$")
_LOG_SOURCE = re.compile(r"^log:(\d+)$")


def place(finding: Finding, log_file: str | None) -> tuple[str, int | None, int | None] | None:
    """Where a finding sits, for the formats that point at files: (file, line, column) from
    its log line in `diagnose`, else its location ("path:line[:col]" or a bare path)."""
    log_line = _LOG_SOURCE.match(finding.source)
    if log_line and log_file:
        return log_file, int(log_line.group(1)), None
    found = _LOCATION.match(finding.location or "")
    if found:
        col = int(found["col"]) if found["col"] and found["col"] != "0" else None
        return found["file"], int(found["line"]), col
    return (finding.location, None, None) if finding.location else None


def uri(path: str, root: str) -> str:
    """A URI reference, as SARIF wants it: relative to the checkout where it can be, with
    anything but unreserved characters percent-encoded (spaces, and the bytes of a file name
    that is not UTF-8, which a URI can carry and a JSON string cannot)."""
    rel = relative(path, root) if os.path.isabs(path) else path
    chosen = (rel if rel is not None and not rel.startswith("..") else path).replace(os.sep, "/")
    return quote(os.fsencode(chosen), safe="/:")


def anchor(finding: Finding, report: Report, options: Options, root: str) -> dict[str, Any]:
    """{"uri", "line"[, "column"]} for the formats whose results need a file line (SARIF,
    GitLab): the finding's own place, the log line for `diagnose`, else the project file the
    cause concerns (pyproject.toml, else Cargo.toml, line 1)."""
    found = place(finding, options.log_file)
    if found is not None and found[1] is not None:
        where: dict[str, Any] = {"uri": uri(found[0], root), "line": found[1]}
        if found[2] is not None:
            where["column"] = found[2]
        return where
    project = report.context.get("project")
    for name in ("pyproject.toml", "Cargo.toml"):
        if project and os.path.isfile(os.path.join(project, name)):
            return {"uri": uri(os.path.join(project, name), root), "line": 1}
    return {"uri": "pyproject.toml", "line": 1}


def one_message(finding: Finding) -> str:
    """A finding as the one message a code-scanning result carries: title, why, first fix."""
    fix = finding.fixes[0].summary if finding.fixes else ""
    why = f" {finding.why}" if finding.why else ""
    return finding.title + why + (f" Fix: {fix}" if fix else "")


def fingerprint(finding: Finding, uri: str) -> str:
    """Stable across runs (the id and the file, not the line): a finding that stays is one
    issue, not a new one each run."""
    import hashlib

    key = f"{finding.id}\0{uri}".encode("utf-8", "surrogateescape")
    return hashlib.sha256(key).hexdigest()[:32]
