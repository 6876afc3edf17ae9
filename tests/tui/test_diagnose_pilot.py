"""Pilot tests of the Diagnose screen: a paste is diagnosed with no extra key."""

from __future__ import annotations

import pytest
from test_checks_pilot import settle, wait_until
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from tui_fakes import HOSTILE, fixed

from pyo3_doctor.context import Context
from pyo3_doctor.model import Status
from pyo3_doctor.tui.app import DoctorApp
from pyo3_doctor.tui.messages import PasteDiagnosed
from pyo3_doctor.tui.screens.diagnose import DiagnoseScreen

IMPORT_ERROR = (
    "Traceback (most recent call last):\n"
    '  File "<string>", line 1, in <module>\n'
    "ImportError: dynamic module does not define module export function (PyInit_x)\n"
)


@pytest.fixture(autouse=True)
def no_debounce(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DiagnoseScreen, "DEBOUNCE_SECONDS", 0.0)


async def diagnosed(pilot: Pilot[object], seen: list[object], count: int = 1) -> PasteDiagnosed:
    """Wait for the count-th diagnosis (the debounce timer fires, then a worker answers)."""

    def answered() -> bool:
        return len([m for m in seen if isinstance(m, PasteDiagnosed)]) >= count

    await wait_until(pilot, answered)
    return [m for m in seen if isinstance(m, PasteDiagnosed)][count - 1]


def paste(app: DoctorApp, text: str) -> None:
    """As a terminal's bracketed paste arrives: at the app, which hands it to the focus."""
    assert isinstance(app.focused, TextArea)
    app.post_message(events.Paste(text))


async def test_pasted_error_is_diagnosed_at_once(ctx: Context) -> None:
    seen: list[object] = []
    app = DoctorApp([fixed("alpha", "Alpha", Status.OK, "fine")], ctx)
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("d")
        paste(app, IMPORT_ERROR)
        answer = await diagnosed(pilot, seen)
        assert answer.diagnosis is not None
        ids = [f.id for f in answer.diagnosis.report.findings]
        assert ids[0] == "module-name-mismatch"
        head = app.screen.query_one("FindingView .finding-head").render()
        assert "The module maturin builds and the #[pymodule] name differ" in str(head)
        body = str(app.screen.query_one("FindingView .finding-body").render())
        assert "line 3" in body and "PyInit_x" in body
        assert "1 cause found" in str(app.screen.query_one("#diagnose-status").render())
        await pilot.press("escape")
        assert app.screen.id == "checks"


async def test_changed_text_is_diagnosed_again_and_unknown_text_says_so(ctx: Context) -> None:
    seen: list[object] = []
    app = DoctorApp([fixed("alpha", "Alpha", Status.OK, "fine")], ctx)
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("d")
        paste(app, IMPORT_ERROR)
        await diagnosed(pilot, seen)
        await pilot.press("ctrl+l")
        paste(app, f"npm ERR! code ELIFECYCLE {HOSTILE}\n")
        answer = await diagnosed(pilot, seen, count=2)
        assert answer.diagnosis is not None and not answer.diagnosis.report.findings
        assert not app.screen.query("FindingView")
        status = str(app.screen.query_one("#diagnose-status").render())
        assert "No known PyO3/maturin cause" in status


async def test_pasted_control_characters_never_reach_the_screen(ctx: Context) -> None:
    app = DoctorApp([fixed("alpha", "Alpha", Status.OK, "fine")], ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        paste(app, f"{HOSTILE}\n{IMPORT_ERROR}")
        await settle(pilot)
        text = app.screen.query_one("#paste", TextArea).text
        assert "\x1b" not in text and "\x07" not in text
        assert "[bold]not bold[/]" in text and "\\x1bc" in text and "PyInit_x" in text
        await pilot.press("escape", "k")
        app.post_message(events.Paste("link\x1b[2Jer"))
        await settle(pilot)
        assert "\x1b" not in app.screen.query_one("#filter", Input).value


async def test_a_paste_with_carriage_returns_keeps_its_lines(ctx: Context) -> None:
    # what a terminal sends for a paste: CR line ends, no LF at all
    seen: list[object] = []
    app = DoctorApp([fixed("alpha", "Alpha", Status.OK, "fine")], ctx)
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("d")
        paste(app, IMPORT_ERROR.replace("\n", "\r"))
        answer = await diagnosed(pilot, seen)
        assert answer.diagnosis is not None
        (first, *_) = answer.diagnosis.report.findings
        assert first.id == "module-name-mismatch" and first.source == "log:3", first.source
