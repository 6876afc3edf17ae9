"""The fix dialog: shows the argv or the diff, asks, then shows live output and the outcome.

The app's fix worker drives it: it pushes the dialog, awaits `answer()`, runs the fix in a
thread worker whose output arrives here as FixOutputReceived, then calls `finish()` and later
`rechecked()`. Nothing changes on disk unless the user pressed Apply.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Log, Static

from pyo3_doctor.model import Finding
from pyo3_doctor.textsafe import clean, clean_line
from pyo3_doctor.tui.messages import FixOutputReceived
from pyo3_doctor.tui.text import diff_text


class ConfirmFix(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "apply", "Apply"),
        Binding("n", "cancel", "Cancel"),
        Binding("escape", "cancel", "Cancel / close"),
    ]

    def __init__(self, finding: Finding, plan: Any) -> None:
        super().__init__(id="confirm-fix")
        self.finding = finding
        self.plan = plan  # a pyo3_doctor.fixing.steps.Plan
        self.confirmed = False
        self.phase = "ask"  # ask -> running -> done
        self._answered = asyncio.Event()
        self._outcome = ""

    def compose(self) -> ComposeResult:
        runnable = bool(self.plan.runnable)
        with Vertical(id="dialog"):
            yield Label(Text(f"Fix {self.finding.id}"), id="dialog-title")
            yield Static(Text(clean_line(self.plan.step.summary)), id="dialog-summary")
            with VerticalScroll(id="preview"):
                yield Static(self._preview(), id="preview-text")
            yield Log(id="output", classes="-hidden")
            note = "Apply this?" if runnable else "This step is for you to carry out."
            yield Static(Text(note), id="outcome")
            with Horizontal(id="buttons"):
                if runnable:
                    yield Button("Apply (y)", id="apply", variant="warning")
                yield Button("Cancel (n)" if runnable else "Close", id="cancel")

    def _preview(self) -> Text:
        if self.plan.kind in ("edit", "patch"):
            return diff_text(self.plan.preview)
        if self.plan.kind == "argv":
            return Text("$ ").append(clean(self.plan.preview), style="bold")
        return Text(clean(self.plan.preview))

    def on_mount(self) -> None:
        self.query_one("#cancel" if not self.plan.runnable else "#apply", Button).focus()

    async def answer(self) -> bool:
        """Wait until the user applies (True) or cancels (False)."""
        await self._answered.wait()
        return self.confirmed

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        if self.phase != "ask" or not self.plan.runnable:
            return
        self.confirmed = True
        self.phase = "running"
        self.query_one("#apply", Button).disabled = True
        self.query_one("#cancel", Button).disabled = True
        if self.plan.kind == "argv":  # an edit has no output to follow
            self.query_one("#output", Log).remove_class("-hidden")
        self.query_one("#outcome", Static).update(Text("Running…"))
        self._answered.set()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.phase == "running":
            return  # a fix cannot be abandoned half way; it finishes, then Close appears
        if self.phase == "ask":
            self._answered.set()
        self.dismiss()

    def on_fix_output_received(self, event: FixOutputReceived) -> None:
        self.query_one("#output", Log).write(clean(event.chunk))

    def finish(self, ok: bool, message: str, rechecking: bool) -> None:
        """Show the outcome; the dialog stays until the user closes it."""
        self.phase = "done"
        mark = "✓" if ok else "✗"
        self._outcome = f"{mark} {clean_line(message)}."
        tail = " Re-checking…" if rechecking else ""
        outcome = self.query_one("#outcome", Static)
        outcome.set_class(not ok, "-error")
        outcome.update(Text(self._outcome + tail))
        cancel = self.query_one("#cancel", Button)
        cancel.label = "Close"
        cancel.disabled = False
        cancel.focus()

    def rechecked(self, fixed: bool) -> None:
        verdict = "fixed" if fixed else "still there"
        outcome = self.query_one("#outcome", Static)
        outcome.set_class(not fixed, "-error")
        outcome.update(Text(f"{self._outcome}\nRe-checked: {self.finding.id} is {verdict}."))
