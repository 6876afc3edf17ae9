"""Renderers: each formats the same Report and decides nothing.

One module per output format, named in FORMATS (the only place a new format is registered);
each has `KINDS`, the report kinds it can format ("check", "diagnose"), and
`write(report, options, out)`. Modules are imported only when their format is asked for, so
`--json` never loads rich.

May import: everything below it (model, kb for the knowledge version, fixing.shell for how a
step reads); never the TUI or the CLI.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from pyo3_doctor.model import Finding, Report

FORMATS = {
    "text": "pyo3_doctor.render.text",
    "json": "pyo3_doctor.render.json",
    "github": "pyo3_doctor.render.github",
    "junit": "pyo3_doctor.render.junit",
    "sarif": "pyo3_doctor.render.sarif",
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
