"""The box each probe status shows as, in every human-facing renderer (text report and TUI)."""

from __future__ import annotations

from doctor.model import Status

MARKS = {
    Status.OK: "[✓]",
    Status.WARN: "[!]",
    Status.FAIL: "[✗]",
    Status.SKIP: "[-]",
    Status.CRASH: "[☠]",
    Status.TIMEOUT: "[⏱]",
}
