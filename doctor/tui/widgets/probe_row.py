"""One probe's line on the Checks screen: a mark, its title and what it saw."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.reactive import var
from textual.widgets import Label, ListItem

from pyo3_doctor.model import ProbeResult
from pyo3_doctor.textsafe import clean_line
from pyo3_doctor.tui.text import mark, state_class

STATE_CLASSES = ("-running", "-ok", "-warn", "-fail", "-skip", "-crash", "-timeout")


class ProbeRow(ListItem):
    """A row that shows the running indicator until its result is set."""

    result: var[ProbeResult | None] = var(None, init=False)
    """The probe's latest result; None while it runs."""

    def __init__(self, probe_id: str, title: str, title_width: int) -> None:
        super().__init__(id=f"probe-{probe_id}", classes="-running")
        self.probe_id = probe_id
        self.title = title
        self._title_width = title_width

    def compose(self) -> ComposeResult:
        yield Label(Text(mark(None)), classes="mark")
        yield Label(Text(self.title.ljust(self._title_width)), classes="title")
        yield Label(Text("checking…"), classes="summary")

    def watch_result(self, result: ProbeResult | None) -> None:
        self.remove_class(*STATE_CLASSES)
        self.add_class(state_class(result))
        if not self.is_mounted:
            return
        self.query_one(".mark", Label).update(Text(mark(result)))
        summary = "checking…" if result is None else clean_line(result.summary)
        self.query_one(".summary", Label).update(Text(summary))
