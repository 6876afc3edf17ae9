"""What `f` and `c` act on in a screen that lists findings: the focused fix, else the one
`fix` would take."""

from __future__ import annotations

from textual.screen import Screen

from pyo3_doctor.model import Finding
from pyo3_doctor.tui import backend
from pyo3_doctor.tui.widgets.fix_list import FixList


def selected_fix(screen: Screen[object]) -> tuple[Finding, int] | None:
    """The highlighted step of the focused fix list, else the step `fix` would take for the
    first finding that has one (backend.step_to_take), else the first finding's best
    step, which may be one for the user to carry out."""
    focused = screen.focused
    if isinstance(focused, FixList) and focused.finding.fixes:
        return focused.finding, focused.highlighted or 0
    lists = list(screen.query(FixList))
    for fix_list in lists:
        index = backend.step_to_take(fix_list.finding.fixes)
        if index is not None:
            return fix_list.finding, index
    for fix_list in lists:
        if fix_list.finding.fixes:
            return fix_list.finding, 0
    return None
