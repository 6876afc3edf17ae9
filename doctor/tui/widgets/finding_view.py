"""One finding in full: title, where it was seen, why it matters, its fixes and docs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from pyo3_doctor.model import Finding
from pyo3_doctor.tui.text import docs_text, finding_body, finding_head
from pyo3_doctor.tui.widgets.fix_list import FixList


class FindingView(Vertical):
    def __init__(self, finding: Finding, shell: str) -> None:
        severity = finding.severity.value
        super().__init__(classes=f"finding -{severity}")
        self.finding = finding
        self._shell = shell

    def compose(self) -> ComposeResult:
        yield Static(finding_head(self.finding), classes="finding-head")
        yield Static(finding_body(self.finding), classes="finding-body")
        if self.finding.fixes:
            yield FixList(self.finding, self._shell)
        if self.finding.docs:
            yield Static(docs_text(self.finding.docs), classes="finding-docs")
