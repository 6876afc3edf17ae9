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
