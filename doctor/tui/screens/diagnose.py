"""Paste an error or a build log; it is diagnosed as soon as the text settles, no key needed.

Each change restarts a short timer (a paste arrives as one change, typing as many), then the
app's worker matches the text and answers with PasteDiagnosed. Findings show best first, each
with the matched line in context, why it happens and its fixes (copy or apply as on Checks).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Static, TextArea

from pyo3_doctor.textsafe import clean_line
from pyo3_doctor.tui.messages import FixChosen, PasteDiagnosed
from pyo3_doctor.tui.screens.fixing import selected_fix
from pyo3_doctor.tui.widgets.finding_view import FindingView
from pyo3_doctor.tui.widgets.paste_area import PasteArea


def first_errors(lines: tuple[tuple[int, str], ...]) -> Text:
    """The first error-looking lines, so "no known cause" still says what was seen."""
    text = Text("The first errors in it:", style="bold")
    for number, line in lines:
        text.append(f"\n{number:>6} | ", style="dim").append(clean_line(line))
    return text


PLACEHOLDER = "Paste an error message or a whole build log here (ctrl+v or your terminal's paste)"


class DiagnoseScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f", "fix", "Fix"),
        Binding("c", "copy_fix", "Copy fix"),
        Binding("ctrl+l", "clear", "Clear"),
    ]
    DEBOUNCE_SECONDS = 0.3
    """How long the text must stay unchanged before it is diagnosed."""

    def __init__(self) -> None:
        super().__init__(id="diagnose")
        self._timer: Timer | None = None
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield Static(Text("Diagnose a pasted error"), id="diagnose-title")
        yield PasteArea(id="paste", soft_wrap=False, placeholder=PLACEHOLDER)
        yield Static(Text("Nothing pasted yet."), id="diagnose-status")
        yield VerticalScroll(id="diagnose-findings")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#paste", TextArea).focus()

    @on(TextArea.Changed, "#paste")
    def _changed(self) -> None:
        self._generation += 1
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.DEBOUNCE_SECONDS > 0:
            self._timer = self.set_timer(self.DEBOUNCE_SECONDS, self._diagnose)
        else:
            self.call_later(self._diagnose)

    def _diagnose(self) -> None:
        text = self.query_one("#paste", TextArea).text
        status = self.query_one("#diagnose-status", Static)
        if not text.strip():
            status.update(Text("Nothing pasted yet."))
            self.query_one("#diagnose-findings").remove_children()
            return
        status.update(Text("Diagnosing…"))
        self.app.diagnose(text, self._generation, self)  # type: ignore[attr-defined]

    async def on_paste_diagnosed(self, event: PasteDiagnosed) -> None:
        if event.generation != self._generation:
            return  # an answer for text that has changed since
        status = self.query_one("#diagnose-status", Static)
        diagnosis = event.diagnosis
        findings = diagnosis.report.findings if diagnosis else ()
        widgets: list[Widget] = []
        if event.error:
            status.update(Text(clean_line(event.error)))
        elif not findings:
            status.update(Text("No known PyO3/maturin cause in this text."))
            if diagnosis and diagnosis.error_lines:
                widgets.append(Static(first_errors(diagnosis.error_lines), classes="no-cause"))
        else:
            many = "cause" if len(findings) == 1 else "causes"
            status.update(Text(f"{len(findings)} {many} found, best first."))
        shell = self.app.shell  # type: ignore[attr-defined]
        widgets.extend(FindingView(f, shell) for f in findings)
        pane = self.query_one("#diagnose-findings", VerticalScroll)
        with self.app.batch_update():
            await pane.remove_children()
            await pane.mount_all(widgets)

    def action_clear(self) -> None:
        self.query_one("#paste", TextArea).clear()

    @on(FixChosen)
    def _fix_chosen(self, event: FixChosen) -> None:
        self.app.start_fix(event.finding, event.step_index)  # type: ignore[attr-defined]

    def action_fix(self) -> None:
        chosen = selected_fix(self)
        if chosen is not None:
            self.app.start_fix(*chosen)  # type: ignore[attr-defined]

    def action_copy_fix(self) -> None:
        chosen = selected_fix(self)
        if chosen is not None:
            self.app.copy_fix(*chosen)  # type: ignore[attr-defined]
