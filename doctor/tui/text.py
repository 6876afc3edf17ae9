"""Rich `Text` built from the model for the TUI's widgets.

Every string that came from a tool, a log, a paste or a project file goes through
pyo3_doctor.textsafe first and lands in a `Text`, which Textual shows literally: `[bold]` stays
brackets, and escape characters are already made visible. Nothing here decides a status.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from pyo3_doctor.fixing.shell import fix_line, template_line
from pyo3_doctor.kb.entries import Entry
from pyo3_doctor.kb.templates import describe
from pyo3_doctor.model import Finding, FixStep, ProbeResult, Severity
from pyo3_doctor.render.marks import MARKS
from pyo3_doctor.textsafe import clean, clean_line

RUNNING_MARK = "[…]"
OUTPUT_LINES = 40  # evidence output shown per tool run; the rest is counted


def mark(result: ProbeResult | None) -> str:
    return RUNNING_MARK if result is None else MARKS[result.status]


def state_class(result: ProbeResult | None) -> str:
    """The CSS state class of a row: `-running` until its result arrives, then `-<status>`."""
    return "-running" if result is None else f"-{result.status.value}"


def probe_detail(title: str, result: ProbeResult | None) -> Text:
    """What the probe saw: its summary, each command with its exit and output, a traceback."""
    text = Text()
    text.append(f"{mark(result)} ", style="bold")
    text.append(title, style="bold")
    if result is None:
        text.append("\nchecking…", style="dim")
        return text
    text.append(f"  {result.status.value}\n", style="dim")
    text.append(clean(result.summary))
    for ev in result.evidence:
        status = ev.note or f"exit {ev.exit_code}"
        text.append("\n\n$ ", style="dim")
        text.append(clean_line(" ".join(ev.argv)), style="bold")
        text.append(f"  [{clean_line(status)}]", style="dim")
        lines = clean(ev.output).splitlines()
        for line in lines[:OUTPUT_LINES]:
            text.append(f"\n  {line}", style="dim")
        if len(lines) > OUTPUT_LINES:
            text.append(f"\n  … {len(lines) - OUTPUT_LINES} more lines", style="dim")
    if result.error:
        text.append("\n\n")
        text.append(clean(result.error).rstrip("\n"), style="dim")
    return text


def finding_head(finding: Finding) -> Text:
    fail = finding.severity is Severity.FAIL
    text = Text("✗ " if fail else "! ", style="bold red" if fail else "bold yellow")
    text.append(clean_line(finding.title), style="bold")
    text.append(f"  {finding.id}", style="dim")
    return text


def finding_body(finding: Finding) -> Text:
    """Where it was seen (log lines in context for a pasted log), then why it matters."""
    text = Text()
    where = finding.location or finding.source
    text.append("seen  ", style="bold")
    text.append(clean_line(where), style="dim")
    for seen in finding.evidence:
        for line in clean(seen).splitlines() or [""]:
            text.append(f"\n  {line}")
    if finding.why:
        text.append("\nwhy   ", style="bold")
        text.append(clean_line(finding.why))
    return text


def docs_text(docs: Iterable[str]) -> Text:
    text = Text()
    for i, url in enumerate(docs):
        text.append("\n" if i else "")
        text.append("docs  ", style="bold")
        text.append(clean_line(url), style="underline")
    return text


def step_prompt(step: FixStep, shell: str) -> Text:
    """One fix step as an option: its summary, then the command or edit it stands for."""
    text = Text(clean_line(step.summary))
    command = fix_line(step, shell)
    if command and command != step.summary:
        first, *rest = clean(command).splitlines() or [""]
        text.append(f"\n  {first}", style="bold")
        if rest:
            text.append(f"  (+{len(rest)} lines)", style="dim")
    for note in step.unknown:
        text.append(f"\n  {clean_line(note)}", style="dim")
    if not step.unknown and not step.can_apply:
        text.append("\n  manual step", style="dim")
    return text


def entry_text(entry: Entry) -> Text:
    """A knowledge entry in full: the shipped data is trusted, but cleaned all the same."""
    text = Text()
    text.append(clean_line(entry.title), style="bold")
    text.append(f"\n{entry.id}  ·  {entry.severity.value}  ·  {entry.source_file}\n\n", "dim")
    text.append(clean(describe(entry.why)))  # placeholders in words: no machine fills them
    if entry.probes:
        text.append("\n\nconfirmed by  ", style="bold")
        text.append(", ".join(entry.probes))
    for fix in entry.fixes:
        where = "" if fix.platform == "any" else f" [{fix.platform}]"
        text.append(f"\n\nfix{where}  ", style="bold")
        text.append(clean_line(describe(fix.summary)))
        detail = template_line(fix)
        if detail:
            text.append(f"\n  {clean(describe(detail))}", style="dim")
    if entry.pattern_texts:
        text.append("\n\nmatches", style="bold")
        for pattern in entry.pattern_texts:
            text.append(f"\n  {clean_line(pattern)}", style="dim")
    for url in entry.docs:
        text.append("\n\ndocs  " if url == entry.docs[0] else "\ndocs  ", style="bold")
        text.append(clean_line(url), style="underline")
    return text


def diff_text(preview: str) -> Text:
    """A unified diff with added and removed lines marked by colour as well as sign."""
    text = Text()
    for i, line in enumerate(clean(preview).splitlines()):
        style = ""
        if line.startswith("+") and not line.startswith("+++"):
            style = "green"
        elif line.startswith("-") and not line.startswith("---"):
            style = "red"
        elif line.startswith("@@"):
            style = "dim"
        text.append(("\n" if i else "") + line, style=style)
    return text
