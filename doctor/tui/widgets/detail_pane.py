"""The Checks screen's lower half: what the selected probe saw and what it means."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from pyo3_doctor.model import Finding, ProbeResult
from pyo3_doctor.tui.text import probe_detail
from pyo3_doctor.tui.widgets.finding_view import FindingView


class DetailPane(VerticalScroll):
    def __init__(self, shell: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shell = shell
        self._shown: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="probe-detail")

    async def show(
        self, title: str, result: ProbeResult | None, findings: Sequence[Finding]
    ) -> None:
        """Show one probe; does nothing when that is what is already shown (no flicker)."""
        key = (title, result, tuple(findings))
        if key == self._shown:
            return
        self._shown = key
        self.query_one(".probe-detail", Static).update(probe_detail(title, result))
        with self.app.batch_update():
            await self.remove_children(FindingView)
            await self.mount_all(FindingView(f, self._shell) for f in findings)
        self.scroll_home(animate=False)
