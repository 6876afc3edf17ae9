"""The one-line verdict at the top of the Checks screen (no timings: they vary per run)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from pyo3_doctor.about import TOOL
from pyo3_doctor.model import Report


class SummaryLine(Static):
    def show(self, report: Report | None, done: int, total: int) -> None:
        self.remove_class("-ok", "-warn", "-fail", "-running")
        if done < total or report is None:
            self.add_class("-running")
            self.update(Text(f"{TOOL} · checking… {done} of {total} done"))
            return
        fails, warns = report.counts
        if not report.findings:
            self.add_class("-ok")
            self.update(Text(f"{TOOL} · no problems found in {total} checks"))
            return
        self.add_class("-fail" if fails else "-warn")
        self.update(Text(f"{TOOL} · {fails} failing, {warns} warning in {total} checks"))
