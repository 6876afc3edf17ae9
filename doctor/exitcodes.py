"""Exit codes, in one place (README "Exit codes")."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model loads after the first tools have started (doctor.prefetch)
    from doctor.model import Report


class ExitCode(enum.IntEnum):
    OK = 0  # no finding at fail (warnings allowed)
    FINDINGS = 1  # a finding at fail, or at warn with --strict
    USAGE = 2  # bad arguments, or input that cannot be read (missing, binary, unparsable)
    INTERNAL = 3  # a bug in pyo3-doctor: one stderr line plus a crash log
    INTERRUPTED = 130  # Ctrl-C


def exit_code_for(report: Report, strict: bool = False) -> ExitCode:
    from doctor.model import Severity

    severities = {f.severity for f in report.findings}
    if Severity.FAIL in severities or (strict and severities):
        return ExitCode.FINDINGS
    return ExitCode.OK
