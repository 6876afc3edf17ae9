"""`pyo3-doctor report [LOG]`: an issue-ready Markdown bundle, redacted, that never leaves here.

It holds what maturin's and PyO3's bug templates ask for (the versions of maturin, PyO3, Python,
rustc and the OS, the bindings, how Python was installed), the findings, the tail of the
failing log when one is given, and, with `--build`, what PyO3's build configuration says
(`PYO3_PRINT_CONFIG=1 cargo check`, which runs the project's build scripts: only when asked).
Always redacted: the home directory, user and host names are replaced (render.redact).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pyo3_doctor.context import Context
from pyo3_doctor.exits import ExitCode
from pyo3_doctor.model import Report
from pyo3_doctor.render.redact import Redactor
from pyo3_doctor.textsafe import clean, clean_line

LOG_TAIL = 120  # lines of the log kept: where the error usually is


def _fact(report: Report, name: str) -> str:
    from pyo3_doctor.engine import merged_facts

    value = merged_facts(report.probes).get(name)
    return "not found" if value in (None, "") else str(value)


def _versions(report: Report) -> list[str]:
    rows = [
        ("OS", f"{report.context['platform']['system']} {report.context['platform']['machine']}"),
        (
            "Python",
            f"{_fact(report, 'python_version')} ({_fact(report, 'python_impl')}), "
            f"from {_fact(report, 'python_source')}: {_fact(report, 'python')}",
        ),
        (
            "PyO3",
            f"{_fact(report, 'pyo3_version')} (Cargo.toml: {_fact(report, 'pyo3_requirement')})",
        ),
        (
            "maturin",
            f"{_fact(report, 'maturin_version')} (pyproject.toml asks for "
            f"{_fact(report, 'maturin_requirement')})",
        ),
        ("rustc", f"{_fact(report, 'rustc_version')} ({_fact(report, 'rustc_host')})"),
        ("cargo", _fact(report, "cargo_version")),
        ("build backend", _fact(report, "build_backend")),
    ]
    return ["| | |", "|---|---|", *(f"| {k} | {clean_line(v)} |" for k, v in rows)]


def _findings(report: Report) -> list[str]:
    if not report.findings:
        return ["No problem found by the checks."]
    lines = []
    for f in report.findings:
        lines += [f"- **{f.severity.value}** `{f.id}`: {clean_line(f.title)}"]
        lines += [f"  - seen: {clean_line(s)}" for s in f.evidence[:3]]
    return lines


TAIL_BYTES = 1 << 20  # read from the end of the log: its last lines are in there


def _tail(path: str) -> list[str]:
    """The log's last LOG_TAIL lines, read from its end (a regular file; a pipe or a device
    is not read)."""
    import os
    import stat

    try:
        with open(path, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                return [f"(the log {clean(path)} is not a regular file; not read)"]
            fh.seek(max(0, info.st_size - TAIL_BYTES))
            raw = fh.read(TAIL_BYTES)
    except OSError:
        return [f"(the log {clean(path)} could not be read)"]
    lines = raw.decode("utf-8", "replace").splitlines()
    if len(raw) == TAIL_BYTES and info.st_size > TAIL_BYTES:
        lines = lines[1:]  # the first may be a line's end only
    return ["```", *(clean(line) for line in lines[-LOG_TAIL:]), "```"]


def _build_config(ctx: Context, report: Report) -> list[str]:
    """What pyo3-build-config decides for the interpreter the checks looked at, built into a
    throwaway target dir (the project gets no `target/` from a report)."""
    import tempfile

    from pyo3_doctor.system.proc import run_tool

    root = ctx.project_dir or ctx.cwd
    python = _fact(report, "python")
    with tempfile.TemporaryDirectory(prefix="pyo3-doctor-report-") as target:
        env = {**ctx.env, "PYO3_PRINT_CONFIG": "1", "CARGO_TARGET_DIR": target}
        if python != "not found":
            env["PYO3_PYTHON"] = python
        lock = Path(root) / "Cargo.lock"
        had_lock = lock.exists()
        ran = run_tool(["cargo", "check", "--quiet"], env, cwd=str(root), timeout=600)
        if not had_lock:  # cargo writes one; a report leaves the project as it was
            lock.unlink(missing_ok=True)
    lines = ran.output.splitlines()
    start = next((i for i, line in enumerate(lines) if "PYO3_PRINT_CONFIG=1 is set" in line), None)
    found = (
        [line.strip() for line in lines[start + 1 :] if "=" in line] if start is not None else []
    )
    found = [line for line in found if not line.startswith("note:")]
    return ["```", *(clean(line) for line in (found or lines[-20:])), "```"]


def markdown(report: Report, log: str | None, config: Sequence[str]) -> str:
    parts = ["## Environment", "", *_versions(report), "", "## What pyo3-doctor found", ""]
    parts += _findings(report)
    if config:
        parts += ["", "## PyO3 build configuration (`PYO3_PRINT_CONFIG=1`)", "", *config]
    if log:
        parts += ["", f"## The failing log (last {LOG_TAIL} lines)", "", *_tail(log)]
    parts += ["", "<sub>Written by pyo3-doctor report; paths and names redacted.</sub>", ""]
    return "\n".join(parts)


def run_report(args: argparse.Namespace, ctx: Context, usage_error: type[Exception]) -> int:
    from pyo3_doctor.engine import check

    if args.log and not os.path.isfile(args.log):
        raise usage_error(f"{args.log}: no such file")
    report = check(ctx)
    config = _build_config(ctx, report) if args.build else []
    text = Redactor.for_this_machine()(markdown(report, args.log, config))
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
        sys.stderr.write(f"wrote {args.output}: paste it into the issue\n")
    else:
        sys.stdout.write(text)
    return ExitCode.OK
