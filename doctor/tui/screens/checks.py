"""The default screen: one row per probe, painted at once, each updated as its result lands.

The app's workers run the probes and call `show_result`; this screen only displays, and hands
fix requests back to the app.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, ListView

from pyo3_doctor.model import Finding, ProbeResult, Report
from pyo3_doctor.probes import Probe
from pyo3_doctor.tui.messages import FixChosen
from pyo3_doctor.tui.screens.fixing import selected_fix
from pyo3_doctor.tui.widgets.detail_pane import DetailPane
from pyo3_doctor.tui.widgets.probe_row import ProbeRow
from pyo3_doctor.tui.widgets.summary_line import SummaryLine


class ChecksScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit", show=False),  # the footer shows ctrl+q
        Binding("r", "app.rerun", "Re-run"),
        Binding("f", "fix", "Fix"),
        Binding("c", "copy_fix", "Copy fix"),
        Binding("d", "app.push_screen('diagnose')", "Diagnose"),
        Binding("k", "app.push_screen('knowledge')", "Knowledge"),
        Binding("question_mark", "app.help", "Keys"),
    ]

    def __init__(self, probes: Sequence[Probe], shell: str) -> None:
        super().__init__(id="checks")
        self._probes = tuple(probes)
        self._titles = {p.ID: p.TITLE for p in self._probes}
        self._shell = shell
        self._report: Report | None = None
        self._landed = False  # the first run has placed the cursor on the first problem

    def compose(self) -> ComposeResult:
        yield SummaryLine(id="summary")
        width = max((len(p.TITLE) for p in self._probes), default=0)
        rows = [ProbeRow(p.ID, p.TITLE, width) for p in self._probes]
        yield ListView(*rows, id="probes")
        yield DetailPane(self._shell, id="detail")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self._summarise()
        # the rows exist now, so the first run can start painting them
        self.app.run_checks(self._probes)  # type: ignore[attr-defined]

    def row(self, probe_id: str) -> ProbeRow:
        return self.query_one(f"#probe-{probe_id}", ProbeRow)

    def _rows(self) -> list[ProbeRow]:
        return list(self.query(ProbeRow))

    def _summarise(self) -> None:
        rows = self._rows()
        done = sum(r.result is not None for r in rows)
        self.query_one(SummaryLine).show(self._report, done, len(rows))

    def mark_running(self, probe_ids: Sequence[str]) -> None:
        for probe_id in probe_ids:
            self.row(probe_id).result = None
        self._summarise()

    async def show_result(self, result: ProbeResult, report: Report) -> None:
        self._report = report
        self.row(result.probe).result = result
        self._summarise()
        await self._show_selected()

    async def run_finished(self) -> None:
        """After the first run, land on the worst problem unless the user moved already."""
        probes = self.query_one(ListView)
        if not self._landed and probes.index in (None, 0):
            landing = _first_problem(self._rows())
            if landing is not None:
                probes.index = landing
        self._landed = True
        await self._show_selected()

    def _findings_of(self, probe_id: str) -> list[Finding]:
        if self._report is None:
            return []
        return [f for f in self._report.findings if f.source == f"probe:{probe_id}"]

    async def _show_selected(self) -> None:
        item = self.query_one(ListView).highlighted_child
        if not isinstance(item, ProbeRow):
            return
        pane = self.query_one(DetailPane)
        await pane.show(item.title, item.result, self._findings_of(item.probe_id))
        # a fix that worked takes its fix list away: focus goes back to the checks, never
        # stays in an emptied pane that only shift+tab leaves
        focused = self.focused
        fix_lists = pane.query("FixList")
        if focused is None or (pane in focused.ancestors_with_self and not fix_lists):
            self.query_one(ListView).focus()

    @on(ListView.Highlighted)
    async def _highlighted(self) -> None:
        await self._show_selected()

    @on(ListView.Selected)
    def _selected(self) -> None:
        """Enter on a row moves into its fixes."""
        fixes = self.query("DetailPane FixList")
        if fixes:
            fixes.first().focus()

    @on(FixChosen)
    def _fix_chosen(self, event: FixChosen) -> None:
        self.app.start_fix(event.finding, event.step_index)  # type: ignore[attr-defined]

    def action_fix(self) -> None:
        chosen = selected_fix(self)
        if chosen is None:
            self.notify("Nothing to fix here.")
            return
        self.app.start_fix(*chosen)  # type: ignore[attr-defined]

    def action_copy_fix(self) -> None:
        chosen = selected_fix(self)
        if chosen is None:
            self.notify("No fix to copy here.")
            return
        self.app.copy_fix(*chosen)  # type: ignore[attr-defined]


def _first_problem(rows: Sequence[ProbeRow]) -> int | None:
    """The first failing row, else the first that warned, crashed or timed out."""
    for wanted in (("fail",), ("warn", "crash", "timeout")):
        for i, row in enumerate(rows):
            if row.result is not None and row.result.status.value in wanted:
                return i
    return None
