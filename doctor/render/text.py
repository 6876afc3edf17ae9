"""The human report: a line per probe, then each finding with what was seen, why and the fix.

Colour only on a terminal and without NO_COLOR (rich decides both). Every untrusted string
goes through textsafe.clean and into a rich Text, so `[markup]` and escapes show literally.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.text import Text

from pyo3_doctor.fixing.shell import fix_line
from pyo3_doctor.model import Finding, ProbeResult, Report, Severity, Status
from pyo3_doctor.render import Options
from pyo3_doctor.render.marks import marks_for
from pyo3_doctor.textsafe import clean, clean_line

STYLES = {
    Status.OK: "green",
    Status.WARN: "yellow",
    Status.FAIL: "red",
    Status.SKIP: "dim",
    Status.CRASH: "magenta",
    Status.TIMEOUT: "magenta",
}
EVIDENCE_LINES = 12
KINDS = ("check", "diagnose")


def _probe_line(result: ProbeResult, verbose: bool, encoding: str | None = "utf-8") -> Text:
    line = Text(f"{marks_for(encoding)[result.status]} ", style=STYLES[result.status])
    line.append(f"{result.shown_title}: ", style="bold")
    line.append(clean_line(result.summary))
    if verbose:
        line.append(f"  ({result.seconds * 1000:.0f} ms)", style="dim")
    return line


def _evidence(console: Console, result: ProbeResult) -> None:
    for ev in result.evidence:
        head = f"      $ {clean_line(' '.join(ev.argv))}"
        status = ev.note or f"exit {ev.exit_code}"
        console.print(Text(f"{head}  [{clean_line(status)}]", style="dim"))
        lines = clean(ev.output).splitlines()
        for out in lines[:EVIDENCE_LINES]:
            console.print(Text(f"        {out}", style="dim"))
        if len(lines) > EVIDENCE_LINES:
            console.print(
                Text(f"        ... {len(lines) - EVIDENCE_LINES} more lines", style="dim")
            )
    if result.error:
        for out in clean(result.error).splitlines():
            console.print(Text(f"      {out}", style="dim"))


def print_finding(console: Console, finding: Finding, shell: str) -> None:
    fail = finding.severity is Severity.FAIL
    head = Text("✗ " if fail else "! ", style="red" if fail else "yellow")
    head.append(f"{finding.id}", style="bold")
    head.append(f": {clean_line(finding.title)}")
    where = finding.location or finding.source
    sure = "" if finding.confidence == "high" else f", {finding.confidence} confidence"
    head.append(f"  ({clean_line(where)}{sure})", style="dim")
    console.print(head)
    for i, seen in enumerate(finding.evidence):
        label = "    seen: " if i == 0 else "          "
        console.print(Text(label, style="bold").append(clean_line(seen)))
    if finding.why:
        console.print(Text("    why:  ", style="bold").append(clean_line(finding.why)))
    for i, step in enumerate(finding.fixes):
        label = "    fix:  " if i == 0 else "    or:   "
        line = Text(label, style="bold").append(clean_line(step.summary))
        console.print(line)
        command = fix_line(step, shell)
        if command and command != step.summary:
            console.print(Text("          ").append(clean_line(command), style="cyan"))
        for note in step.unknown:
            console.print(Text(f"          ({clean_line(note)})", style="dim"))
    for url in finding.docs:
        console.print(Text("    docs: ", style="bold").append(clean_line(url), style="blue"))


def summary_line(report: Report) -> Text:
    fails, warns = report.counts
    elsewhere = report.context.get("no_project") if report.log is None else None
    if elsewhere and not fails:
        said = f"No PyO3 project here: {elsewhere}. The machine checks ran"
        said += f" ({warns} warning)" if warns else " and passed"
        return Text(clean_line(said + "; point at a project with --project DIR."), style="yellow")
    if not report.findings:
        return Text(f"No problems found in {len(report.probes)} checks.", style="green")
    style = "red" if fails else "yellow"
    return Text(f"{fails} failing, {warns} warning in {len(report.probes)} checks.", style=style)


def render(report: Report, out: TextIO | None = None, verbose: bool = False) -> None:
    console = Console(file=out, highlight=False, soft_wrap=True, emoji=False)
    shell = os.environ.get("SHELL", "")
    encoding = console.encoding
    for result in report.probes:
        console.print(_probe_line(result, verbose, encoding))
        if verbose:
            _evidence(console, result)
    if report.findings:
        console.print()
    for finding in report.findings:
        print_finding(console, finding, shell)
        console.print()
    console.print(summary_line(report))


def render_diagnosis(
    report: Report,
    error_lines: Sequence[tuple[int, str]],
    out: TextIO | None = None,
    verbose: bool = False,
) -> None:
    """`diagnose`: the causes found in the log, best first, or the first error lines seen."""
    console = Console(file=out, highlight=False, soft_wrap=True, emoji=False)
    shell = os.environ.get("SHELL", "")
    if verbose:
        for result in report.probes:
            console.print(_probe_line(result, verbose, console.encoding))
        if report.probes:
            console.print()
    for finding in report.findings:
        print_finding(console, finding, shell)
        console.print()
    if report.findings:
        n = len(report.findings)
        style = "red" if report.status is Status.FAIL else "yellow"
        console.print(
            Text(f"{n} known cause{'s' if n > 1 else ''} in the log, best first.", style=style)
        )
        return
    console.print(Text("No known cause in the log.", style="green"))
    first = report.log.first_error if report.log else None
    if first is not None:
        number, lines = first
        console.print(
            Text(f"Its first error is at line {number}; the cause is usually there:", style="bold")
        )
        for offset, text in enumerate(lines):
            console.print(Text(f"  {number + offset:>6} | ").append(clean_line(text)))
    others = [(n, text) for n, text in error_lines if first is None or n != first[0]]
    if others:
        console.print(Text("Other error lines:", style="bold"))
        for number, text in others:
            console.print(Text(f"  {number:>6} | ").append(clean_line(text)))


def write(report: Report, options: Options, out: TextIO) -> None:
    if options.kind == "diagnose":
        render_diagnosis(report, options.error_lines, out, options.verbose)
    else:
        render(report, out, options.verbose)
