"""The box each probe status shows as, in every human-facing renderer (text report and TUI)."""

from __future__ import annotations

from pyo3_doctor.model import Status

MARKS = {
    Status.OK: "[✓]",
    Status.WARN: "[!]",
    Status.FAIL: "[✗]",
    Status.SKIP: "[-]",
    Status.CRASH: "[☠]",
    Status.TIMEOUT: "[⏱]",
}

# The same boxes where the output cannot carry them (an ASCII or latin-1 locale, a redirected
# Windows console): the report degrades, never crashes.
ASCII_MARKS = {
    Status.OK: "[ok]",
    Status.WARN: "[!]",
    Status.FAIL: "[x]",
    Status.SKIP: "[-]",
    Status.CRASH: "[crash]",
    Status.TIMEOUT: "[timeout]",
}


def marks_for(encoding: str | None) -> dict[Status, str]:
    """MARKS when `encoding` can write them, else ASCII_MARKS."""
    try:
        "".join(MARKS.values()).encode(encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return ASCII_MARKS
    return MARKS
