"""What `f` and `c` act on in a screen that lists findings: the focused fix, else the first."""

from __future__ import annotations

from textual.screen import Screen

from pyo3_doctor.model import Finding
from pyo3_doctor.tui.widgets.fix_list import FixList


def selected_fix(screen: Screen[object]) -> tuple[Finding, int] | None:
    """The highlighted step of the focused fix list, else the first step that can run."""
    focused = screen.focused
    if isinstance(focused, FixList) and focused.finding.fixes:
        return focused.finding, focused.highlighted or 0
    lists = list(screen.query(FixList))
    for fix_list in lists:
        for i, step in enumerate(fix_list.finding.fixes):
            if step.can_apply:
                return fix_list.finding, i
    for fix_list in lists:
        if fix_list.finding.fixes:
            return fix_list.finding, 0
    return None
