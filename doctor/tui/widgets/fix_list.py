"""A finding's fix steps as options: enter or a click applies one, `c` copies it."""

from __future__ import annotations

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from pyo3_doctor.model import Finding, FixStep
from pyo3_doctor.tui.messages import FixChosen
from pyo3_doctor.tui.text import step_prompt


class FixList(OptionList):
    """The steps of one finding; the highlighted one is what `f` and `c` act on."""

    def __init__(self, finding: Finding, shell: str) -> None:
        options = [Option(step_prompt(step, shell)) for step in finding.fixes]
        super().__init__(*options, classes="fix-list")
        self.finding = finding

    @property
    def step(self) -> FixStep | None:
        """The highlighted step, or the first one when nothing is highlighted yet."""
        if not self.finding.fixes:
            return None
        return self.finding.fixes[self.highlighted or 0]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(FixChosen(self.finding, event.option_index))
