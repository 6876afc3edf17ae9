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
from pyo3_doctor.render import Options, place
from pyo3_doctor.system.files import relative
from pyo3_doctor.textsafe import clean, clean_line

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
    found = place(finding, log_file)
    if found is None:
        return {}
    file, line, col = found
    where = {"file": _relative(file, env)}
    if line is not None:
        where["line"] = str(line)
    if col is not None:
        where["col"] = str(col)
    return where


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


# What GitHub shows of one step: 10 annotations per level, 50 in all (the rest are dropped).
PER_LEVEL, PER_STEP = 10, 50
SUMMARY_LIMIT = 1 << 20  # $GITHUB_STEP_SUMMARY takes at most 1 MiB per step


def capped(lines: list[str]) -> tuple[list[str], int]:
    """The annotations GitHub will show, worst first, and how many were left out."""
    kept, per_level = [], {"error": 0, "warning": 0}
    for line in lines:
        level = line[2:].split(" ", 1)[0]
        if per_level.get(level, 0) < PER_LEVEL and len(kept) < PER_STEP:
            per_level[level] = per_level.get(level, 0) + 1
            kept.append(line)
    return kept, len(lines) - len(kept)


# Markdown's and HTML's own characters: escaped in text a project or a log put there, so that
# a name or a message cannot add a heading ("## All checks passed"), a link or an <img>
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def _text(text: str) -> str:
    """One line of untrusted text as literal Markdown: HTML entities, specials escaped."""
    line = clean_line(text).replace("&", "&amp;").replace("<", "&lt;")
    return _MARKDOWN.sub(r"\\\1", line)


def _fenced(command: str) -> list[str]:
    """A command as a code block whose fence no backtick run inside it can close."""
    line = clean_line(command)
    fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", line)), default=0))
    return ["", f"  {fence}", f"  {line}", f"  {fence}"]


def summary_markdown(report: Report, shell: str = "") -> str:
    """The job summary: the table of checks, then each finding with its fix."""

    def cell(text: str) -> str:
        return _text(text)

    lines = [f"## {TOOL}", ""]
    if report.probes:
        lines += ["| check | status | summary |", "|---|---|---|"]
        for r in report.probes:
            lines.append(f"| {cell(r.shown_title)} | {r.status.value} | {cell(r.summary)} |")
        lines.append("")
    for f in report.findings:
        lines.append(
            f"### {'❌' if f.severity is Severity.FAIL else '⚠️'} `{f.id}`: {cell(f.title)}"
        )
        if f.why:
            lines += ["", _text(clean(f.why))]
        for step in f.fixes[:2]:
            command = fix_line(step, shell)
            lines += ["", f"- **fix**: {cell(step.summary)}"]
            if command and command != step.summary:
                lines += _fenced(command)
        lines.append("")
    fails, warns = report.counts
    lines.append(f"{fails} failing, {warns} warning.")
    text = "\n".join(lines) + "\n"
    if len(text.encode("utf-8", "replace")) > SUMMARY_LIMIT:
        text = text.encode("utf-8", "replace")[: SUMMARY_LIMIT - 64].decode("utf-8", "ignore")
        text += "\n\n(cut at GitHub's 1 MiB limit)\n"
    return text


def _write_summary(report: Report, env: Mapping[str, str]) -> None:
    target = env.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(summary_markdown(report, env.get("SHELL", "")))
    except OSError:  # a summary is a courtesy: the annotations and exit code still stand
        pass


def render(report: Report, log_file: str | None = None, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    kept, left_out = capped(list(annotations(report, log_file)))
    for line in kept:
        out.write(line + "\n")
    fails, warns = report.counts
    more = f" ({left_out} more not shown as annotations: see the job summary)" if left_out else ""
    out.write(f"{TOOL}: {fails} failing, {warns} warning{more}\n")
    _write_summary(report, os.environ)


def write(report: Report, options: Options, out: TextIO) -> None:
    render(report, options.log_file, out)
