"""How a run ends: its exit code (README "Exit codes"), and, when something goes wrong, one
line on stderr and a crash log for our own bugs, never a traceback."""

from __future__ import annotations

import contextlib
import enum
import os
import sys
from typing import TYPE_CHECKING

from pyo3_doctor import __version__
from pyo3_doctor.about import TOOL, user_dir

if (
    TYPE_CHECKING
):  # the model loads after the first tools have started (pyo3_doctor.machine.prefetch)
    from pyo3_doctor.model import Report


class ExitCode(enum.IntEnum):
    OK = 0  # no finding at fail (warnings allowed)
    FINDINGS = 1  # a finding at fail, or at warn with --strict
    USAGE = 2  # bad arguments, or input that cannot be read (missing, binary, unparsable)
    INTERNAL = 3  # a bug in pyo3-doctor: one stderr line plus a crash log
    NO_PROJECT = 4  # check: no PyO3 project here (the machine checks ran and passed)
    INTERRUPTED = 130  # Ctrl-C


def exit_code_for(report: Report, strict: bool = False) -> ExitCode:
    from pyo3_doctor.model import Severity

    severities = {f.severity for f in report.findings}
    if Severity.FAIL in severities or (strict and severities):
        return ExitCode.FINDINGS
    if report.log is None and report.context.get("no_project"):  # check, not diagnose
        return ExitCode.NO_PROJECT
    return ExitCode.OK


_THREAD_ERRORS: list[BaseException] = []


def quiet_threads() -> None:
    """A worker thread that raises (a prefetch, a probe runner) must not print a traceback:
    the main thread meets the same error when it needs the result and reports it in one
    line; the thread's exception goes into the crash log."""
    import threading

    def keep(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None and not isinstance(args.exc_value, SystemExit):
            _THREAD_ERRORS.append(args.exc_value)

    threading.excepthook = keep


def crash_log(exc: BaseException) -> str:
    import datetime
    import platform
    import traceback

    folder = str(user_dir("log"))
    os.makedirs(folder, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = os.path.join(folder, f"crash-{stamp}-{os.getpid()}.log")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f"{TOOL} {__version__}\nPython {sys.version}\n{platform.platform()}\n")
        fh.write(f"argv: {sys.argv!r}\n\n")
        fh.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        for other in _THREAD_ERRORS:
            fh.write("\nin a worker thread:\n")
            fh.write("".join(traceback.format_exception(type(other), other, other.__traceback__)))
    return path


def error_line(message: str) -> None:
    from pyo3_doctor.textsafe import clean_line

    sys.stderr.write(f"{TOOL}: error: {clean_line(message)}\n")


def silence_stdout() -> None:
    """The reader went away (`| head`): send what is still buffered, and the exit flush,
    to /dev/null rather than into an "Exception ignored" message on stderr."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())
        os.close(devnull)
    with contextlib.suppress(OSError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115


def interrupted(exc: BaseException | None = None) -> int:
    """Ctrl-C, SIGTERM or SIGHUP: say so in one line (the caller has ended every tool);
    130 for Ctrl-C, 128 + the signal's number for the others."""
    signum = getattr(exc, "signum", None)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        said = "interrupted" if signum is None else f"terminated by signal {signum}"
        sys.stderr.write(f"{TOOL}: {said}\n")
    return ExitCode.INTERRUPTED if signum is None else 128 + int(signum)
