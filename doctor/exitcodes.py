"""Exit codes, in one place (README "Exit codes")."""

from __future__ import annotations

import enum

from doctor.model import Report, Severity


class ExitCode(enum.IntEnum):
    OK = 0  # no finding at fail (warnings allowed)
    FINDINGS = 1  # a finding at fail, or at warn with --strict
    USAGE = 2  # bad arguments, or input that cannot be read (missing, binary, unparsable)
    INTERNAL = 3  # a bug in pyo3-doctor: one stderr line plus a crash log
    INTERRUPTED = 130  # Ctrl-C


def exit_code_for(report: Report, strict: bool = False) -> ExitCode:
    severities = {f.severity for f in report.findings}
    if Severity.FAIL in severities or (strict and severities):
        return ExitCode.FINDINGS
    return ExitCode.OK
